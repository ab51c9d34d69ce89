/**
 * The built-in backends in a browser (package.json's "browser" map puts this file in place of builtin.ts): the
 * simulator only. hip needs koffi, a native Node addon, so it is never reachable from a browser bundle.
 */
import type { DriverProvider } from '../core/driver.js';

export const builtinBackends: ReadonlyArray<readonly [string, () => Promise<DriverProvider>]> = [
  ['sim', async () => (await import('./sim/index.js')).simProvider],
];
