/**
 * PlatformApi over the CUDA driver API (libcuda.so.1).
 *
 * Only the versioned entry points are bound where CUDA has several (cuMemAlloc_v2, cuGraphAddKernelNode_v2, …):
 * the unversioned names are kept by libcuda for binaries built against old headers and have old ABIs.
 * The primary context is used, so gpuhal shares the device with other CUDA users in the process (PyTorch, …).
 */
import { CU, CUDA_KERNEL_NODE_PARAMS_v2, CUDA_MEMCPY3D, CUDA_MEMSET_NODE_PARAMS, layoutOf } from './abi.js';
import { decodeCString, HandleArray, makeStatusCheck, OutCell, setU32, setU64, structBytes, type StatusCheck } from './call_helpers.js';
import { bindSymbols, type LoadedLibrary, type NativeFunction, type SymbolTable } from './library.js';
import type { DeviceFacts, Dims3, PlatformApi } from './platform_api.js';
import { describerFrom, STATUS_NOT_READY, type StatusDescriber } from './status.js';

export const CUDA_LIBRARY_CANDIDATES = ['libcuda.so.1', 'libcuda.so'] as const;

export const CUDA_SYMBOLS: SymbolTable = {
  required: {
    cuInit: 'int $(unsigned int flags)',
    cuDriverGetVersion: 'int $(void *version)',
    cuGetErrorName: 'int $(int error, _Out_ const char **str)',
    cuGetErrorString: 'int $(int error, _Out_ const char **str)',
    cuDeviceGetCount: 'int $(void *count)',
    cuDeviceGet: 'int $(void *device, int ordinal)',
    cuDeviceGetName: 'int $(void *name, int length, int device)',
    cuDeviceTotalMem_v2: 'int $(void *bytes, int device)',
    cuDeviceGetAttribute: 'int $(void *value, int attribute, int device)',
    cuDevicePrimaryCtxRetain: 'int $(void *context, int device)',
    cuDevicePrimaryCtxRelease_v2: 'int $(int device)',
    cuCtxSetCurrent: 'int $(uintptr_t context)',
    cuCtxSynchronize: 'int $()',
    cuMemAlloc_v2: 'int $(void *dptr, size_t bytes)',
    cuMemFree_v2: 'int $(uint64_t dptr)',
    cuMemHostAlloc: 'int $(void *pp, size_t bytes, unsigned int flags)',
    cuMemFreeHost: 'int $(uintptr_t p)',
    cuMemcpyHtoDAsync_v2: 'int $(uint64_t dst, uintptr_t src, size_t bytes, uintptr_t stream)',
    cuMemcpyDtoHAsync_v2: 'int $(uintptr_t dst, uint64_t src, size_t bytes, uintptr_t stream)',
    cuMemcpyDtoDAsync_v2: 'int $(uint64_t dst, uint64_t src, size_t bytes, uintptr_t stream)',
    cuMemsetD8Async: 'int $(uint64_t dst, uint8_t value, size_t count, uintptr_t stream)',
    cuMemsetD16Async: 'int $(uint64_t dst, uint16_t value, size_t count, uintptr_t stream)',
    cuMemsetD32Async: 'int $(uint64_t dst, uint32_t value, size_t count, uintptr_t stream)',
    cuStreamCreate: 'int $(void *stream, unsigned int flags)',
    cuStreamDestroy_v2: 'int $(uintptr_t stream)',
    cuStreamQuery: 'int $(uintptr_t stream)',
    cuEventCreate: 'int $(void *event, unsigned int flags)',
    cuEventDestroy_v2: 'int $(uintptr_t event)',
    cuEventRecord: 'int $(uintptr_t event, uintptr_t stream)',
    cuEventQuery: 'int $(uintptr_t event)',
    cuStreamWaitEvent: 'int $(uintptr_t stream, uintptr_t event, unsigned int flags)',
    cuGraphCreate: 'int $(void *graph, unsigned int flags)',
    cuGraphDestroy: 'int $(uintptr_t graph)',
    cuGraphAddEmptyNode: 'int $(void *node, uintptr_t graph, void *deps, size_t count)',
    cuGraphAddKernelNode_v2: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params)',
    cuGraphAddMemsetNode: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params, uintptr_t context)',
    cuGraphAddMemcpyNode: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params, uintptr_t context)',
    cuGraphInstantiateWithFlags: 'int $(void *exec, uintptr_t graph, uint64_t flags)',
    cuGraphExecDestroy: 'int $(uintptr_t exec)',
    cuGraphLaunch: 'int $(uintptr_t exec, uintptr_t stream)',
    cuModuleLoadData: 'int $(void *module, void *image)',
    cuModuleUnload: 'int $(uintptr_t module)',
    cuModuleGetFunction: 'int $(void *fn, uintptr_t module, const char *name)',
    cuLaunchKernel:
      'int $(uintptr_t fn, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz, unsigned int sharedMemBytes, uintptr_t stream, uintptr_t params, uintptr_t extra)',
  },
  optional: {
    cuMemAllocAsync: 'int $(void *dptr, size_t bytes, uintptr_t stream)',
    cuMemFreeAsync: 'int $(uint64_t dptr, uintptr_t stream)',
  },
};

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

