/**
 * The C structs and enum values gpuhal passes to libamdhip64 and libcuda, declared once with koffi.
 *
 * The koffi declarations are the single source of truth for layout: the driver writes structs into byte buffers
 * at `layoutOf(...)` offsets, and test/backends/hip/abi.test.ts compiles abi/abi_check.c against the vendors' own headers
 * and compares every size, offset and enum value printed there with these.
 */
import koffi from 'koffi';

// --- HIP (ROCm) ---------------------------------------------------------------------------------------------------

export const hipDim3 = koffi.struct('gpuhal_hip_dim3', { x: 'uint32_t', y: 'uint32_t', z: 'uint32_t' });

export const hipKernelNodeParams = koffi.struct('gpuhal_hipKernelNodeParams', {
  blockDim: hipDim3,
  extra: 'void *',
  func: 'void *',
  gridDim: hipDim3,
  kernelParams: 'void *',
  sharedMemBytes: 'uint32_t',
});

export const hipMemsetParams = koffi.struct('gpuhal_hipMemsetParams', {
  dst: 'void *',
  elementSize: 'uint32_t',
  height: 'size_t',
  pitch: 'size_t',
  value: 'uint32_t',
  width: 'size_t',
});

/**
 * hipDeviceProp_t as the unversioned `hipGetDeviceProperties` symbol fills it (ROCm 6 keeps that layout for the
 * old symbol and adds hipGetDevicePropertiesR0600). Only the fields gpuhal reads are named; `size` is the
 * struct's full size so the buffer handed to the library is big enough.
 */
export const HIP_DEVICE_PROP = { size: 792, nameOffset: 0, gcnArchNameOffset: 396 } as const;

export const HIP = {
  memcpyDeviceToDevice: 3,
  streamNonBlocking: 1,
  eventDisableTiming: 2,
  hostMallocDefault: 0,
  attr: {
    maxThreadsPerBlock: 56,
    maxBlockDimX: 26,
    maxBlockDimY: 27,
    maxBlockDimZ: 28,
    maxGridDimX: 29,
    maxGridDimY: 30,
    maxGridDimZ: 31,
    maxSharedMemoryPerBlock: 74,
    multiprocessorCount: 63,
    warpSize: 87,
    memoryPoolsSupported: 88,
  },
} as const;

// --- CUDA driver API ----------------------------------------------------------------------------------------------

export const CUDA_KERNEL_NODE_PARAMS_v2 = koffi.struct('gpuhal_CUDA_KERNEL_NODE_PARAMS_v2', {
  func: 'void *',
  gridDimX: 'uint32_t',
  gridDimY: 'uint32_t',
  gridDimZ: 'uint32_t',
  blockDimX: 'uint32_t',
  blockDimY: 'uint32_t',
  blockDimZ: 'uint32_t',
  sharedMemBytes: 'uint32_t',
  kernelParams: 'void *',
  extra: 'void *',
  kern: 'void *',
  ctx: 'void *',
});

export const CUDA_MEMSET_NODE_PARAMS = koffi.struct('gpuhal_CUDA_MEMSET_NODE_PARAMS', {
  dst: 'uint64_t',
  pitch: 'size_t',
  value: 'uint32_t',
  elementSize: 'uint32_t',
  width: 'size_t',
  height: 'size_t',
});

export const CUDA_MEMCPY3D = koffi.struct('gpuhal_CUDA_MEMCPY3D', {
  srcXInBytes: 'size_t',
  srcY: 'size_t',
  srcZ: 'size_t',
  srcLOD: 'size_t',
  srcMemoryType: 'int32_t',
  srcHost: 'void *',
  srcDevice: 'uint64_t',
  srcArray: 'void *',
  reserved0: 'void *',
  srcPitch: 'size_t',
  srcHeight: 'size_t',
  dstXInBytes: 'size_t',
  dstY: 'size_t',
  dstZ: 'size_t',
  dstLOD: 'size_t',
  dstMemoryType: 'int32_t',
  dstHost: 'void *',
  dstDevice: 'uint64_t',
  dstArray: 'void *',
  reserved1: 'void *',
  dstPitch: 'size_t',
  dstHeight: 'size_t',
  WidthInBytes: 'size_t',
  Height: 'size_t',
  Depth: 'size_t',
});

export const CU = {
  memorytypeDevice: 2,
  streamNonBlocking: 1,
  eventDisableTiming: 2,
  memhostallocPortable: 1,
  attr: {
    maxThreadsPerBlock: 1,
    maxBlockDimX: 2,
    maxBlockDimY: 3,
    maxBlockDimZ: 4,
    maxGridDimX: 5,
    maxGridDimY: 6,
    maxGridDimZ: 7,
    maxSharedMemoryPerBlock: 8,
    warpSize: 10,
    multiprocessorCount: 16,
    computeCapabilityMajor: 75,
    computeCapabilityMinor: 76,
    memoryPoolsSupported: 115,
  },
} as const;

// --- layouts ------------------------------------------------------------------------------------------------------

export type StructType = ReturnType<typeof koffi.struct>;

export interface StructLayout {
  readonly size: number;
  readonly offsets: Readonly<Record<string, number>>;
}

export function layoutOf(type: StructType): StructLayout {
  const offsets: Record<string, number> = {};
  for (const name of Object.keys(koffi.type(type).members ?? {})) offsets[name] = koffi.offsetof(type, name);
  return { size: koffi.sizeof(type), offsets };
}

/** Every struct the backend passes, by its C name, for the ABI check. */
export const HIP_STRUCTS: Readonly<Record<string, StructType>> = {
  hipKernelNodeParams,
  hipMemsetParams,
  dim3: hipDim3,
};
export const CUDA_STRUCTS: Readonly<Record<string, StructType>> = {
  CUDA_KERNEL_NODE_PARAMS_v2,
  CUDA_MEMSET_NODE_PARAMS,
  CUDA_MEMCPY3D,
};
