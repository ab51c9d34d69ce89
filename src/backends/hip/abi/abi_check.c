/*
 * Prints, as JSON, the size and field offsets of every struct gpuhal's hip backend passes to the vendor libraries,
 * and the enum values it uses, as the vendors' own headers define them. test/backends/hip/abi.test.ts compiles this with
 * the system C compiler (-DGPUHAL_ABI_HIP against ROCm's headers, -DGPUHAL_ABI_CUDA against cuda.h) and compares
 * the output with the koffi declarations in ../abi.ts.
 */
#include <stddef.h>
#include <stdio.h>

#ifdef GPUHAL_ABI_HIP
#define __HIP_PLATFORM_AMD__ 1
#include <hip/hip_runtime_api.h>
#endif
#ifdef GPUHAL_ABI_CUDA
#include <cuda.h>
#endif

static int first_item = 1;
static void sep(void) { printf(first_item ? "\n" : ",\n"); first_item = 0; }

#define STRUCT_BEGIN(T) sep(); printf("  \"struct %s\": { \"size\": %zu, \"offsets\": {", #T, sizeof(T)); { int first_field = 1;
#define FIELD(T, F) printf("%s\"%s\": %zu", first_field ? "" : ", ", #F, offsetof(T, F)); first_field = 0;
#define STRUCT_END() printf("} }"); }
#define VALUE(N, V) sep(); printf("  \"value %s\": %lld", N, (long long)(V));

