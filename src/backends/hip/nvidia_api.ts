/**
 * PlatformApi over the CUDA driver API (libcuda.so.1): what differs from HIP (bound_platform.ts has the rest).
 *
 * The primary context is used, so gpuhal shares the device with other CUDA users in the process (PyTorch, …).
 * Versioned entry points are bound where CUDA has several (symbols.ts).
 */
import { CU, CUDA_KERNEL_NODE_PARAMS_v2, CUDA_MEMCPY3D, CUDA_MEMSET_NODE_PARAMS, layoutOf } from './abi.js';
import { BoundPlatform } from './bound_platform.js';
import { memsetNodeParams, setU32, setU64, structBytes } from './call_helpers.js';
import type { LoadedLibrary, NativeFunction } from './library.js';
import type { DeviceFacts, Dims3, PlatformApi } from './platform_api.js';
import { describerFrom, type StatusDescriber } from './status.js';

export { CUDA_SYMBOLS } from './symbols.js';

export const CUDA_LIBRARY_CANDIDATES = ['libcuda.so.1', 'libcuda.so'] as const;

const KERNEL_NODE = layoutOf(CUDA_KERNEL_NODE_PARAMS_v2);
const MEMSET_NODE = layoutOf(CUDA_MEMSET_NODE_PARAMS);
const MEMCPY3D = layoutOf(CUDA_MEMCPY3D);

export function cudaDescriber(fns: Readonly<Record<string, NativeFunction>>): StatusDescriber {
  const lookup = (fn: NativeFunction | undefined) => (status: number): string | undefined => {
    if (!fn) return undefined;
    const out: (string | null)[] = [null];
    return fn(status, out) === 0 ? (out[0] ?? undefined) : undefined;
  };
  return describerFrom('cuda', lookup(fns.cuGetErrorName), lookup(fns.cuGetErrorString));
}

export class NvidiaApi extends BoundPlatform implements PlatformApi {
  readonly platform = 'nvidia' as const;
  private context = 0;

  constructor(loaded: LoadedLibrary) {
    super(
      loaded,
      'nvidia',
      cudaDescriber,
      () => 'stream-ordered allocation falls back to cuMemAlloc_v2 now and a free deferred until the stream passes it',
      { streamNonBlocking: CU.streamNonBlocking, eventDisableTiming: CU.eventDisableTiming, hostAlloc: CU.memhostallocPortable },
    );
  }

  init(): void {
    this.call('init', [0]);
    this.call('driverGetVersion', [this.int]);
    const v = this.int[0]!;
    this.details.driverVersion = `CUDA ${Math.floor(v / 1000)}.${(v % 1000) / 10}`;
  }

  openDevice(ordinal: number): DeviceFacts {
    this.call('deviceGet', [this.int, ordinal], `ordinal ${ordinal}`);
    const device = this.int[0]!;
    this.context = this.retainPrimaryContext(device);
    this.device = device;
    this.makeCurrent();
    const a = CU.attr;
    const major = this.attribute(a.computeCapabilityMajor);
    const minor = this.attribute(a.computeCapabilityMinor);
    return { ...this.commonFacts(device, a), arch: `sm_${major}${minor}` };
  }

  makeCurrent(): void {
    if (currentCudaContext === this.context) return;
    this.call('ctxSetCurrent', [this.context]);
    currentCudaContext = this.context;
  }

  /**
   * The device's primary context, retained once per process and kept after the last driver closes: creating a
   * primary context costs hundreds of milliseconds, and test suites open a device per test. A context that saw a
   * device-losing fault is released instead, so the next open gets a fresh one.
   */
  private retainPrimaryContext(device: number): number {
    const kept = primaryContexts.get(device);
    if (kept) {
      kept.users++;
      return kept.context;
    }
    const context = this.create('primaryCtxRetain', [device]);
    primaryContexts.set(device, { context, users: 1, poisoned: false });
    return context;
  }

  closeDevice(lost: boolean): void {
    if (this.device < 0) return;
    const device = this.device;
    this.device = -1;
    const kept = primaryContexts.get(device);
    if (currentCudaContext === this.context) {
      this.f.ctxSetCurrent!(0);
      currentCudaContext = 0;
    }
    this.context = 0;
    if (!kept) return;
    kept.users--;
    if (lost) kept.poisoned = true;
    if (kept.users === 0 && kept.poisoned) {
      primaryContexts.delete(device);
      // A broken context still releases; its status is not worth failing destroy over.
      this.f.primaryCtxRelease!(device);
    }
  }

  graphAddKernelNode(graph: number, deps: readonly number[], fn: number, grid: Dims3, block: Dims3, sharedMemBytes: number, kernelParams: number): number {
    const { bytes, view } = structBytes(KERNEL_NODE.size);
    const o = KERNEL_NODE.offsets;
    setU64(view, o.func, fn);
    setU32(view, o.gridDimX, grid.x);
    setU32(view, o.gridDimY, grid.y);
    setU32(view, o.gridDimZ, grid.z);
    setU32(view, o.blockDimX, block.x);
    setU32(view, o.blockDimY, block.y);
    setU32(view, o.blockDimZ, block.z);
    setU32(view, o.sharedMemBytes, sharedMemBytes);
    setU64(view, o.kernelParams, kernelParams);
    return this.create('graphAddKernelNode', [graph, this.deps.pack(deps), deps.length, bytes]);
  }

  graphAddMemsetNode(graph: number, deps: readonly number[], dst: number, value: number, elementSize: 1 | 2 | 4, count: number): number {
    const params = memsetNodeParams(MEMSET_NODE, dst, value, elementSize, count);
    return this.create('graphAddMemsetNode', [graph, this.deps.pack(deps), deps.length, params, this.context]);
  }

  graphAddMemcpyNode(graph: number, deps: readonly number[], dst: number, src: number, byteLength: number): number {
    const { bytes, view } = structBytes(MEMCPY3D.size);
    const o = MEMCPY3D.offsets;
    setU32(view, o.srcMemoryType, CU.memorytypeDevice);
    setU64(view, o.srcDevice, src);
    setU32(view, o.dstMemoryType, CU.memorytypeDevice);
    setU64(view, o.dstDevice, dst);
    setU64(view, o.WidthInBytes, byteLength);
    setU64(view, o.Height, 1);
    setU64(view, o.Depth, 1);
    return this.create('graphAddMemcpyNode', [graph, this.deps.pack(deps), deps.length, bytes, this.context]);
  }
}

/** Primary contexts this process retained, by CUdevice (see retainPrimaryContext). */
const primaryContexts = new Map<number, { context: number; users: number; poisoned: boolean }>();

/** The context current on the JS thread, shared by all NvidiaApi instances (CUDA tracks it per thread). */
let currentCudaContext = 0;

