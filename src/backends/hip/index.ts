/**
 * The hip backend: real GPUs over koffi, AMD through libamdhip64 and NVIDIA through the CUDA driver API.
 *
 *   provider.ts      picks a platform, explains unavailability, opens drivers
 *   driver.ts        HipDriver, the GpuDriver written once against PlatformApi
 *   platform_api.ts  the thin per-platform adapter interface; bound_platform.ts has what both platforms share,
 *                    amd_api.ts / nvidia_api.ts what differs
 *   symbols.ts       one entry-point table for both platforms, required/optional marks
 *   library.ts       loading libraries by soname, binding symbol tables
 *   abi.ts           koffi struct layouts and enum values (checked against vendor headers by abi/abi_check.c)
 *   status.ts        driver status → HalError, and which statuses lose the device
 *   rtc.ts           hiprtc / nvrtc compilation of 'hip-source' modules, cached; module_code.ts what each format loads as
 *   stream_ordered.ts stream-ordered allocation, or the ordered fallback without the symbols or memory pools
 *   kernel_args.ts   the kernel-argument array; host_staging.ts pinned staging; fences.ts internal completion;
 *   readback.ts      device→host readbacks; validation.ts argument checks; handles.ts handle objects
 *   progress.ts      poll cadence and deadline timers; call_helpers.ts status checks and out-parameters
 */
export { hipProvider, openHipDriver, initPlatform, parseHipOptions, type HipProviderOptions } from './provider.js';
export { HipDriver } from './driver.js';
export type { HipPlatform } from './platform_api.js';
