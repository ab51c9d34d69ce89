#if !defined(__CUDACC__)  // CUDA compilers have no HIP headers; HIP ones and the simulator accept the include
#include <hip/hip_runtime.h>
#endif
// 256-bin byte histogram: each workgroup counts into 32-bit shared bins with atomicAdd, then adds its non-zero
// bins into 64-bit global bins (atomicAdd on unsigned long long). Integer atomics commute: any order, same bins.
extern "C" __global__ void histogram_u64(const unsigned char* bytes, unsigned long long* bins, unsigned int count) {
  __shared__ unsigned int local[256];
  for (unsigned int b = threadIdx.x; b < 256; b += blockDim.x) local[b] = 0;
  __syncthreads();
  for (unsigned int i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += blockDim.x * gridDim.x) {
    atomicAdd(&local[bytes[i]], 1u);
  }
  __syncthreads();
  for (unsigned int b = threadIdx.x; b < 256; b += blockDim.x) {
    if (local[b] != 0) atomicAdd(&bins[b], (unsigned long long)local[b]);
  }
}
