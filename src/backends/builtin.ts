/**
 * gpuhal's own backends, registered in the core's registry in the order `backend: 'auto'` tries them: a real GPU
 * (hip) first, then the simulator. Each is a dynamic import, so importing gpuhal loads neither koffi (hip) nor the
 * simulator's WebAssembly until a device asks for it. The package entry (src/index.ts) imports this file; so does
 * any entry that opens devices.
 *
 * Bundlers building for a browser read package.json's "browser" map and take builtin.browser.ts instead, which
 * leaves hip out: koffi is a native Node addon, and a dynamic import of it would still be followed into the bundle.
 *
 * Each backend's createDevice options (`sim`, `hip`) are typed in its own device_options.ts, which extends the
 * core's BackendDeviceOptions; the type-only imports below bring both along with this file.
 */
import { registerBackend } from '../core/registry.js';
import type {} from './hip/device_options.js';
import type {} from './sim/device_options.js';

registerBackend('hip', async () => (await import('./hip/index.js')).hipProvider);
registerBackend('sim', async () => (await import('./sim/index.js')).simProvider);
