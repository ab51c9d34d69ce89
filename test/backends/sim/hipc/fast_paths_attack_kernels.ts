// Kernels of fast_paths_attacks.test.ts.
export const inRangeKernels = String.raw`
extern "C" __global__ void g_size_t(unsigned* out, size_t n) {
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = (unsigned)i * 3u + 1u;
}
extern "C" __global__ void g_int(unsigned* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = (unsigned)i * 3u + 1u;
}
extern "C" __global__ void g_long(unsigned* out, long n) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  out[i] = (unsigned)i * 3u + 1u;
}
extern "C" __global__ void g_ull_u32index(unsigned* out, unsigned long long n) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = i * 3u + 1u;
}
// The guard uses n, which is not the last integer parameter: k (last) may make the chunk in range while n does not.
extern "C" __global__ void g_not_last(unsigned* out, unsigned n, unsigned k) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = i * k + 1u;
}
// 2-D grid of 1-D workgroups, the linear index over rows.
extern "C" __global__ void g_rows(unsigned* out, unsigned n) {
  unsigned i = (blockIdx.y * gridDim.x + blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) out[i] = i * 3u + 1u;
}
// Index from gridDim (grid-stride layout).
extern "C" __global__ void g_transposed(unsigned* out, unsigned n) {
  unsigned i = threadIdx.x * gridDim.x + blockIdx.x;
  if (i < n) out[i] = i * 3u + 1u;
}
// An index that wraps 32 bits at small grids: the in-range facts are about x*dx+t, not about this i.
extern "C" __global__ void g_wrapping(unsigned* out, unsigned n) {
  unsigned i = blockIdx.x * blockDim.x * 65536u + threadIdx.x;
  if (i < n) atomicAdd(&out[threadIdx.x], 1u);
}
// Signed index that wraps negative: (int) of an unsigned product past 2^31.
extern "C" __global__ void g_signed_wrap(unsigned* out, int n) {
  int i = (int)(blockIdx.x * blockDim.x * 4194304u + threadIdx.x);
  if (i < n) atomicAdd(&out[threadIdx.x], 1u);
}
// Large grids: a 64-bit index, buckets by atomics.
extern "C" __global__ void g_buckets(unsigned* out, size_t n) {
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) atomicAdd(&out[i % 61u], 1u);
}
extern "C" __global__ void g_buckets_ll(unsigned* out, long long n) {
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) atomicAdd(&out[i % 61], 1u);
}
// A vectorizable copy with a 64-bit count, for overruns at odd workgroup sizes.
extern "C" __global__ void g_copy(float* dst, const float* src, size_t n) {
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) dst[i] = src[i] * 2.0f;
}
// A grid-stride loop inside each thread, guarded by n.
extern "C" __global__ void g_stride_loop(unsigned* out, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) out[i] += (unsigned)i + 1u;
}
`;

export const loopKernels = String.raw`
// Data-dependent trip count: runs until a zero, which lies past the binding.
extern "C" __global__ void c_sentinel(const unsigned* in, unsigned* out) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  unsigned k = 0;
  while (in[k] != 0) { out[k] = in[k] * 2u; k++; }
}
// Starts inside the binding and walks backwards past its start.
extern "C" __global__ void c_backwards(unsigned* out, int start, int stop) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  for (int k = start; k >= stop; k--) out[k] = (unsigned)k + 7u;
}
// Vectorizable descending copy.
extern "C" __global__ void c_backwards_vec(unsigned* out, const unsigned* in, int start, int count) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  for (int k = 0; k < count; k++) out[start - k] = in[k] + 1u;
}
// Constant stride of 256 bytes.
extern "C" __global__ void c_stride64(unsigned* out, unsigned count) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  for (unsigned k = 0; k < count; k++) out[k * 64u] = k + 1u;
}
// Constant stride of 1536 bytes (jumps over a gap between two bindings).
extern "C" __global__ void c_stride384(unsigned* out, unsigned* other, unsigned count) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  other[0] = 1u;
  for (unsigned k = 0; k < count; k++) out[k * 384u] = k + 1u;
}
// Non-constant stride.
extern "C" __global__ void c_stride_param(unsigned* out, unsigned n, unsigned s) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  for (unsigned k = 0; k < n; k += s) out[k] = k + 1u;
}
// Two pointers that may alias.
extern "C" __global__ void c_alias(unsigned* a, unsigned* b, unsigned n) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  for (unsigned k = 0; k < n; k++) a[k] = b[k + 1] + a[k] * 3u;
}
// A loop with continue.
extern "C" __global__ void c_continue(const unsigned* in, unsigned* out, unsigned n) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  for (unsigned k = 0; k < n; k++) { if (in[k] & 1u) continue; out[k] = in[k] * 3u; }
}
// Rows alternating between two bindings, one row loop per row: each entry starts from another binding.
extern "C" __global__ void c_rows(unsigned* a, unsigned* b, unsigned rows, unsigned cols) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  for (unsigned r = 0; r < rows; r++) {
    unsigned* dst = (r & 1u) ? b : a;
    for (unsigned c = 0; c < cols; c++) dst[(r >> 1) * cols + c] = r * 1000u + c;
  }
}
// Every thread runs its own row loop; the last threads' rows run past the binding.
extern "C" __global__ void c_thread_rows(unsigned* out, unsigned m) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  for (unsigned k = 0; k < m; k++) out[i * m + k] = i + k;
}
// Endless (a pointer that never meets its end), its only access conditional on a volatile flag that stays 0.
extern "C" __global__ void c_endless(unsigned* out, unsigned* flag) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  volatile unsigned* f = flag;
  unsigned* p = out;
  while (p != out + 1) { if (*f) *p = 1u; p += 2; }
}
// Endless, its access executed every iteration, stride 2^31 bytes: one address in the binding, the other far away.
extern "C" __global__ void c_endless_half(unsigned* out, unsigned* flag) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  volatile unsigned* f = flag;
  char* p = (char*)out;
  while (p != (char*)out + 1) { if (*f == 0u || p == (char*)out) *(unsigned*)p += 1u; p += 0x80000000u; }
}
`;

