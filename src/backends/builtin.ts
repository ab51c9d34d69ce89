/**
 * The backends `createDevice` knows without `registerBackend`, as lazy loaders: importing gpuhal loads neither
 * koffi (hip) nor the simulator's WebAssembly until a device asks for one.
 *
 * Bundlers building for a browser read package.json's "browser" map and take builtin.browser.ts instead, which
 * leaves hip out: koffi is a native Node addon, and a dynamic import of it would still be followed into the bundle.
 */
import type { DriverProvider } from '../core/driver.js';

export const builtinBackends: ReadonlyArray<readonly [string, () => Promise<DriverProvider>]> = [
  ['hip', async () => (await import('./hip/index.js')).hipProvider],
  ['sim', async () => (await import('./sim/index.js')).simProvider],
];
