/**
 * The sample kernels in HIP-C: the one source every backend runs (the hip backend through hiprtc / nvrtc, the
 * simulator through its own clang pipeline, ahead of time in scripts/build-asm.mjs). The AssemblyScript twins in
 * asm/kernels/samples/lib/ have identical semantics.
 *
 * One source string compiles under hiprtc (AMD), nvrtc and nvcc (NVIDIA): the prelude includes
 * <hip/hip_runtime.h> only for offline hipcc/clang HIP builds; hiprtc predefines HIP's device builtins, and
 * under CUDA every name used here (threadIdx, blockIdx, blockDim, gridDim, __syncthreads, atomicAdd, __fmul_rn,
 * __fadd_rn, extern __shared__) is native. The one behavioural difference, FMA contraction, is handled in the
 * prelude (GH_MUL_F32 / GH_ADD_F32). The kernels use no headers at all (not even <stdint.h>, which nvrtc
 * lacks) — the prelude defines the fixed-width types they need.
 *
 * Signatures follow docs/design.md: every binding's device address in set-major order, then each push constant as a
 * 32-bit value (uint32_t / int32_t / float), exactly the layout in kernel_specs.ts. Invocation ids are linear,
 * x fastest, as in asm/kernels/abi.ts, so a dispatch of any shape touches the same elements on every backend.
 */
import type { SampleKernelName } from './kernel_specs.js';

export const hipPrelude = String.raw`// gpuhal sample kernels: one HIP-C source for hiprtc, nvrtc, nvcc and hipcc.
#if defined(__HIPCC_RTC__)
  // hiprtc predefines the HIP device builtins.
#elif defined(__HIP__)
  #include <hip/hip_runtime.h>
#elif defined(__CUDACC__)
  // nvcc / nvrtc: the CUDA builtins these kernels use have the same names in HIP.
#else
  #error "gpuhal sample kernels need a HIP or CUDA device compiler"
#endif
// f32 multiply and add that are never fused into an FMA: the simulator rounds the product first (WASM has no
// fused f32x4 op), and the backends must agree bit for bit. CUDA has intrinsics that are never contracted.
// HIP's same-named intrinsics are plain inline functions that the backend happily fuses, so under HIP the
// operators are written here, below a pragma that marks them non-contractable.
#if defined(__HIP__)
  #pragma clang fp contract(off)
  #define GH_MUL_F32(a, b) ((a) * (b))
  #define GH_ADD_F32(a, b) ((a) + (b))
#else
  #define GH_MUL_F32(a, b) __fmul_rn((a), (b))
  #define GH_ADD_F32(a, b) __fadd_rn((a), (b))
#endif

typedef unsigned char gh_u8;
typedef int gh_i32;
typedef unsigned int gh_u32;
typedef unsigned long long gh_u64;

// Invocations per workgroup, and this invocation's linear id within it (x fastest).
static __device__ __forceinline__ gh_u32 gh_workgroup_invocations() {
  return (gh_u32)(blockDim.x * blockDim.y * blockDim.z);
}
static __device__ __forceinline__ gh_u32 gh_local_id() {
  return (gh_u32)(threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z));
}
// Global invocation id = linear workgroup index * invocations per workgroup + local id; 64-bit like the
// simulator's, so grids beyond 2^32 invocations do not wrap.
static __device__ __forceinline__ gh_u64 gh_invocation_id() {
  gh_u64 wg = (gh_u64)blockIdx.x + (gh_u64)gridDim.x * ((gh_u64)blockIdx.y + (gh_u64)gridDim.y * (gh_u64)blockIdx.z);
  return wg * (gh_u64)gh_workgroup_invocations() + (gh_u64)gh_local_id();
}
`;

export const hipKernels: Readonly<Record<SampleKernelName, string>> = {
  fill_u32: String.raw`
extern "C" __global__ void fill_u32(gh_u32* out, gh_u32 value, gh_u32 count) {
  gh_u64 i = gh_invocation_id();
  if (i < count) out[i] = value;
}
`,
  copy_u32: String.raw`
extern "C" __global__ void copy_u32(const gh_u32* src, gh_u32* dst, gh_u32 count) {
  gh_u64 i = gh_invocation_id();
  if (i < count) dst[i] = src[i];
}
`,
  add_i32: String.raw`
// Unsigned arithmetic: wraps in two's complement where signed overflow would be undefined behaviour.
extern "C" __global__ void add_i32(const gh_i32* a, const gh_i32* b, gh_i32* c, gh_u32 count) {
  gh_u64 i = gh_invocation_id();
  if (i < count) c[i] = (gh_i32)((gh_u32)a[i] + (gh_u32)b[i]);
}
`,
  scale_i32: String.raw`
extern "C" __global__ void scale_i32(gh_i32* x, gh_i32 k, gh_u32 count) {
  gh_u64 i = gh_invocation_id();
  if (i < count) x[i] = (gh_i32)((gh_u32)x[i] * (gh_u32)k);
}
`,
  saxpy_f32: String.raw`
// The product is rounded to f32 before the add (GH_MUL_F32 / GH_ADD_F32 are never fused).
extern "C" __global__ void saxpy_f32(const float* x, float* y, float a, gh_u32 count) {
  gh_u64 i = gh_invocation_id();
  if (i < count) y[i] = GH_ADD_F32(GH_MUL_F32(a, x[i]), y[i]);
}
`,
  histogram_u8: String.raw`
// Needs 1024 bytes of dynamic shared memory (the manifest's sharedMemoryBytes). Adds into bins: integer
// atomicAdd is order-independent, so the result is deterministic whatever order blocks and threads run in.
extern "C" __global__ void histogram_u8(const gh_u8* bytes, gh_u32* bins, gh_u32 count) {
  extern __shared__ gh_u32 gh_shared_words[];
  gh_u32 local = gh_local_id();
  gh_u32 size = gh_workgroup_invocations();
  for (gh_u32 b = local; b < 256u; b += size) gh_shared_words[b] = 0u;
  __syncthreads();
  gh_u64 i = gh_invocation_id();
  if (i < count) atomicAdd(&gh_shared_words[bytes[i]], 1u);
  __syncthreads();
  for (gh_u32 b = local; b < 256u; b += size) {
    gh_u32 n = gh_shared_words[b];
    if (n != 0u) atomicAdd(&bins[b], n);
  }
}
`,
  reduce_sum_u32: String.raw`
// Adds into out[0] (mod 2^32): one shared partial per block, then one atomicAdd per block.
extern "C" __global__ void reduce_sum_u32(const gh_u32* values, gh_u32* out, gh_u32 count) {
  __shared__ gh_u32 gh_partial;
  gh_u32 local = gh_local_id();
  if (local == 0u) gh_partial = 0u;
  __syncthreads();
  gh_u64 i = gh_invocation_id();
  if (i < count) atomicAdd(&gh_partial, values[i]);
  __syncthreads();
  if (local == 0u && gh_partial != 0u) atomicAdd(out, gh_partial);
}
`,
};

/** The prelude plus the named kernels (all of them by default), as one compilable HIP-C translation unit. */
export function hipSourceFor(names: readonly SampleKernelName[] = Object.keys(hipKernels) as SampleKernelName[]): string {
  const unknown = names.filter((n) => !(n in hipKernels));
  if (unknown.length > 0) throw new RangeError(`no HIP-C source for ${unknown.join(', ')}`);
  return hipPrelude + [...new Set(names)].map((n) => hipKernels[n]).join('');
}

/** Every sample kernel in one translation unit: the 'hip-source' payload of the sample executable. */
export const sampleHipSource: string = hipSourceFor();
