// Shared-memory tree reduction: partial[blockIdx.x] = sum of this workgroup's elements (mod 2^32).
// blockDim.x must be a power of two, at most 1024.
extern "C" __global__ void reduce_tree_u32(const unsigned int* values, unsigned int* partial, unsigned int count) {
  __shared__ unsigned int sums[1024];
  unsigned int t = threadIdx.x;
  unsigned int i = blockIdx.x * blockDim.x + t;
  sums[t] = i < count ? values[i] : 0u;
  __syncthreads();
  for (unsigned int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
    if (t < stride) sums[t] += sums[t + stride];
    __syncthreads();
  }
  if (t == 0) partial[blockIdx.x] = sums[0];
}
