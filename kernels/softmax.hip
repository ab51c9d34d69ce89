// Softmax over each row of a rows×cols matrix, one workgroup per row (blockDim.x a power of two ≤ 1024):
// out[r][c] = exp(x[r][c] - max_r) / sum_r. The max and the sum are shared-memory tree reductions, so the order
// of additions is fixed; expf differs between backends by a few ulp (the documented bound in test/hipc).
extern __shared__ float scratch[];

extern "C" __global__ void softmax_rows_f32(const float* x, float* out, unsigned int cols) {
  const float* row = x + blockIdx.x * cols;
  float* dst = out + blockIdx.x * cols;
  unsigned int t = threadIdx.x;
  float m = __int_as_float(0xff800000);  // -infinity, without a math header
  for (unsigned int c = t; c < cols; c += blockDim.x) m = fmaxf(m, row[c]);
  scratch[t] = m;
  __syncthreads();
  for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s) scratch[t] = fmaxf(scratch[t], scratch[t + s]);
    __syncthreads();
  }
  float rowMax = scratch[0];
  __syncthreads();
  float sum = 0.0f;
  for (unsigned int c = t; c < cols; c += blockDim.x) {
    float e = expf(row[c] - rowMax);
    dst[c] = e;
    sum = __fadd_rn(sum, e);
  }
  scratch[t] = sum;
  __syncthreads();
  for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s) scratch[t] = __fadd_rn(scratch[t], scratch[t + s]);
    __syncthreads();
  }
  float total = scratch[0];
  for (unsigned int c = t; c < cols; c += blockDim.x) dst[c] = __fdiv_rn(dst[c], total);
}
