// C++ kernels: a template kernel, explicitly instantiated for two types (each instantiation is an entry point
// named by its mangled name, as nvrtc and hiprtc name it), and a kernel without extern "C" (named by its plain
// name on every backend).
template <typename T> __global__ void axpy(const T* x, T* y, T a, unsigned int n) {
  unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}
template __global__ void axpy<unsigned int>(const unsigned int*, unsigned int*, unsigned int, unsigned int);  // _Z4axpyIjEvPKT_PS0_S0_j
template __global__ void axpy<int>(const int*, int*, int, unsigned int);                                     // _Z4axpyIiEvPKT_PS0_S0_j

__global__ void xor_fold_u32(unsigned int* data, unsigned int n) {
  unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) data[i] ^= data[i] >> 7;
}
