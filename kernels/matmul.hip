// C (m×n) = A (m×k) × B (k×n), row-major, with 16×16 __shared__ tiles; launch with 16×16 workgroups over
// ceil(n/16) × ceil(m/16). Each product is rounded before it is added (never fused into an FMA), and every element
// sums over k in increasing order, so every backend produces the same bits.
#if defined(__HIP__) && !defined(__GPUHAL_SIM__)
  #pragma clang fp contract(off)
  #define MUL(a, b) ((a) * (b))
  #define ADD(a, b) ((a) + (b))
#else
  #define MUL(a, b) __fmul_rn((a), (b))
  #define ADD(a, b) __fadd_rn((a), (b))
#endif
#define TILE 16

extern "C" __global__ void matmul_tiled_f32(const float* a, const float* b, float* c, unsigned int m, unsigned int n, unsigned int k) {
  __shared__ float tileA[TILE][TILE];
  __shared__ float tileB[TILE][TILE];
  unsigned int row = blockIdx.y * TILE + threadIdx.y;
  unsigned int col = blockIdx.x * TILE + threadIdx.x;
  float acc = 0.0f;
  for (unsigned int t = 0; t < k; t += TILE) {
    unsigned int ak = t + threadIdx.x, bk = t + threadIdx.y;
    tileA[threadIdx.y][threadIdx.x] = row < m && ak < k ? a[row * k + ak] : 0.0f;
    tileB[threadIdx.y][threadIdx.x] = bk < k && col < n ? b[bk * n + col] : 0.0f;
    __syncthreads();
    for (unsigned int j = 0; j < TILE && t + j < k; j++) acc = ADD(acc, MUL(tileA[threadIdx.y][j], tileB[j][threadIdx.x]));
    __syncthreads();
  }
  if (row < m && col < n) c[row * n + col] = acc;
}
