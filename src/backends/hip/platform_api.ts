/**
 * The thin per-platform adapter the hip driver is written against.
 *
 * amd_api.ts maps it onto libamdhip64 and nvidia_api.ts onto the CUDA driver API; each method is one (or, for a
 * documented fallback, a few) driver calls, returns plain numbers for handles and addresses (koffi 3 passes
 * pointers as integers, and every platform uses 48-bit addresses), and throws a mapped HalError for any failing
 * status. Validation, bookkeeping and semantics live in the driver, never here.
 */
import type { DriverLimits } from '../../core/driver.js';
import type { StatusDescriber } from './status.js';

export type HipPlatform = 'amd' | 'nvidia';

export interface DeviceFacts {
  readonly name: string;
  readonly totalMemoryBytes: number;
  readonly computeUnits: number;
  readonly warpSize: number;
  readonly limits: DriverLimits;
  /** The code-object target: 'sm_90', 'gfx90a', ... */
  readonly arch: string;
  /** True when the device supports stream-ordered memory pools. */
  readonly memoryPools: boolean;
}

export interface Dims3 {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

export interface PlatformApi {
  readonly platform: HipPlatform;
  readonly describer: StatusDescriber;
  /** The library that was loaded (soname or path). */
  readonly libraryName: string;
  /** Optional symbols this library lacks, with the fallback in effect for each. */
  readonly fallbacks: Readonly<Record<string, string>>;
  /** Facts for info.details: driver version and the like. */
  readonly details: Readonly<Record<string, string>>;
  /** Whether the library has stream-ordered allocation symbols at all (the device may still lack pools). */
  readonly hasAsyncAllocation: boolean;

  /** Called with every error whose status makes the device unusable (see status.ts). */
  onDeviceLosingError: ((error: Error) => void) | undefined;

  init(): void;
  deviceCount(): number;
  /** Name and memory of a device, without acquiring it (for probe). */
  deviceSummary(ordinal: number): { readonly name: string; readonly totalMemoryBytes: number };
  /** Acquires the device (primary context / current device) and reads its facts. */
  openDevice(ordinal: number): DeviceFacts;
  /** Makes this device current on the calling thread (cheap when it already is). */
  makeCurrent(): void;
  /**
   * Gives the device back. `lost`: the context saw a device-losing fault, so it must not be reused by a later
   * open (a healthy one may be kept for the next open, which makes opening cheap).
   */
  closeDevice(lost: boolean): void;
  /**
   * Blocks until all work this process enqueued on the device (context) has finished. Used only by destroy():
   * the libraries free memory and unload modules without waiting for work that still uses them.
   */
  synchronizeDevice(): void;

  memAlloc(bytes: number): number;
  memFree(ptr: number): void;
  memAllocAsync(bytes: number, stream: number): number;
  memFreeAsync(ptr: number, stream: number): void;
  /** Page-locked host memory the device can DMA to and from. */
  hostAlloc(bytes: number): number;
  hostFree(ptr: number): void;
  memcpyHtoDAsync(dst: number, srcHost: number, bytes: number, stream: number): void;
  memcpyDtoHAsync(dstHost: number, src: number, bytes: number, stream: number): void;
  memcpyDtoDAsync(dst: number, src: number, bytes: number, stream: number): void;
  memsetAsync(dst: number, value: number, elementSize: 1 | 2 | 4, count: number, stream: number): void;

  streamCreate(): number;
  streamDestroy(stream: number): void;
  /** False while work is pending (the not-ready status); throws for real errors. */
  streamQuery(stream: number): boolean;

  eventCreate(): number;
  eventDestroy(event: number): void;
  eventRecord(event: number, stream: number): void;
  eventQuery(event: number): boolean;
  streamWaitEvent(stream: number, event: number): void;

  graphCreate(): number;
  graphDestroy(graph: number): void;
  graphAddEmptyNode(graph: number, deps: readonly number[]): number;
  graphAddKernelNode(
    graph: number,
    deps: readonly number[],
    fn: number,
    grid: Dims3,
    block: Dims3,
    sharedMemBytes: number,
    kernelParams: number,
  ): number;
  graphAddMemsetNode(graph: number, deps: readonly number[], dst: number, value: number, elementSize: 1 | 2 | 4, count: number): number;
  graphAddMemcpyNode(graph: number, deps: readonly number[], dst: number, src: number, bytes: number): number;
  graphInstantiate(graph: number): number;
  graphExecDestroy(exec: number): void;
  graphLaunch(exec: number, stream: number): void;

  moduleLoadData(image: Uint8Array): number;
  moduleUnload(module: number): void;
  /** Returns 0 when the module has no such function (the not-found status), throws for other errors. */
  moduleGetFunction(module: number, name: string): number;
  /**
   * Offset and size of each of `fn`'s parameters in its parameter block, or undefined where the driver cannot say
   * (no cuFuncGetParamInfo: CUDA before 12.4, and HIP).
   */
  functionParameters?(fn: number): readonly KernelParameter[] | undefined;
  /** `kernelParams` is the address of a void*[] with one pointer per kernel argument. */
  launchKernel(fn: number, grid: Dims3, block: Dims3, sharedMemBytes: number, stream: number, kernelParams: number): void;
}

/** One kernel parameter's place in the GPU's parameter block (bytes). */
export interface KernelParameter {
  readonly offset: number;
  readonly size: number;
}
