/**
 * The built-in backends in a browser (package.json's "browser" map puts this file in place of builtin.ts): the
 * simulator only. hip needs koffi, a native Node addon, so it is never reachable from a browser bundle, and
 * `backend: 'auto'` finds the simulator.
 */
import { registerBackend } from '../core/registry.js';
import type {} from './sim/device_options.js';

registerBackend('sim', async () => (await import('./sim/index.js')).simProvider);