export const moreKernels = String.raw`
// Walks from one binding into the next (adjacent in memory), then past the second's end.
extern "C" __global__ void m_cross(unsigned* a, unsigned* b, unsigned n) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  for (unsigned k = 0; k < n; k++) a[k] = k * 5u + 1u;
  b[0] += 0u;
}
// strcpy-like: the back edge's condition stores and loads (side effects must happen once per iteration).
extern "C" __global__ void m_copy_until_zero(const unsigned* src, unsigned* dst, unsigned* count) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  const unsigned* p = src;
  unsigned* q = dst;
  unsigned c = 0;
  while ((*q++ = *p++) != 0u) c++;
  count[0] = c;
}
// A loop in a device function the compiler keeps out of line.
__device__ __noinline__ void fill_row(unsigned* row, unsigned n, unsigned base) {
  for (unsigned k = 0; k < n; k++) row[k] = base + k;
}
extern "C" __global__ void m_noinline_rows(unsigned* out, unsigned n) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  fill_row(out + i * n, n, i * 1000u);
}
// Strided loops over shared memory (the per-thread stack array of the first version hit the stack bug).
extern "C" __global__ void m_shared_stack(unsigned* out, unsigned n) {
  __shared__ unsigned tile[512];
  unsigned t = threadIdx.y * blockDim.x + threadIdx.x;
  for (unsigned k = 0; k < n; k++) tile[(t * 7u + k * 8u) & 511u] += t * 3u + k;
  unsigned s = 0;
  for (unsigned k = 0; k < 512; k += 4) s += tile[k];
  out[(blockIdx.x * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x] = s + tile[t];
}
// A constant index far past the pointer: q + 0xFC000000 wraps 32 bits (address computed by the wasm offset).
extern "C" __global__ void m_far_offset(unsigned* out, unsigned s) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  unsigned* q = out - s;
  q[0x3F000000u] = 7u;
}
extern "C" __global__ void m_far_offset_loop(unsigned* out, unsigned s, unsigned n) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  unsigned* q = out - s;
  for (unsigned k = 0; k < n; k++) q[k + 0x3F000000u] = k;
}
// A long strict-FP sum (not vectorized) over one binding in every thread: its iterations must count against the budget.
extern "C" __global__ void m_long_sum(const float* a, float* out, unsigned m) {
  float s = 0.0f;
  for (unsigned k = 0; k < m; k++) s += a[k];
  out[threadIdx.x] = s;
}
// Searches that leave their loop early, many per thread: each finds its key within 8 words of a 1024-word binding.
extern "C" __global__ void m_find_many(const unsigned* in, unsigned* out, unsigned n, unsigned rounds) {
  unsigned total = 0;
  for (unsigned r = 0; r < rounds; r++) {
    unsigned k = 0;
    for (; k < n; k++) if (in[k] == ((threadIdx.x + r) & 7u)) break;
    total += k;
  }
  out[threadIdx.x] = total;
}
`;