export class NvidiaApi implements PlatformApi {
  readonly platform = 'nvidia' as const;
  readonly describer: StatusDescriber;
  readonly libraryName: string;
  readonly fallbacks: Record<string, string> = {};
  readonly details: Record<string, string> = {};
  readonly hasAsyncAllocation: boolean;
  onDeviceLosingError: ((error: Error) => void) | undefined;

  private readonly f: Readonly<Record<string, NativeFunction>>;
  private readonly check: StatusCheck;
  private readonly out = new OutCell();
  private readonly int = new Int32Array(1);
  private readonly deps = new HandleArray();
  private device = -1;
  private context = 0;

  constructor(loaded: LoadedLibrary) {
    const bound = bindSymbols(loaded.lib, CUDA_SYMBOLS);
    if (bound.missingRequired.length > 0) {
      throw new Error(`${loaded.name} lacks required symbols: ${bound.missingRequired.join(', ')}`);
    }
    this.f = bound.fns;
    this.libraryName = loaded.name;
    this.describer = cudaDescriber(this.f);
    this.check = makeStatusCheck(this.describer, () => this.onDeviceLosingError);
    this.hasAsyncAllocation = !bound.missingOptional.includes('cuMemAllocAsync') && !bound.missingOptional.includes('cuMemFreeAsync');
    for (const name of bound.missingOptional) {
      this.fallbacks[name] = 'stream-ordered allocation falls back to cuMemAlloc_v2 now and a free deferred until the stream passes it';
    }
  }

  init(): void {
    this.check(this.f.cuInit!(0), 'cuInit');
    this.check(this.f.cuDriverGetVersion!(this.int), 'cuDriverGetVersion');
    const v = this.int[0]!;
    this.details.driverVersion = `CUDA ${Math.floor(v / 1000)}.${(v % 1000) / 10}`;
  }

  deviceCount(): number {
    this.check(this.f.cuDeviceGetCount!(this.int), 'cuDeviceGetCount');
    return this.int[0]!;
  }

  deviceSummary(ordinal: number): { name: string; totalMemoryBytes: number } {
    this.check(this.f.cuDeviceGet!(this.int, ordinal), 'cuDeviceGet', `ordinal ${ordinal}`);
    const device = this.int[0]!;
    const name = new Uint8Array(256);
    this.check(this.f.cuDeviceGetName!(name, name.length, device), 'cuDeviceGetName');
    this.check(this.f.cuDeviceTotalMem_v2!(this.out.arm(), device), 'cuDeviceTotalMem_v2');
    return { name: decodeCString(name), totalMemoryBytes: this.out.value };
  }

  private attribute(attribute: number): number {
    this.check(this.f.cuDeviceGetAttribute!(this.int, attribute, this.device), 'cuDeviceGetAttribute', `attribute ${attribute}`);
    return this.int[0]!;
  }

  openDevice(ordinal: number): DeviceFacts {
    this.check(this.f.cuDeviceGet!(this.int, ordinal), 'cuDeviceGet', `ordinal ${ordinal}`);
    const device = this.int[0]!;
    this.context = this.retainPrimaryContext(device);
    this.device = device;
    this.makeCurrent();
    const name = new Uint8Array(256);
    this.check(this.f.cuDeviceGetName!(name, name.length, device), 'cuDeviceGetName');
    this.check(this.f.cuDeviceTotalMem_v2!(this.out.arm(), device), 'cuDeviceTotalMem_v2');
    const totalMemoryBytes = this.out.value;
    const a = CU.attr;
    const major = this.attribute(a.computeCapabilityMajor);
    const minor = this.attribute(a.computeCapabilityMinor);
    return {
      name: decodeCString(name),
      totalMemoryBytes,
      computeUnits: this.attribute(a.multiprocessorCount),
      warpSize: this.attribute(a.warpSize),
      limits: {
        maxWorkgroupInvocations: this.attribute(a.maxThreadsPerBlock),
        maxWorkgroupSize: [this.attribute(a.maxBlockDimX), this.attribute(a.maxBlockDimY), this.attribute(a.maxBlockDimZ)],
        maxWorkgroupCount: [this.attribute(a.maxGridDimX), this.attribute(a.maxGridDimY), this.attribute(a.maxGridDimZ)],
        maxSharedMemoryBytes: this.attribute(a.maxSharedMemoryPerBlock),
        minAllocationAlignment: 256,
      },
      arch: `sm_${major}${minor}`,
      memoryPools: this.attribute(a.memoryPoolsSupported) !== 0,
    };
  }

