/**
 * PlatformApi over ROCm's HIP runtime (libamdhip64).
 *
 * Binds only symbols present since ROCm 5.2 as required; newer ones are optional with fallbacks that are
 * reported in `fallbacks` (Debian's ROCm 5.2 lacks hipLaunchHostFunc and hipDrvGraphAddMemcpyNode).
 * hipDeviceProp_t is read only through the unversioned hipGetDeviceProperties symbol, whose layout ROCm 6 keeps
 * for old binaries (the new layout is hipGetDevicePropertiesR0600), and only for the gcnArchName string.
 */
import { HIP, HIP_DEVICE_PROP, hipKernelNodeParams, hipMemsetParams, layoutOf } from './abi.js';
import { decodeCString, HandleArray, makeStatusCheck, OutCell, setU32, setU64, structBytes, type StatusCheck } from './call_helpers.js';
import { bindSymbols, type LoadedLibrary, type NativeFunction, type SymbolTable } from './library.js';
import type { DeviceFacts, Dims3, PlatformApi } from './platform_api.js';
import { describerFrom, STATUS_NOT_READY, type StatusDescriber } from './status.js';

export const HIP_LIBRARY_CANDIDATES = ['libamdhip64.so.6', 'libamdhip64.so.5', 'libamdhip64.so'] as const;

export const HIP_SYMBOLS: SymbolTable = {
  required: {
    hipInit: 'int $(unsigned int flags)',
    hipDriverGetVersion: 'int $(void *version)',
    hipRuntimeGetVersion: 'int $(void *version)',
    hipGetErrorName: 'const char *$(int error)',
    hipGetErrorString: 'const char *$(int error)',
    hipGetDeviceCount: 'int $(void *count)',
    hipDeviceGet: 'int $(void *device, int ordinal)',
    hipSetDevice: 'int $(int device)',
    hipDeviceSynchronize: 'int $()',
    hipDeviceGetName: 'int $(void *name, int length, int device)',
    hipDeviceTotalMem: 'int $(void *bytes, int device)',
    hipDeviceGetAttribute: 'int $(void *value, int attribute, int device)',
    hipGetDeviceProperties: 'int $(void *props, int device)',
    hipMalloc: 'int $(void *ptr, size_t bytes)',
    hipFree: 'int $(uintptr_t ptr)',
    hipHostMalloc: 'int $(void *ptr, size_t bytes, unsigned int flags)',
    hipHostFree: 'int $(uintptr_t ptr)',
    hipMemcpyHtoDAsync: 'int $(uintptr_t dst, uintptr_t src, size_t bytes, uintptr_t stream)',
    hipMemcpyDtoHAsync: 'int $(uintptr_t dst, uintptr_t src, size_t bytes, uintptr_t stream)',
    hipMemcpyDtoDAsync: 'int $(uintptr_t dst, uintptr_t src, size_t bytes, uintptr_t stream)',
    hipMemsetD8Async: 'int $(uintptr_t dst, uint8_t value, size_t count, uintptr_t stream)',
    hipMemsetD16Async: 'int $(uintptr_t dst, uint16_t value, size_t count, uintptr_t stream)',
    hipMemsetD32Async: 'int $(uintptr_t dst, int32_t value, size_t count, uintptr_t stream)',
    hipStreamCreateWithFlags: 'int $(void *stream, unsigned int flags)',
    hipStreamDestroy: 'int $(uintptr_t stream)',
    hipStreamQuery: 'int $(uintptr_t stream)',
    hipEventCreateWithFlags: 'int $(void *event, unsigned int flags)',
    hipEventDestroy: 'int $(uintptr_t event)',
    hipEventRecord: 'int $(uintptr_t event, uintptr_t stream)',
    hipEventQuery: 'int $(uintptr_t event)',
    hipStreamWaitEvent: 'int $(uintptr_t stream, uintptr_t event, unsigned int flags)',
    hipGraphCreate: 'int $(void *graph, unsigned int flags)',
    hipGraphDestroy: 'int $(uintptr_t graph)',
    hipGraphAddEmptyNode: 'int $(void *node, uintptr_t graph, void *deps, size_t count)',
    hipGraphAddKernelNode: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params)',
    hipGraphAddMemsetNode: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params)',
    hipGraphAddMemcpyNode1D:
      'int $(void *node, uintptr_t graph, void *deps, size_t count, uintptr_t dst, uintptr_t src, size_t bytes, int kind)',
    hipGraphInstantiateWithFlags: 'int $(void *exec, uintptr_t graph, uint64_t flags)',
    hipGraphExecDestroy: 'int $(uintptr_t exec)',
    hipGraphLaunch: 'int $(uintptr_t exec, uintptr_t stream)',
    hipModuleLoadData: 'int $(void *module, void *image)',
    hipModuleUnload: 'int $(uintptr_t module)',
    hipModuleGetFunction: 'int $(void *fn, uintptr_t module, const char *name)',
    hipModuleLaunchKernel:
      'int $(uintptr_t fn, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz, unsigned int sharedMemBytes, uintptr_t stream, uintptr_t params, uintptr_t extra)',
  },
  optional: {
    hipMallocAsync: 'int $(void *ptr, size_t bytes, uintptr_t stream)',
    hipFreeAsync: 'int $(uintptr_t ptr, uintptr_t stream)',
    // Looked up only to report them: see FALLBACKS.
    hipLaunchHostFunc: 'int $(uintptr_t stream, uintptr_t fn, uintptr_t data)',
    hipDrvGraphAddMemcpyNode: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params, uintptr_t ctx)',
  },
};

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

