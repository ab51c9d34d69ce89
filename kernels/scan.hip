// Inclusive prefix sum (mod 2^32) in two launches: scan_block_u32 scans each workgroup's slice in shared memory
// (Hillis-Steele with a double buffer, a barrier per step) and writes the slice total to blockSums;
// scan_add_offsets_u32 then adds the (host- or kernel-scanned) totals of the preceding workgroups.
template <typename T>
__device__ T load_or_zero(const T* p, unsigned int i, unsigned int n) { return i < n ? p[i] : T(0); }

extern "C" __global__ void scan_block_u32(const unsigned int* in, unsigned int* out, unsigned int* blockSums, unsigned int count) {
  __shared__ unsigned int buffer[2][1024];
  unsigned int t = threadIdx.x;
  unsigned int i = blockIdx.x * blockDim.x + t;
  int src = 0;
  buffer[0][t] = load_or_zero(in, i, count);
  __syncthreads();
  for (unsigned int offset = 1; offset < blockDim.x; offset <<= 1) {
    unsigned int v = buffer[src][t];
    if (t >= offset) v += buffer[src][t - offset];
    buffer[1 - src][t] = v;
    src = 1 - src;
    __syncthreads();
  }
  if (i < count) out[i] = buffer[src][t];
  if (t == blockDim.x - 1) blockSums[blockIdx.x] = buffer[src][t];
}

// blockSums must hold, per workgroup, the inclusive scan of the workgroup totals.
extern "C" __global__ void scan_add_offsets_u32(unsigned int* out, const unsigned int* blockSums, unsigned int count) {
  unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (blockIdx.x > 0 && i < count) out[i] += blockSums[blockIdx.x - 1];
}
