// 64-bit scalar parameters: size_t, double and long take two push-constant words each (low word first, 8-byte
// aligned after the bindings: the 32-bit `tag` is followed by one padding word). out[i] = in[i] * scale + offset + tag
// for i < n, in integers: the double product of a 32-bit value and a power-of-two scale is exact.
extern "C" __global__ void scale_offset_u64(const unsigned int* in, unsigned long long* out, unsigned int tag, size_t n, double scale, long offset) {
  size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
  if (i >= n) return;
  unsigned long long scaled = (unsigned long long)((double)in[i] * scale);
  out[i] = scaled + (unsigned long long)offset + tag;
}