export class AmdApi implements PlatformApi {
  readonly platform = 'amd' as const;
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

  constructor(loaded: LoadedLibrary) {
    const bound = bindSymbols(loaded.lib, HIP_SYMBOLS);
    if (bound.missingRequired.length > 0) {
      throw new Error(`${loaded.name} lacks required symbols: ${bound.missingRequired.join(', ')}`);
    }
    this.f = bound.fns;
    this.libraryName = loaded.name;
    this.describer = hipDescriber(this.f);
    this.check = makeStatusCheck(this.describer, () => this.onDeviceLosingError);
    this.hasAsyncAllocation = !bound.missingOptional.includes('hipMallocAsync') && !bound.missingOptional.includes('hipFreeAsync');
    for (const name of bound.missingOptional) this.fallbacks[name] = FALLBACKS[name] ?? 'unused';
    // Always in effect, whether or not the symbol exists: see FALLBACKS.
    this.details.hostFunctions = FALLBACKS.hipLaunchHostFunc!;
    this.details.memcpyNodes = FALLBACKS.hipDrvGraphAddMemcpyNode!;
  }

  /** Version facts readable without a device (hipInit not needed). */
  readVersions(): void {
    if (this.f.hipRuntimeGetVersion!(this.int) === 0) this.details.runtimeVersion = `HIP ${this.int[0]}`;
  }

  init(): void {
    this.readVersions();
    this.check(this.f.hipInit!(0), 'hipInit');
    this.check(this.f.hipDriverGetVersion!(this.int), 'hipDriverGetVersion');
    this.details.driverVersion = `HIP driver ${this.int[0]}`;
  }

  deviceCount(): number {
    this.check(this.f.hipGetDeviceCount!(this.int), 'hipGetDeviceCount');
    return this.int[0]!;
  }

  deviceSummary(ordinal: number): { name: string; totalMemoryBytes: number } {
    this.check(this.f.hipDeviceGet!(this.int, ordinal), 'hipDeviceGet', `ordinal ${ordinal}`);
    const device = this.int[0]!;
    const name = new Uint8Array(256);
    this.check(this.f.hipDeviceGetName!(name, name.length, device), 'hipDeviceGetName');
    this.check(this.f.hipDeviceTotalMem!(this.out.arm(), device), 'hipDeviceTotalMem');
    return { name: decodeCString(name), totalMemoryBytes: this.out.value };
  }

  private attribute(attribute: number): number {
    this.check(this.f.hipDeviceGetAttribute!(this.int, attribute, this.device), 'hipDeviceGetAttribute', `attribute ${attribute}`);
    return this.int[0]!;
  }

