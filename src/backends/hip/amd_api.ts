/**
 * PlatformApi over ROCm's HIP runtime (libamdhip64): what differs from CUDA (bound_platform.ts has the rest).
 *
 * Symbols present since ROCm 5.2 are required; newer ones are optional with fallbacks that are reported in
 * `fallbacks` (Debian's ROCm 5.2 lacks hipLaunchHostFunc and hipDrvGraphAddMemcpyNode; see symbols.ts).
 * hipDeviceProp_t is read only through the unversioned hipGetDeviceProperties symbol, whose layout ROCm 6 keeps
 * for old binaries (the new layout is hipGetDevicePropertiesR0600), and only for the gcnArchName string.
 */
import { HIP, HIP_DEVICE_PROP, hipKernelNodeParams, hipMemsetParams, layoutOf } from './abi.js';
import { BoundPlatform } from './bound_platform.js';
import { decodeCString, memsetNodeParams, setU32, setU64, structBytes } from './call_helpers.js';
import type { LoadedLibrary, NativeFunction } from './library.js';
import type { DeviceFacts, Dims3, PlatformApi } from './platform_api.js';
import { describerFrom, type StatusDescriber } from './status.js';

export { HIP_SYMBOLS } from './symbols.js';

export const HIP_LIBRARY_CANDIDATES = ['libamdhip64.so.6', 'libamdhip64.so.5', 'libamdhip64.so'] as const;

/** What the driver does when an optional symbol is missing. */
const FALLBACKS: Readonly<Record<string, string>> = {
  hipMallocAsync: 'stream-ordered allocation falls back to hipMalloc now and a free deferred until the stream passes it',
  hipFreeAsync: 'stream-ordered allocation falls back to hipMalloc now and a free deferred until the stream passes it',
  hipLaunchHostFunc: 'host functions are not offered (completion is always polled from events)',
  hipDrvGraphAddMemcpyNode: 'memcpy graph nodes use hipGraphAddMemcpyNode1D (device to device)',
};

const KERNEL_NODE = layoutOf(hipKernelNodeParams);
const MEMSET_NODE = layoutOf(hipMemsetParams);

export function hipDescriber(fns: Readonly<Record<string, NativeFunction>>): StatusDescriber {
  return describerFrom(
    'hip',
    (status) => fns.hipGetErrorName?.(status) ?? undefined,
    (status) => fns.hipGetErrorString?.(status) ?? undefined,
  );
}

export class AmdApi extends BoundPlatform implements PlatformApi {
  readonly platform = 'amd' as const;

  constructor(loaded: LoadedLibrary) {
    super(loaded, 'amd', hipDescriber, (symbol) => FALLBACKS[symbol] ?? 'unused', {
      streamNonBlocking: HIP.streamNonBlocking,
      eventDisableTiming: HIP.eventDisableTiming,
      hostAlloc: HIP.hostMallocDefault,
    });
    // Always in effect, whether or not the symbol exists: see FALLBACKS.
    this.details.hostFunctions = FALLBACKS.hipLaunchHostFunc!;
    this.details.memcpyNodes = FALLBACKS.hipDrvGraphAddMemcpyNode!;
  }

  /** Version facts readable without a device (hipInit not needed). */
  readVersions(): void {
    if (this.f.runtimeGetVersion!(this.int) === 0) this.details.runtimeVersion = `HIP ${this.int[0]}`;
  }

  init(): void {
    this.readVersions();
    this.call('init', [0]);
    this.call('driverGetVersion', [this.int]);
    this.details.driverVersion = `HIP driver ${this.int[0]}`;
  }

  openDevice(ordinal: number): DeviceFacts {
    this.call('deviceGet', [this.int, ordinal], `ordinal ${ordinal}`);
    this.device = ordinal;
    this.makeCurrent();
    const common = this.commonFacts(ordinal, HIP.attr);
    // Generous slack: the struct only grew across ROCm releases.
    const props = new Uint8Array(HIP_DEVICE_PROP.size * 4);
    this.call('getDeviceProperties', [props, ordinal]);
    const arch = decodeCString(props.subarray(HIP_DEVICE_PROP.gcnArchNameOffset, HIP_DEVICE_PROP.gcnArchNameOffset + 256));
    return { ...common, arch };
  }

  makeCurrent(): void {
    if (currentHipDevice === this.device) return;
    this.call('setDevice', [this.device]);
    currentHipDevice = this.device;
  }

  closeDevice(_lost: boolean): void {
    this.device = -1;
  }

  graphAddKernelNode(graph: number, deps: readonly number[], fn: number, grid: Dims3, block: Dims3, sharedMemBytes: number, kernelParams: number): number {
    const { bytes, view } = structBytes(KERNEL_NODE.size);
    const o = KERNEL_NODE.offsets;
    const blockAt = o.blockDim!;
    const gridAt = o.gridDim!;
    setU32(view, blockAt, block.x);
    setU32(view, blockAt + 4, block.y);
    setU32(view, blockAt + 8, block.z);
    setU64(view, o.func, fn);
    setU32(view, gridAt, grid.x);
    setU32(view, gridAt + 4, grid.y);
    setU32(view, gridAt + 8, grid.z);
    setU64(view, o.kernelParams, kernelParams);
    setU32(view, o.sharedMemBytes, sharedMemBytes);
    return this.create('graphAddKernelNode', [graph, this.deps.pack(deps), deps.length, bytes]);
  }

  graphAddMemsetNode(graph: number, deps: readonly number[], dst: number, value: number, elementSize: 1 | 2 | 4, count: number): number {
    const params = memsetNodeParams(MEMSET_NODE, dst, value, elementSize, count);
    return this.create('graphAddMemsetNode', [graph, this.deps.pack(deps), deps.length, params]);
  }

  graphAddMemcpyNode(graph: number, deps: readonly number[], dst: number, src: number, byteLength: number): number {
    return this.create('graphAddMemcpyNode', [graph, this.deps.pack(deps), deps.length, dst, src, byteLength, HIP.memcpyDeviceToDevice]);
  }
}

/** The device current on the JS thread (HIP tracks it per thread). */
let currentHipDevice = -1;
