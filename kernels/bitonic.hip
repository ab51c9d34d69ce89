// Sorts each workgroup's slice of 2 × blockDim.x keys ascending (blockDim.x a power of two ≤ 512) with a bitonic
// network in shared memory; keys past `count` sort as 0xffffffff and are not written back.
extern "C" __global__ void bitonic_sort_u32(unsigned int* keys, unsigned int count) {
  __shared__ unsigned int s[1024];
  unsigned int n = 2 * blockDim.x;
  unsigned int base = blockIdx.x * n;
  for (unsigned int i = threadIdx.x; i < n; i += blockDim.x) s[i] = base + i < count ? keys[base + i] : 0xffffffffu;
  __syncthreads();
  for (unsigned int size = 2; size <= n; size <<= 1) {
    for (unsigned int stride = size / 2; stride > 0; stride >>= 1) {
      unsigned int t = threadIdx.x;
      unsigned int lo = 2 * t - (t & (stride - 1));
      unsigned int hi = lo + stride;
      bool ascending = (lo & size) == 0 || size == n;
      unsigned int a = s[lo], b = s[hi];
      if ((a > b) == ascending) { s[lo] = b; s[hi] = a; }
      __syncthreads();
    }
  }
  for (unsigned int i = threadIdx.x; i < n; i += blockDim.x) if (base + i < count) keys[base + i] = s[i];
}
