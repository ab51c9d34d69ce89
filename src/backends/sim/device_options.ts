/**
 * `createDevice({ sim: { ... } })`, typed: the simulator's options join the core's DeviceOptions by declaration
 * merging, so the core never names them. The driver checks them again at run time (options.ts).
 */
import type { SimDriverOptions } from './options.js';

/** The simulator's own options; `seed` and `memoryBytes` may also be given at the top level of createDevice's. */
export type SimDeviceOptions = Readonly<SimDriverOptions>;

declare module '../../core/device_options.js' {
  interface BackendDeviceOptions {
    /** Simulator options (cost model, manual stepping, log size, ...), passed to the sim backend. */
    readonly sim?: SimDeviceOptions;
  }
}
