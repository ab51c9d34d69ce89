/**
 * The driver entry points the hip backend calls, one table for both platforms (the pattern of IREE's
 * dynamic_symbol_tables.h): each entry names the operation once, with its symbol in libamdhip64 (`amd`) and in
 * libcuda (`nvidia`), its koffi prototype (`$` stands for the symbol; one per platform where the C types differ),
 * and whether a library may lack it (`optional`, with a fallback the adapter reports). An entry with only one
 * platform's symbol exists only there (CUDA's primary contexts, HIP's current device).
 *
 * CUDA entry points are bound in their versioned form where CUDA has several (cuMemAlloc_v2, …): the unversioned
 * names are kept by libcuda for binaries built against old headers and have old ABIs. HIP symbols required here
 * all exist since ROCm 5.2; newer ones are optional.
 */
import type { SymbolTable } from './library.js';
import type { HipPlatform } from './platform_api.js';

interface EntryPoint {
  readonly amd?: string;
  readonly nvidia?: string;
  readonly prototype: string | { readonly amd: string; readonly nvidia: string };
  readonly optional?: true;
}

export const ENTRY_POINTS = {
  init: { amd: 'hipInit', nvidia: 'cuInit', prototype: 'int $(unsigned int flags)' },
  driverGetVersion: { amd: 'hipDriverGetVersion', nvidia: 'cuDriverGetVersion', prototype: 'int $(void *version)' },
  runtimeGetVersion: { amd: 'hipRuntimeGetVersion', prototype: 'int $(void *version)' },
  getErrorName: { amd: 'hipGetErrorName', nvidia: 'cuGetErrorName', prototype: { amd: 'const char *$(int error)', nvidia: 'int $(int error, _Out_ const char **str)' } },
  getErrorString: { amd: 'hipGetErrorString', nvidia: 'cuGetErrorString', prototype: { amd: 'const char *$(int error)', nvidia: 'int $(int error, _Out_ const char **str)' } },
  deviceGetCount: { amd: 'hipGetDeviceCount', nvidia: 'cuDeviceGetCount', prototype: 'int $(void *count)' },
  deviceGet: { amd: 'hipDeviceGet', nvidia: 'cuDeviceGet', prototype: 'int $(void *device, int ordinal)' },
  setDevice: { amd: 'hipSetDevice', prototype: 'int $(int device)' },
  primaryCtxRetain: { nvidia: 'cuDevicePrimaryCtxRetain', prototype: 'int $(void *context, int device)' },
  primaryCtxRelease: { nvidia: 'cuDevicePrimaryCtxRelease_v2', prototype: 'int $(int device)' },
  ctxSetCurrent: { nvidia: 'cuCtxSetCurrent', prototype: 'int $(uintptr_t context)' },
  deviceSynchronize: { amd: 'hipDeviceSynchronize', nvidia: 'cuCtxSynchronize', prototype: 'int $()' },
  deviceGetName: { amd: 'hipDeviceGetName', nvidia: 'cuDeviceGetName', prototype: 'int $(void *name, int length, int device)' },
  deviceTotalMem: { amd: 'hipDeviceTotalMem', nvidia: 'cuDeviceTotalMem_v2', prototype: 'int $(void *bytes, int device)' },
  deviceGetAttribute: { amd: 'hipDeviceGetAttribute', nvidia: 'cuDeviceGetAttribute', prototype: 'int $(void *value, int attribute, int device)' },
  getDeviceProperties: { amd: 'hipGetDeviceProperties', prototype: 'int $(void *props, int device)' },
  memAlloc: { amd: 'hipMalloc', nvidia: 'cuMemAlloc_v2', prototype: { amd: 'int $(void *ptr, size_t bytes)', nvidia: 'int $(void *dptr, size_t bytes)' } },
  memFree: { amd: 'hipFree', nvidia: 'cuMemFree_v2', prototype: { amd: 'int $(uintptr_t ptr)', nvidia: 'int $(uint64_t dptr)' } },
  hostAlloc: { amd: 'hipHostMalloc', nvidia: 'cuMemHostAlloc', prototype: { amd: 'int $(void *ptr, size_t bytes, unsigned int flags)', nvidia: 'int $(void *pp, size_t bytes, unsigned int flags)' } },
  hostFree: { amd: 'hipHostFree', nvidia: 'cuMemFreeHost', prototype: { amd: 'int $(uintptr_t ptr)', nvidia: 'int $(uintptr_t p)' } },
  memcpyHtoDAsync: { amd: 'hipMemcpyHtoDAsync', nvidia: 'cuMemcpyHtoDAsync_v2', prototype: { amd: 'int $(uintptr_t dst, uintptr_t src, size_t bytes, uintptr_t stream)', nvidia: 'int $(uint64_t dst, uintptr_t src, size_t bytes, uintptr_t stream)' } },
  memcpyDtoHAsync: { amd: 'hipMemcpyDtoHAsync', nvidia: 'cuMemcpyDtoHAsync_v2', prototype: { amd: 'int $(uintptr_t dst, uintptr_t src, size_t bytes, uintptr_t stream)', nvidia: 'int $(uintptr_t dst, uint64_t src, size_t bytes, uintptr_t stream)' } },
  memcpyDtoDAsync: { amd: 'hipMemcpyDtoDAsync', nvidia: 'cuMemcpyDtoDAsync_v2', prototype: { amd: 'int $(uintptr_t dst, uintptr_t src, size_t bytes, uintptr_t stream)', nvidia: 'int $(uint64_t dst, uint64_t src, size_t bytes, uintptr_t stream)' } },
  memsetD8Async: { amd: 'hipMemsetD8Async', nvidia: 'cuMemsetD8Async', prototype: { amd: 'int $(uintptr_t dst, uint8_t value, size_t count, uintptr_t stream)', nvidia: 'int $(uint64_t dst, uint8_t value, size_t count, uintptr_t stream)' } },
  memsetD16Async: { amd: 'hipMemsetD16Async', nvidia: 'cuMemsetD16Async', prototype: { amd: 'int $(uintptr_t dst, uint16_t value, size_t count, uintptr_t stream)', nvidia: 'int $(uint64_t dst, uint16_t value, size_t count, uintptr_t stream)' } },
  memsetD32Async: { amd: 'hipMemsetD32Async', nvidia: 'cuMemsetD32Async', prototype: { amd: 'int $(uintptr_t dst, int32_t value, size_t count, uintptr_t stream)', nvidia: 'int $(uint64_t dst, uint32_t value, size_t count, uintptr_t stream)' } },
  streamCreate: { amd: 'hipStreamCreateWithFlags', nvidia: 'cuStreamCreate', prototype: 'int $(void *stream, unsigned int flags)' },
  streamDestroy: { amd: 'hipStreamDestroy', nvidia: 'cuStreamDestroy_v2', prototype: 'int $(uintptr_t stream)' },
  streamQuery: { amd: 'hipStreamQuery', nvidia: 'cuStreamQuery', prototype: 'int $(uintptr_t stream)' },
  eventCreate: { amd: 'hipEventCreateWithFlags', nvidia: 'cuEventCreate', prototype: 'int $(void *event, unsigned int flags)' },
  eventDestroy: { amd: 'hipEventDestroy', nvidia: 'cuEventDestroy_v2', prototype: 'int $(uintptr_t event)' },
  eventRecord: { amd: 'hipEventRecord', nvidia: 'cuEventRecord', prototype: 'int $(uintptr_t event, uintptr_t stream)' },
  eventQuery: { amd: 'hipEventQuery', nvidia: 'cuEventQuery', prototype: 'int $(uintptr_t event)' },
  streamWaitEvent: { amd: 'hipStreamWaitEvent', nvidia: 'cuStreamWaitEvent', prototype: 'int $(uintptr_t stream, uintptr_t event, unsigned int flags)' },
  graphCreate: { amd: 'hipGraphCreate', nvidia: 'cuGraphCreate', prototype: 'int $(void *graph, unsigned int flags)' },
  graphDestroy: { amd: 'hipGraphDestroy', nvidia: 'cuGraphDestroy', prototype: 'int $(uintptr_t graph)' },
  graphAddEmptyNode: { amd: 'hipGraphAddEmptyNode', nvidia: 'cuGraphAddEmptyNode', prototype: 'int $(void *node, uintptr_t graph, void *deps, size_t count)' },
  graphAddKernelNode: { amd: 'hipGraphAddKernelNode', nvidia: 'cuGraphAddKernelNode_v2', prototype: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params)' },
  graphAddMemsetNode: { amd: 'hipGraphAddMemsetNode', nvidia: 'cuGraphAddMemsetNode', prototype: { amd: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params)', nvidia: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params, uintptr_t context)' } },
  graphAddMemcpyNode: { amd: 'hipGraphAddMemcpyNode1D', nvidia: 'cuGraphAddMemcpyNode', prototype: { amd: 'int $(void *node, uintptr_t graph, void *deps, size_t count, uintptr_t dst, uintptr_t src, size_t bytes, int kind)', nvidia: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params, uintptr_t context)' } },
  graphInstantiate: { amd: 'hipGraphInstantiateWithFlags', nvidia: 'cuGraphInstantiateWithFlags', prototype: 'int $(void *exec, uintptr_t graph, uint64_t flags)' },
  graphExecDestroy: { amd: 'hipGraphExecDestroy', nvidia: 'cuGraphExecDestroy', prototype: 'int $(uintptr_t exec)' },
  graphLaunch: { amd: 'hipGraphLaunch', nvidia: 'cuGraphLaunch', prototype: 'int $(uintptr_t exec, uintptr_t stream)' },
  moduleLoadData: { amd: 'hipModuleLoadData', nvidia: 'cuModuleLoadData', prototype: 'int $(void *module, void *image)' },
  moduleUnload: { amd: 'hipModuleUnload', nvidia: 'cuModuleUnload', prototype: 'int $(uintptr_t module)' },
  moduleGetFunction: { amd: 'hipModuleGetFunction', nvidia: 'cuModuleGetFunction', prototype: 'int $(void *fn, uintptr_t module, const char *name)' },
  launchKernel: { amd: 'hipModuleLaunchKernel', nvidia: 'cuLaunchKernel', prototype: 'int $(uintptr_t fn, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz, unsigned int sharedMemBytes, uintptr_t stream, uintptr_t params, uintptr_t extra)' },
  memAllocAsync: { amd: 'hipMallocAsync', nvidia: 'cuMemAllocAsync', prototype: { amd: 'int $(void *ptr, size_t bytes, uintptr_t stream)', nvidia: 'int $(void *dptr, size_t bytes, uintptr_t stream)' }, optional: true },
  memFreeAsync: { amd: 'hipFreeAsync', nvidia: 'cuMemFreeAsync', prototype: { amd: 'int $(uintptr_t ptr, uintptr_t stream)', nvidia: 'int $(uint64_t dptr, uintptr_t stream)' }, optional: true },
  launchHostFunc: { amd: 'hipLaunchHostFunc', prototype: 'int $(uintptr_t stream, uintptr_t fn, uintptr_t data)', optional: true },
  // CUDA 12.4+: where each kernel parameter sits in the parameter block, so 64-bit push constants reach their
  // parameter whole (kernel_args.ts). Without it every 32-bit word is its own argument, as before.
  funcGetParamInfo: { nvidia: 'cuFuncGetParamInfo', prototype: 'int $(uintptr_t fn, size_t index, void *offset, void *size)', optional: true },
  drvGraphAddMemcpyNode: { amd: 'hipDrvGraphAddMemcpyNode', prototype: 'int $(void *node, uintptr_t graph, void *deps, size_t count, void *params, uintptr_t ctx)', optional: true },
} as const satisfies Readonly<Record<string, EntryPoint>>;

export type EntryPointName = keyof typeof ENTRY_POINTS;

/** The symbol of `entry` on `platform`, or undefined where the platform has no such entry point. */
export function symbolOf(platform: HipPlatform, entry: EntryPointName): string | undefined {
  return (ENTRY_POINTS[entry] as EntryPoint)[platform];
}

/** What one platform's library must (and may) provide, as `bindSymbols` takes it. */
export function symbolTable(platform: HipPlatform): SymbolTable {
  const required: Record<string, string> = {};
  const optional: Record<string, string> = {};
  for (const entry of Object.values(ENTRY_POINTS) as EntryPoint[]) {
    const symbol = entry[platform];
    if (symbol === undefined) continue;
    const prototype = typeof entry.prototype === 'string' ? entry.prototype : entry.prototype[platform];
    (entry.optional ? optional : required)[symbol] = prototype;
  }
  return { required, optional };
}

export const HIP_SYMBOLS: SymbolTable = symbolTable('amd');
export const CUDA_SYMBOLS: SymbolTable = symbolTable('nvidia');