  makeCurrent(): void {
    if (currentCudaContext === this.context) return;
    this.check(this.f.cuCtxSetCurrent!(this.context), 'cuCtxSetCurrent');
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
    this.check(this.f.cuDevicePrimaryCtxRetain!(this.out.arm(), device), 'cuDevicePrimaryCtxRetain');
    primaryContexts.set(device, { context: this.out.value, users: 1, poisoned: false });
    return this.out.value;
  }

  closeDevice(lost: boolean): void {
    if (this.device < 0) return;
    const device = this.device;
    this.device = -1;
    const kept = primaryContexts.get(device);
    if (currentCudaContext === this.context) {
      this.f.cuCtxSetCurrent!(0);
      currentCudaContext = 0;
    }
    this.context = 0;
    if (!kept) return;
    kept.users--;
    if (lost) kept.poisoned = true;
    if (kept.users === 0 && kept.poisoned) {
      primaryContexts.delete(device);
      // A broken context still releases; its status is not worth failing destroy over.
      this.f.cuDevicePrimaryCtxRelease_v2!(device);
    }
  }

  synchronizeDevice(): void {
    this.check(this.f.cuCtxSynchronize!(), 'cuCtxSynchronize');
  }

  memAlloc(bytes: number): number {
    this.check(this.f.cuMemAlloc_v2!(this.out.arm(), bytes), 'cuMemAlloc_v2', `${bytes} bytes`);
    return this.out.value;
  }
  memFree(ptr: number): void {
    this.check(this.f.cuMemFree_v2!(ptr), 'cuMemFree_v2');
  }
  memAllocAsync(bytes: number, stream: number): number {
    this.check(this.f.cuMemAllocAsync!(this.out.arm(), bytes, stream), 'cuMemAllocAsync', `${bytes} bytes`);
    return this.out.value;
  }
  memFreeAsync(ptr: number, stream: number): void {
    this.check(this.f.cuMemFreeAsync!(ptr, stream), 'cuMemFreeAsync');
  }
  hostAlloc(bytes: number): number {
    this.check(this.f.cuMemHostAlloc!(this.out.arm(), bytes, CU.memhostallocPortable), 'cuMemHostAlloc', `${bytes} bytes`);
    return this.out.value;
  }
  hostFree(ptr: number): void {
    this.check(this.f.cuMemFreeHost!(ptr), 'cuMemFreeHost');
  }
  memcpyHtoDAsync(dst: number, srcHost: number, bytes: number, stream: number): void {
    this.check(this.f.cuMemcpyHtoDAsync_v2!(dst, srcHost, bytes, stream), 'cuMemcpyHtoDAsync_v2');
  }
  memcpyDtoHAsync(dstHost: number, src: number, bytes: number, stream: number): void {
    this.check(this.f.cuMemcpyDtoHAsync_v2!(dstHost, src, bytes, stream), 'cuMemcpyDtoHAsync_v2');
  }
  memcpyDtoDAsync(dst: number, src: number, bytes: number, stream: number): void {
    this.check(this.f.cuMemcpyDtoDAsync_v2!(dst, src, bytes, stream), 'cuMemcpyDtoDAsync_v2');
  }
  memsetAsync(dst: number, value: number, elementSize: 1 | 2 | 4, count: number, stream: number): void {
    if (elementSize === 4) this.check(this.f.cuMemsetD32Async!(dst, value >>> 0, count, stream), 'cuMemsetD32Async');
    else if (elementSize === 2) this.check(this.f.cuMemsetD16Async!(dst, value & 0xffff, count, stream), 'cuMemsetD16Async');
    else this.check(this.f.cuMemsetD8Async!(dst, value & 0xff, count, stream), 'cuMemsetD8Async');
  }

  streamCreate(): number {
    this.check(this.f.cuStreamCreate!(this.out.arm(), CU.streamNonBlocking), 'cuStreamCreate');
    return this.out.value;
  }
  streamDestroy(stream: number): void {
    this.check(this.f.cuStreamDestroy_v2!(stream), 'cuStreamDestroy_v2');
  }
  streamQuery(stream: number): boolean {
    const status = this.f.cuStreamQuery!(stream) as number;
    if (status === STATUS_NOT_READY) return false;
    this.check(status, 'cuStreamQuery');
    return true;
  }

