/**
 * `createDevice({ hip: { ... } })`, typed: the hip backend's options join the core's DeviceOptions by declaration
 * merging, so the core never names them. The provider checks them again at run time (provider.ts).
 */
import type { HipProviderOptions } from './provider.js';

export type HipDeviceOptions = HipProviderOptions;

declare module '../../core/device_options.js' {
  interface BackendDeviceOptions {
    /** hip options: which platform ('amd', 'nvidia' or 'auto') and which device ordinal. */
    readonly hip?: HipDeviceOptions;
  }
}
