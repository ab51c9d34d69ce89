/**
 * `createDevice({ hip: { ... } })`, typed: the hip backend's options join the core's DeviceOptions by declaration
 * merging, so the core never names them. The provider checks them again at run time (provider.ts). This file
 * imports nothing, so the typing reaches users without pulling in koffi's types (koffi is optional).
 */

export interface HipDeviceOptions {
  /** 'amd' (libamdhip64), 'nvidia' (libcuda) or 'auto' (the default: amd, then nvidia). */
  readonly platform?: 'amd' | 'nvidia' | 'auto';
  /** Which device of the platform (default 0). */
  readonly ordinal?: number;
}

declare module '../../core/device_options.js' {
  interface BackendDeviceOptions {
    /** hip options: which platform and which device ordinal. */
    readonly hip?: HipDeviceOptions;
  }
}