  openDevice(ordinal: number): DeviceFacts {
    this.check(this.f.hipDeviceGet!(this.int, ordinal), 'hipDeviceGet', `ordinal ${ordinal}`);
    this.device = ordinal;
    this.makeCurrent();
    const name = new Uint8Array(256);
    this.check(this.f.hipDeviceGetName!(name, name.length, ordinal), 'hipDeviceGetName');
    this.check(this.f.hipDeviceTotalMem!(this.out.arm(), ordinal), 'hipDeviceTotalMem');
    const totalMemoryBytes = this.out.value;
    // Generous slack: the struct only grew across ROCm releases.
    const props = new Uint8Array(HIP_DEVICE_PROP.size * 4);
    this.check(this.f.hipGetDeviceProperties!(props, ordinal), 'hipGetDeviceProperties');
    const a = HIP.attr;
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
      arch: decodeCString(props.subarray(HIP_DEVICE_PROP.gcnArchNameOffset, HIP_DEVICE_PROP.gcnArchNameOffset + 256)),
      memoryPools: this.attribute(a.memoryPoolsSupported) !== 0,
    };
  }

  makeCurrent(): void {
    if (currentHipDevice === this.device) return;
    this.check(this.f.hipSetDevice!(this.device), 'hipSetDevice');
    currentHipDevice = this.device;
  }

  closeDevice(_lost: boolean): void {
    this.device = -1;
  }

  synchronizeDevice(): void {
    this.check(this.f.hipDeviceSynchronize!(), 'hipDeviceSynchronize');
  }

  memAlloc(bytes: number): number {
    this.check(this.f.hipMalloc!(this.out.arm(), bytes), 'hipMalloc', `${bytes} bytes`);
    return this.out.value;
  }
  memFree(ptr: number): void {
    this.check(this.f.hipFree!(ptr), 'hipFree');
  }
  memAllocAsync(bytes: number, stream: number): number {
    this.check(this.f.hipMallocAsync!(this.out.arm(), bytes, stream), 'hipMallocAsync', `${bytes} bytes`);
    return this.out.value;
  }
  memFreeAsync(ptr: number, stream: number): void {
    this.check(this.f.hipFreeAsync!(ptr, stream), 'hipFreeAsync');
  }
  hostAlloc(bytes: number): number {
    this.check(this.f.hipHostMalloc!(this.out.arm(), bytes, HIP.hostMallocDefault), 'hipHostMalloc', `${bytes} bytes`);
    return this.out.value;
  }
  hostFree(ptr: number): void {
    this.check(this.f.hipHostFree!(ptr), 'hipHostFree');
  }
  memcpyHtoDAsync(dst: number, srcHost: number, bytes: number, stream: number): void {
    this.check(this.f.hipMemcpyHtoDAsync!(dst, srcHost, bytes, stream), 'hipMemcpyHtoDAsync');
  }
  memcpyDtoHAsync(dstHost: number, src: number, bytes: number, stream: number): void {
    this.check(this.f.hipMemcpyDtoHAsync!(dstHost, src, bytes, stream), 'hipMemcpyDtoHAsync');
  }
  memcpyDtoDAsync(dst: number, src: number, bytes: number, stream: number): void {
    this.check(this.f.hipMemcpyDtoDAsync!(dst, src, bytes, stream), 'hipMemcpyDtoDAsync');
  }
  memsetAsync(dst: number, value: number, elementSize: 1 | 2 | 4, count: number, stream: number): void {
    if (elementSize === 4) this.check(this.f.hipMemsetD32Async!(dst, value | 0, count, stream), 'hipMemsetD32Async');
    else if (elementSize === 2) this.check(this.f.hipMemsetD16Async!(dst, value & 0xffff, count, stream), 'hipMemsetD16Async');
    else this.check(this.f.hipMemsetD8Async!(dst, value & 0xff, count, stream), 'hipMemsetD8Async');
  }

  streamCreate(): number {
    this.check(this.f.hipStreamCreateWithFlags!(this.out.arm(), HIP.streamNonBlocking), 'hipStreamCreateWithFlags');
    return this.out.value;
  }
  streamDestroy(stream: number): void {
    this.check(this.f.hipStreamDestroy!(stream), 'hipStreamDestroy');
  }
  streamQuery(stream: number): boolean {
    const status = this.f.hipStreamQuery!(stream) as number;
    if (status === STATUS_NOT_READY) return false;
    this.check(status, 'hipStreamQuery');
    return true;
  }

  eventCreate(): number {
    this.check(this.f.hipEventCreateWithFlags!(this.out.arm(), HIP.eventDisableTiming), 'hipEventCreateWithFlags');
    return this.out.value;
  }
  eventDestroy(event: number): void {
    this.check(this.f.hipEventDestroy!(event), 'hipEventDestroy');
  }
  eventRecord(event: number, stream: number): void {
    this.check(this.f.hipEventRecord!(event, stream), 'hipEventRecord');
  }
  eventQuery(event: number): boolean {
    const status = this.f.hipEventQuery!(event) as number;
    if (status === STATUS_NOT_READY) return false;
    this.check(status, 'hipEventQuery');
    return true;
  }
  streamWaitEvent(stream: number, event: number): void {
    this.check(this.f.hipStreamWaitEvent!(stream, event, 0), 'hipStreamWaitEvent');
  }

  graphCreate(): number {
    this.check(this.f.hipGraphCreate!(this.out.arm(), 0), 'hipGraphCreate');
    return this.out.value;
  }
  graphDestroy(graph: number): void {
    this.check(this.f.hipGraphDestroy!(graph), 'hipGraphDestroy');
  }
  graphAddEmptyNode(graph: number, deps: readonly number[]): number {
    this.check(this.f.hipGraphAddEmptyNode!(this.out.arm(), graph, this.deps.pack(deps), deps.length), 'hipGraphAddEmptyNode');
    return this.out.value;
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
    this.check(this.f.hipGraphAddKernelNode!(this.out.arm(), graph, this.deps.pack(deps), deps.length, bytes), 'hipGraphAddKernelNode');
    return this.out.value;
  }
  graphAddMemsetNode(graph: number, deps: readonly number[], dst: number, value: number, elementSize: 1 | 2 | 4, count: number): number {
    const { bytes, view } = structBytes(MEMSET_NODE.size);
    const o = MEMSET_NODE.offsets;
    setU64(view, o.dst, dst);
    setU32(view, o.elementSize, elementSize);
    setU64(view, o.height, 1);
    setU64(view, o.pitch, 0);
    setU32(view, o.value, value);
    setU64(view, o.width, count);
    this.check(this.f.hipGraphAddMemsetNode!(this.out.arm(), graph, this.deps.pack(deps), deps.length, bytes), 'hipGraphAddMemsetNode');
    return this.out.value;
  }
  graphAddMemcpyNode(graph: number, deps: readonly number[], dst: number, src: number, byteLength: number): number {
    this.check(
      this.f.hipGraphAddMemcpyNode1D!(this.out.arm(), graph, this.deps.pack(deps), deps.length, dst, src, byteLength, HIP.memcpyDeviceToDevice),
      'hipGraphAddMemcpyNode1D',
    );
    return this.out.value;
  }
  graphInstantiate(graph: number): number {
    this.check(this.f.hipGraphInstantiateWithFlags!(this.out.arm(), graph, 0), 'hipGraphInstantiateWithFlags');
    return this.out.value;
  }
  graphExecDestroy(exec: number): void {
    this.check(this.f.hipGraphExecDestroy!(exec), 'hipGraphExecDestroy');
  }
  graphLaunch(exec: number, stream: number): void {
    this.check(this.f.hipGraphLaunch!(exec, stream), 'hipGraphLaunch');
  }

  moduleLoadData(image: Uint8Array): number {
    this.check(this.f.hipModuleLoadData!(this.out.arm(), image), 'hipModuleLoadData');
    return this.out.value;
  }
  moduleUnload(module: number): void {
    this.check(this.f.hipModuleUnload!(module), 'hipModuleUnload');
  }
  moduleGetFunction(module: number, name: string): number {
    const status = this.f.hipModuleGetFunction!(this.out.arm(), module, name) as number;
    if (status === 500) return 0;
    this.check(status, 'hipModuleGetFunction', `function '${name}'`);
    return this.out.value;
  }
  launchKernel(fn: number, grid: Dims3, block: Dims3, sharedMemBytes: number, stream: number, kernelParams: number): void {
    this.check(
      this.f.hipModuleLaunchKernel!(fn, grid.x, grid.y, grid.z, block.x, block.y, block.z, sharedMemBytes, stream, kernelParams, 0),
      'hipModuleLaunchKernel',
    );
  }
}

/** The device current on the JS thread (HIP tracks it per thread). */
let currentHipDevice = -1;
