/**
 * gpuhal's own backends, registered in the core's registry in the order `backend: 'auto'` tries them: a real GPU
 * (hip) first, then the simulator. Each is a dynamic import, so importing gpuhal loads neither koffi (hip) nor the
 * simulator's WebAssembly until a device asks for it, and the simulator still loads in a browser, where koffi does
 * not exist. The package entry (src/index.ts) imports this file; so does any entry that opens devices.
 */
import { registerBackend } from '../core/registry.js';

declare module '../core/device_options.js' {
  interface BackendDeviceOptions {
    /** Extra simulator driver options, e.g. { mode: 'manual' } (passed to the sim provider). */
    readonly sim?: Readonly<Record<string, unknown>>;
    /** Extra hip driver options, e.g. { platform, ordinal } (passed to the hip provider). */
    readonly hip?: Readonly<Record<string, unknown>>;
  }
}

registerBackend('hip', async () => (await import('./hip/index.js')).hipProvider);
registerBackend('sim', async () => (await import('./sim/index.js')).simProvider);