int main(void) {
  printf("{");
#ifdef GPUHAL_ABI_HIP
  VALUE("HIP_VERSION", HIP_VERSION);
  STRUCT_BEGIN(dim3) FIELD(dim3, x) FIELD(dim3, y) FIELD(dim3, z) STRUCT_END()
  STRUCT_BEGIN(hipKernelNodeParams)
    FIELD(hipKernelNodeParams, blockDim) FIELD(hipKernelNodeParams, extra) FIELD(hipKernelNodeParams, func)
    FIELD(hipKernelNodeParams, gridDim) FIELD(hipKernelNodeParams, kernelParams)
    FIELD(hipKernelNodeParams, sharedMemBytes)
  STRUCT_END()
  STRUCT_BEGIN(hipMemsetParams)
    FIELD(hipMemsetParams, dst) FIELD(hipMemsetParams, elementSize) FIELD(hipMemsetParams, height)
    FIELD(hipMemsetParams, pitch) FIELD(hipMemsetParams, value) FIELD(hipMemsetParams, width)
  STRUCT_END()
  STRUCT_BEGIN(hipDeviceProp_t) FIELD(hipDeviceProp_t, name) FIELD(hipDeviceProp_t, gcnArchName) STRUCT_END()
  VALUE("hipMemcpyDeviceToDevice", hipMemcpyDeviceToDevice);
  VALUE("hipStreamNonBlocking", hipStreamNonBlocking);
  VALUE("hipEventDisableTiming", hipEventDisableTiming);
  VALUE("hipHostMallocDefault", hipHostMallocDefault);
  VALUE("hipDeviceAttributeMaxThreadsPerBlock", hipDeviceAttributeMaxThreadsPerBlock);
  VALUE("hipDeviceAttributeMaxBlockDimX", hipDeviceAttributeMaxBlockDimX);
  VALUE("hipDeviceAttributeMaxBlockDimY", hipDeviceAttributeMaxBlockDimY);
  VALUE("hipDeviceAttributeMaxBlockDimZ", hipDeviceAttributeMaxBlockDimZ);
  VALUE("hipDeviceAttributeMaxGridDimX", hipDeviceAttributeMaxGridDimX);
  VALUE("hipDeviceAttributeMaxGridDimY", hipDeviceAttributeMaxGridDimY);
  VALUE("hipDeviceAttributeMaxGridDimZ", hipDeviceAttributeMaxGridDimZ);
  VALUE("hipDeviceAttributeMaxSharedMemoryPerBlock", hipDeviceAttributeMaxSharedMemoryPerBlock);
  VALUE("hipDeviceAttributeMultiprocessorCount", hipDeviceAttributeMultiprocessorCount);
  VALUE("hipDeviceAttributeWarpSize", hipDeviceAttributeWarpSize);
  VALUE("hipDeviceAttributeMemoryPoolsSupported", hipDeviceAttributeMemoryPoolsSupported);
  VALUE("hipErrorNotReady", hipErrorNotReady);
  VALUE("hipErrorOutOfMemory", hipErrorOutOfMemory);
  VALUE("hipErrorIllegalAddress", hipErrorIllegalAddress);
  VALUE("hipErrorLaunchFailure", hipErrorLaunchFailure);
  VALUE("hipErrorInvalidValue", hipErrorInvalidValue);
  VALUE("hipErrorNotFound", hipErrorNotFound);
  VALUE("hipErrorNoDevice", hipErrorNoDevice);
  VALUE("hipErrorInvalidDevice", hipErrorInvalidDevice);
  VALUE("hipErrorInvalidHandle", hipErrorInvalidHandle);
#endif
#ifdef GPUHAL_ABI_CUDA
  VALUE("CUDA_VERSION", CUDA_VERSION);
  STRUCT_BEGIN(CUDA_KERNEL_NODE_PARAMS_v2)
    FIELD(CUDA_KERNEL_NODE_PARAMS_v2, func) FIELD(CUDA_KERNEL_NODE_PARAMS_v2, gridDimX)
    FIELD(CUDA_KERNEL_NODE_PARAMS_v2, gridDimY) FIELD(CUDA_KERNEL_NODE_PARAMS_v2, gridDimZ)
    FIELD(CUDA_KERNEL_NODE_PARAMS_v2, blockDimX) FIELD(CUDA_KERNEL_NODE_PARAMS_v2, blockDimY)
    FIELD(CUDA_KERNEL_NODE_PARAMS_v2, blockDimZ) FIELD(CUDA_KERNEL_NODE_PARAMS_v2, sharedMemBytes)
    FIELD(CUDA_KERNEL_NODE_PARAMS_v2, kernelParams) FIELD(CUDA_KERNEL_NODE_PARAMS_v2, extra)
    FIELD(CUDA_KERNEL_NODE_PARAMS_v2, kern) FIELD(CUDA_KERNEL_NODE_PARAMS_v2, ctx)
  STRUCT_END()
  STRUCT_BEGIN(CUDA_MEMSET_NODE_PARAMS)
    FIELD(CUDA_MEMSET_NODE_PARAMS, dst) FIELD(CUDA_MEMSET_NODE_PARAMS, pitch) FIELD(CUDA_MEMSET_NODE_PARAMS, value)
    FIELD(CUDA_MEMSET_NODE_PARAMS, elementSize) FIELD(CUDA_MEMSET_NODE_PARAMS, width)
    FIELD(CUDA_MEMSET_NODE_PARAMS, height)
  STRUCT_END()
  STRUCT_BEGIN(CUDA_MEMCPY3D)
    FIELD(CUDA_MEMCPY3D, srcXInBytes) FIELD(CUDA_MEMCPY3D, srcY) FIELD(CUDA_MEMCPY3D, srcZ)
    FIELD(CUDA_MEMCPY3D, srcLOD) FIELD(CUDA_MEMCPY3D, srcMemoryType) FIELD(CUDA_MEMCPY3D, srcHost)
    FIELD(CUDA_MEMCPY3D, srcDevice) FIELD(CUDA_MEMCPY3D, srcArray) FIELD(CUDA_MEMCPY3D, reserved0)
    FIELD(CUDA_MEMCPY3D, srcPitch) FIELD(CUDA_MEMCPY3D, srcHeight) FIELD(CUDA_MEMCPY3D, dstXInBytes)
    FIELD(CUDA_MEMCPY3D, dstY) FIELD(CUDA_MEMCPY3D, dstZ) FIELD(CUDA_MEMCPY3D, dstLOD)
    FIELD(CUDA_MEMCPY3D, dstMemoryType) FIELD(CUDA_MEMCPY3D, dstHost) FIELD(CUDA_MEMCPY3D, dstDevice)
    FIELD(CUDA_MEMCPY3D, dstArray) FIELD(CUDA_MEMCPY3D, reserved1) FIELD(CUDA_MEMCPY3D, dstPitch)
    FIELD(CUDA_MEMCPY3D, dstHeight) FIELD(CUDA_MEMCPY3D, WidthInBytes) FIELD(CUDA_MEMCPY3D, Height)
    FIELD(CUDA_MEMCPY3D, Depth)
  STRUCT_END()
  VALUE("CU_MEMORYTYPE_DEVICE", CU_MEMORYTYPE_DEVICE);
  VALUE("CU_STREAM_NON_BLOCKING", CU_STREAM_NON_BLOCKING);
  VALUE("CU_EVENT_DISABLE_TIMING", CU_EVENT_DISABLE_TIMING);
  VALUE("CU_MEMHOSTALLOC_PORTABLE", CU_MEMHOSTALLOC_PORTABLE);
  VALUE("CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK", CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
  VALUE("CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X", CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X);
  VALUE("CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y", CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y);
  VALUE("CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z", CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z);
  VALUE("CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X", CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X);
  VALUE("CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y", CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y);
  VALUE("CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z", CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z);
  VALUE("CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK", CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK);
  VALUE("CU_DEVICE_ATTRIBUTE_WARP_SIZE", CU_DEVICE_ATTRIBUTE_WARP_SIZE);
  VALUE("CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT", CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
  VALUE("CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR", CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
  VALUE("CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR", CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
  VALUE("CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED", CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED);
  VALUE("CUDA_ERROR_NOT_READY", CUDA_ERROR_NOT_READY);
  VALUE("CUDA_ERROR_OUT_OF_MEMORY", CUDA_ERROR_OUT_OF_MEMORY);
  VALUE("CUDA_ERROR_ILLEGAL_ADDRESS", CUDA_ERROR_ILLEGAL_ADDRESS);
  VALUE("CUDA_ERROR_LAUNCH_FAILED", CUDA_ERROR_LAUNCH_FAILED);
  VALUE("CUDA_ERROR_INVALID_VALUE", CUDA_ERROR_INVALID_VALUE);
  VALUE("CUDA_ERROR_NOT_FOUND", CUDA_ERROR_NOT_FOUND);
  VALUE("CUDA_ERROR_NO_DEVICE", CUDA_ERROR_NO_DEVICE);
  VALUE("CUDA_ERROR_INVALID_DEVICE", CUDA_ERROR_INVALID_DEVICE);
  VALUE("CUDA_ERROR_INVALID_HANDLE", CUDA_ERROR_INVALID_HANDLE);
#endif
  printf("\n}\n");
  return 0;
}