  eventCreate(): number {
    this.check(this.f.cuEventCreate!(this.out.arm(), CU.eventDisableTiming), 'cuEventCreate');
    return this.out.value;
  }
  eventDestroy(event: number): void {
    this.check(this.f.cuEventDestroy_v2!(event), 'cuEventDestroy_v2');
  }
  eventRecord(event: number, stream: number): void {
    this.check(this.f.cuEventRecord!(event, stream), 'cuEventRecord');
  }
  eventQuery(event: number): boolean {
    const status = this.f.cuEventQuery!(event) as number;
    if (status === STATUS_NOT_READY) return false;
    this.check(status, 'cuEventQuery');
    return true;
  }
  streamWaitEvent(stream: number, event: number): void {
    this.check(this.f.cuStreamWaitEvent!(stream, event, 0), 'cuStreamWaitEvent');
  }

  graphCreate(): number {
    this.check(this.f.cuGraphCreate!(this.out.arm(), 0), 'cuGraphCreate');
    return this.out.value;
  }
  graphDestroy(graph: number): void {
    this.check(this.f.cuGraphDestroy!(graph), 'cuGraphDestroy');
  }
  graphAddEmptyNode(graph: number, deps: readonly number[]): number {
    this.check(this.f.cuGraphAddEmptyNode!(this.out.arm(), graph, this.deps.pack(deps), deps.length), 'cuGraphAddEmptyNode');
    return this.out.value;
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
    this.check(this.f.cuGraphAddKernelNode_v2!(this.out.arm(), graph, this.deps.pack(deps), deps.length, bytes), 'cuGraphAddKernelNode_v2');
    return this.out.value;
  }
  graphAddMemsetNode(graph: number, deps: readonly number[], dst: number, value: number, elementSize: 1 | 2 | 4, count: number): number {
    const { bytes, view } = structBytes(MEMSET_NODE.size);
    const o = MEMSET_NODE.offsets;
    setU64(view, o.dst, dst);
    setU64(view, o.pitch, 0);
    setU32(view, o.value, value);
    setU32(view, o.elementSize, elementSize);
    setU64(view, o.width, count);
    setU64(view, o.height, 1);
    this.check(
      this.f.cuGraphAddMemsetNode!(this.out.arm(), graph, this.deps.pack(deps), deps.length, bytes, this.context),
      'cuGraphAddMemsetNode',
    );
    return this.out.value;
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
    this.check(
      this.f.cuGraphAddMemcpyNode!(this.out.arm(), graph, this.deps.pack(deps), deps.length, bytes, this.context),
      'cuGraphAddMemcpyNode',
    );
    return this.out.value;
  }
  graphInstantiate(graph: number): number {
    this.check(this.f.cuGraphInstantiateWithFlags!(this.out.arm(), graph, 0), 'cuGraphInstantiateWithFlags');
    return this.out.value;
  }
  graphExecDestroy(exec: number): void {
    this.check(this.f.cuGraphExecDestroy!(exec), 'cuGraphExecDestroy');
  }
  graphLaunch(exec: number, stream: number): void {
    this.check(this.f.cuGraphLaunch!(exec, stream), 'cuGraphLaunch');
  }

  moduleLoadData(image: Uint8Array): number {
    this.check(this.f.cuModuleLoadData!(this.out.arm(), image), 'cuModuleLoadData');
    return this.out.value;
  }
  moduleUnload(module: number): void {
    this.check(this.f.cuModuleUnload!(module), 'cuModuleUnload');
  }
  moduleGetFunction(module: number, name: string): number {
    const status = this.f.cuModuleGetFunction!(this.out.arm(), module, name) as number;
    if (status === 500) return 0;
    this.check(status, 'cuModuleGetFunction', `function '${name}'`);
    return this.out.value;
  }
  launchKernel(fn: number, grid: Dims3, block: Dims3, sharedMemBytes: number, stream: number, kernelParams: number): void {
    this.check(
      this.f.cuLaunchKernel!(fn, grid.x, grid.y, grid.z, block.x, block.y, block.z, sharedMemBytes, stream, kernelParams, 0),
      'cuLaunchKernel',
    );
  }
}

/** Primary contexts this process retained, by CUdevice (see retainPrimaryContext). */
const primaryContexts = new Map<number, { context: number; users: number; poisoned: boolean }>();

/** The context current on the JS thread, shared by all NvidiaApi instances (CUDA tracks it per thread). */
let currentCudaContext = 0;

