// Every atomic read-modify-write on global and on shared memory. Each thread applies its operand v = f(i); the
// results are order-independent (add, min, max, and, or, xor commute; exch and CAS are arranged so that only one
// thread can succeed), so every backend and every thread order must produce the same words.
// g32: [add, sub, min, max, and, or, xor, exch-count, cas-winner, shared-add-total]
extern "C" __global__ void atomics_u32(const unsigned int* values, unsigned int* g, unsigned int count) {
  __shared__ unsigned int s[4];
  if (threadIdx.x == 0) { s[0] = 0; s[1] = 0xffffffffu; s[2] = 0; s[3] = 0; }
  __syncthreads();
  unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) {
    unsigned int v = values[i];
    atomicAdd(&g[0], v);
    atomicSub(&g[1], v);
    atomicMin(&g[2], v);
    atomicMax(&g[3], v);
    atomicAnd(&g[4], v | 0x0f0f0f0fu);
    atomicOr(&g[5], v & 0x00ff00ffu);
    atomicXor(&g[6], v);
    // Exactly one thread sees the 0 it swapped in for its own marker... every exchange returns the previous value,
    // so counting returned values that were 0 counts the first exchange only.
    if (atomicExch(&g[7], 1u) == 0u) atomicAdd(&g[8], 1u);
    atomicCAS(&g[9], 0u, 7u);
    atomicAdd(&s[0], v);
    atomicMin(&s[1], v);
    atomicXor(&s[2], v);
    atomicOr(&s[3], v);
  }
  __syncthreads();
  if (threadIdx.x == 0) { atomicAdd(&g[10], s[0]); atomicMin(&g[11], s[1]); atomicXor(&g[12], s[2]); atomicOr(&g[13], s[3]); }
}

// g64: [add, min, max, and, or, xor, exch-count-first, cas]
extern "C" __global__ void atomics_u64(const unsigned int* values, unsigned long long* g, unsigned int count) {
  __shared__ unsigned long long s[1];
  if (threadIdx.x == 0) s[0] = 0;
  __syncthreads();
  unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) {
    unsigned long long v = ((unsigned long long)values[i] << 32) | (unsigned long long)(values[i] ^ 0x9e3779b9u);
    atomicAdd(&g[0], v);
    atomicMin(&g[1], v);
    atomicMax(&g[2], v);
    atomicAnd(&g[3], v | 0x0f0f0f0f0f0f0f0full);
    atomicOr(&g[4], v & 0x00ff00ff00ff00ffull);
    atomicXor(&g[5], v);
    if (atomicExch(&g[6], 1ull) == 0ull) atomicAdd(&g[7], 1ull);
    atomicCAS(&g[8], 0ull, 0x1234567890ull);
    atomicAdd(&s[0], v);
  }
  __syncthreads();
  if (threadIdx.x == 0) atomicAdd(&g[9], s[0]);
}
