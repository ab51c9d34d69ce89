/**
 * The HIP device language for the simulator target: the header every HIP-C source is compiled against when it is
 * compiled to WebAssembly (it is force-included, so `#include <hip/hip_runtime.h>` is optional, as under hiprtc).
 *
 * A thread is a call of the kernel with its thread index set; a workgroup is a loop over its threads (a kernel
 * without a barrier) or a scheduler that runs every thread as a coroutine up to its next __syncthreads() (a kernel
 * with one; binaryen's Asyncify unwinds and rewinds the thread). The thread loop of a barrier-free kernel is C++
 * compiled with the kernel, so clang inlines the kernel into it and may vectorize it. Thread order inside a
 * workgroup comes from the simulator's seeded random generator (see `order`, `explores_order` and `straight`
 * below), so the same seed gives the same bytes and another seed can expose a race between threads.
 *
 * The header talks to the simulator through imports of the `gh` module. None of them stays an import: the
 * post-processor (postprocess.ts) replaces each with a wasm body (a global read or write, an Asyncify call).
 *
 * Every module static (static __shared__ arrays, constant tables, the built-in variables) is linked at the
 * device's shared scratch address: the device zeroes the scratch before each workgroup (the entry point itself,
 * between the workgroups of a row it runs in one call) and the entry point copies the initialized data back, so
 * statics are per workgroup, exactly like __shared__ memory on a GPU.
 */
export const deviceHeader = String.raw`
#ifndef GPUHAL_SIM_DEVICE_HEADER
#define GPUHAL_SIM_DEVICE_HEADER
#define __GPUHAL_SIM__ 1
// Like hiprtc: the device builtins are predefined and no header is needed.
#define __HIPCC_RTC__ 1
#define __HIP_DEVICE_COMPILE__ 1
#pragma clang fp contract(off)

// The GPU targets are LP64: size_t, ptrdiff_t, intptr_t and long are 64-bit there. The simulator's wasm32 target
// makes them 32-bit, so size_t and friends are 64-bit typedefs here and the source rewrite turns every plain
// 'long' into _GHL, which is 'long long' (same length, so columns stay): a kernel computes with the same widths,
// and its 64-bit parameters take the same two push-constant words, as on a GPU. Pointers stay 32-bit (they are
// device addresses, never parameters by value).
typedef unsigned long long size_t;
typedef long long ptrdiff_t;
typedef long long intptr_t;
typedef unsigned long long uintptr_t;
#define _GHL long long
typedef __INT8_TYPE__ int8_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __INT16_TYPE__ int16_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __INT32_TYPE__ int32_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __INT64_TYPE__ int64_t;
typedef __UINT64_TYPE__ uint64_t;

#define __global__ __attribute__((visibility("hidden")))
// Template kernels (marked by the source rewrite, the same length as __global__) are visible: the link exports each
// instantiation under its symbol name, which is how the post-processor names its entry point as the GPU's module
// does. Other kernels stay hidden, so clang may inline them into their entries and drop them.
#define __gh_tglob __attribute__((visibility("default")))
#define __device__
#define __host__
#define __constant__ const
#define __forceinline__ __attribute__((always_inline)) inline
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __restrict__ __restrict
#define __align__(n) __attribute__((aligned(n)))
// Per workgroup: every module static lives in the workgroup's shared scratch (see above)...
#define __shared__ static
// ...except __device__ variables, which the source rewrite marks with __gh_dvar_ (the same length as __device__):
// they are device-wide (see the end of this header).
#define __gh_dvar_ __attribute__((section("gh_device")))
#define HIP_DYNAMIC_SHARED(type, name) extern type name[] __asm__("__heap_base");
#define HIP_KERNEL_NAME(...) __VA_ARGS__
#define warpSize __gh_warp_size()

#define __GH_IMPORT(name) __attribute__((import_module("gh"), import_name(#name)))
extern "C" {
__GH_IMPORT(barrier) void __gh_barrier(void);
__GH_IMPORT(random) unsigned __gh_random(unsigned n);
__GH_IMPORT(set_running_workgroup_x) void __gh_set_running_workgroup_x(unsigned x);
__GH_IMPORT(set_stack) void __gh_set_stack(unsigned top, unsigned bottom);
__GH_IMPORT(init_statics) void __gh_init_statics(void);
__GH_IMPORT(thread_memory) unsigned __gh_thread_memory(void);
__GH_IMPORT(explore_every_workgroup) unsigned __gh_explore_every_workgroup(void);
__GH_IMPORT(launch_seed) unsigned __gh_launch_seed(void);
__GH_IMPORT(set_launch_seed) void __gh_set_launch_seed(unsigned seed);
__GH_IMPORT(async_start_rewind) void __gh_async_start_rewind(unsigned buffer);
__GH_IMPORT(async_stop_unwind) void __gh_async_stop_unwind(void);
__GH_IMPORT(async_unwinding) unsigned __gh_async_unwinding(void);
__GH_IMPORT(set_async_buffer) void __gh_set_async_buffer(unsigned buffer);
__GH_IMPORT(reset_budget) void __gh_reset_budget(void);
__GH_IMPORT(begin_dispatch) void __gh_begin_dispatch(unsigned args);
__GH_IMPORT(device_globals_in) void __gh_device_globals_in(void);
__GH_IMPORT(device_globals_out) void __gh_device_globals_out(void);
}

// The built-in variables live in one module static, set by the entry point. It is internal and its address is never
// taken, and the module is compiled with -enable-unsafe-globalsmodref-alias-results (compiler.ts), so the optimizer
// knows a kernel's loads and stores through its pointer parameters never touch it: inside the thread loop of a
// barrier-free workgroup it forwards the thread index from the loop counter, and can vectorize the loop. (The
// "unsafe" part is a pointer forged from an integer that points into the static; no binding ever lies in the
// shared scratch where module statics live, so a kernel cannot obtain one.)
//
// It has a section of its own: the workgroups of a row (launcher::thread_loop) clear the scratch around it, never
// its bytes, so the optimizer's view of them (unchanged by any call) stays true.
struct __gh_context { unsigned tx, ty, tz, bx, by, bz, dx, dy, dz, gx, gy, gz; };
static __gh_context __gh_ctx __attribute__((section("gh_ctx")));
extern "C" __attribute__((weak)) char __start_gh_ctx[], __stop_gh_ctx[];
static __attribute__((always_inline)) inline unsigned __gh_thread_x() { return __gh_ctx.tx; }
static __attribute__((always_inline)) inline unsigned __gh_thread_y() { return __gh_ctx.ty; }
static __attribute__((always_inline)) inline unsigned __gh_thread_z() { return __gh_ctx.tz; }
static __attribute__((always_inline)) inline unsigned __gh_block_x() { return __gh_ctx.bx; }
static __attribute__((always_inline)) inline unsigned __gh_block_y() { return __gh_ctx.by; }
static __attribute__((always_inline)) inline unsigned __gh_block_z() { return __gh_ctx.bz; }
static __attribute__((always_inline)) inline unsigned __gh_dim_x() { return __gh_ctx.dx; }
static __attribute__((always_inline)) inline unsigned __gh_dim_y() { return __gh_ctx.dy; }
static __attribute__((always_inline)) inline unsigned __gh_dim_z() { return __gh_ctx.dz; }
static __attribute__((always_inline)) inline unsigned __gh_grid_x() { return __gh_ctx.gx; }
static __attribute__((always_inline)) inline unsigned __gh_grid_y() { return __gh_ctx.gy; }
static __attribute__((always_inline)) inline unsigned __gh_grid_z() { return __gh_ctx.gz; }
static __attribute__((always_inline)) inline void __gh_set_thread(unsigned x, unsigned y, unsigned z) { __gh_ctx.tx = x; __gh_ctx.ty = y; __gh_ctx.tz = z; }
static __attribute__((always_inline)) inline void __gh_set_block(unsigned x, unsigned y, unsigned z, unsigned dx, unsigned dy, unsigned dz, unsigned gx, unsigned gy, unsigned gz) {
  __gh_ctx.bx = x; __gh_ctx.by = y; __gh_ctx.bz = z; __gh_ctx.dx = dx; __gh_ctx.dy = dy; __gh_ctx.dz = dz; __gh_ctx.gx = gx; __gh_ctx.gy = gy; __gh_ctx.gz = gz;
}
#define __GH_BUILTIN_VARIABLE(type, X, Y, Z) \
  struct type { \
    __declspec(property(get = __get_x)) unsigned x; \
    __declspec(property(get = __get_y)) unsigned y; \
    __declspec(property(get = __get_z)) unsigned z; \
    __forceinline__ unsigned __get_x() const { return X(); } \
    __forceinline__ unsigned __get_y() const { return Y(); } \
    __forceinline__ unsigned __get_z() const { return Z(); } \
  };
__GH_BUILTIN_VARIABLE(__gh_thread_idx_t, __gh_thread_x, __gh_thread_y, __gh_thread_z)
__GH_BUILTIN_VARIABLE(__gh_block_idx_t, __gh_block_x, __gh_block_y, __gh_block_z)
__GH_BUILTIN_VARIABLE(__gh_block_dim_t, __gh_dim_x, __gh_dim_y, __gh_dim_z)
__GH_BUILTIN_VARIABLE(__gh_grid_dim_t, __gh_grid_x, __gh_grid_y, __gh_grid_z)
static const __gh_thread_idx_t threadIdx = {};
static const __gh_block_idx_t blockIdx = {};
static const __gh_block_dim_t blockDim = {};
static const __gh_grid_dim_t gridDim = {};

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
};
struct uint3 { unsigned x, y, z; };
struct int2 { int x, y; };
struct float2 { float x, y; };
struct float4 { float x, y, z, w; };

// --- barriers and fences -----------------------------------------------------------------------------------------
// The empty asm with a memory clobber makes the barrier a compiler memory barrier too: without it the compiler may
// keep a __shared__ array that never escapes in registers across the call.
static __forceinline__ void __syncthreads() { __asm__ volatile("" ::: "memory"); __gh_barrier(); __asm__ volatile("" ::: "memory"); }
static __forceinline__ void __threadfence() { __asm__ volatile("" ::: "memory"); }
static __forceinline__ void __threadfence_block() { __asm__ volatile("" ::: "memory"); }
static __forceinline__ void __threadfence_system() { __asm__ volatile("" ::: "memory"); }

// --- atomics ------------------------------------------------------------------------------------------------------
// Threads of the simulator switch only at barriers, so a read-modify-write is atomic as written; which thread's
// update comes first is decided by the seeded thread order.
#define __GH_ATOMIC_RMW(name, T, expr) \
  static __forceinline__ T name(T* p, T v) { __asm__ volatile("" ::: "memory"); T old = *(volatile T*)p; *(volatile T*)p = (expr); return old; }
#define __GH_ATOMIC_BITS(T) \
  __GH_ATOMIC_RMW(atomicMin, T, v < old ? v : old) __GH_ATOMIC_RMW(atomicMax, T, v > old ? v : old) \
  __GH_ATOMIC_RMW(atomicAnd, T, old & v) __GH_ATOMIC_RMW(atomicOr, T, old | v) __GH_ATOMIC_RMW(atomicXor, T, old ^ v)
#define __GH_ATOMICS(T) \
  __GH_ATOMIC_RMW(atomicAdd, T, old + v) \
  __GH_ATOMIC_RMW(atomicExch, T, v) \
  __GH_ATOMIC_BITS(T) \
  static __forceinline__ T atomicCAS(T* p, T compare, T v) { __asm__ volatile("" ::: "memory"); T old = *(volatile T*)p; if (old == compare) *(volatile T*)p = v; return old; }
// The overloads are those CUDA (nvcc 13, sm_90) and HIP both declare, so a kernel that compiles here compiles under
// nvrtc and hiprtc: atomicSub for int and unsigned int only; long long for atomicMin and atomicMax only (CUDA also
// has And, Or and Xor on long long, HIP does not; neither has Add, Exch or CAS on it). Any other is a compile error
// naming the builtin and the type (clang's "requested here" note gives the call's line and column) instead of a
// kernel that works on one backend only.
__GH_ATOMICS(int)
__GH_ATOMICS(unsigned int)
__GH_ATOMICS(unsigned long long)
__GH_ATOMIC_RMW(atomicMin, long long, v < old ? v : old)
__GH_ATOMIC_RMW(atomicMax, long long, v > old ? v : old)
__GH_ATOMIC_RMW(atomicSub, int, old - v)
__GH_ATOMIC_RMW(atomicSub, unsigned int, old - v)
template <class... V> struct __gh_no_atomic { static constexpr bool value = false; };
#define __GH_ATOMIC_UNSUPPORTED(name, T, instead) \
  template <class... V> T name(T*, V...) { \
    static_assert(__gh_no_atomic<V...>::value, #name " on " #T " is not supported: CUDA and HIP do not both declare it (" instead ")"); \
    return 0; }
__GH_ATOMIC_UNSUPPORTED(atomicSub, long long, "for 64 bits, atomicAdd on unsigned long long with the negated value")
__GH_ATOMIC_UNSUPPORTED(atomicSub, unsigned long long, "for 64 bits, atomicAdd on unsigned long long with the negated value")
__GH_ATOMIC_UNSUPPORTED(atomicAdd, long long, "use unsigned long long: two's complement addition is the same")
__GH_ATOMIC_UNSUPPORTED(atomicExch, long long, "use unsigned long long")
__GH_ATOMIC_UNSUPPORTED(atomicCAS, long long, "use unsigned long long")
__GH_ATOMIC_UNSUPPORTED(atomicAnd, long long, "use unsigned long long")
__GH_ATOMIC_UNSUPPORTED(atomicOr, long long, "use unsigned long long")
__GH_ATOMIC_UNSUPPORTED(atomicXor, long long, "use unsigned long long")
__GH_ATOMIC_RMW(atomicAdd, float, old + v)
__GH_ATOMIC_RMW(atomicAdd, double, old + v)
__GH_ATOMIC_RMW(atomicExch, float, v)
static __forceinline__ unsigned atomicInc(unsigned* p, unsigned limit) { unsigned old = *(volatile unsigned*)p; *(volatile unsigned*)p = old >= limit ? 0u : old + 1u; return old; }
static __forceinline__ unsigned atomicDec(unsigned* p, unsigned limit) { unsigned old = *(volatile unsigned*)p; *(volatile unsigned*)p = (old == 0u || old > limit) ? limit : old - 1u; return old; }

// Barriers with a vote: every thread adds its predicate to a per-workgroup counter (a static, so in the scratch),
// all wait, all read the total, all wait again; then thread 0 takes that total back off. The subtraction commutes
// with the next vote's additions, so the counter needs no reset barrier of its own.
static unsigned __gh_vote_counter;
static __forceinline__ int __syncthreads_count(int predicate) {
  atomicAdd(&__gh_vote_counter, predicate ? 1u : 0u);
  __syncthreads();
  unsigned total = *(volatile unsigned*)&__gh_vote_counter;
  __syncthreads();
  if (threadIdx.x == 0 && threadIdx.y == 0 && threadIdx.z == 0) atomicSub(&__gh_vote_counter, total);
  return (int)total;
}
static __forceinline__ int __syncthreads_or(int predicate) { return __syncthreads_count(predicate) != 0; }
static __forceinline__ int __syncthreads_and(int predicate) {
  return (unsigned)__syncthreads_count(predicate) == blockDim.x * blockDim.y * blockDim.z;
}

// --- warp-level operations: no sound emulation, so a compile error naming the builtin --------------------------
// A template whose instantiation fails: the error names the builtin, and clang's "requested here" note gives the
// line and column of the call in the user's source.
template <class... A> struct __gh_unsupported { static constexpr bool value = false; };
#define __GH_UNSUPPORTED(name) \
  template <class... A> int name(A...) { \
    static_assert(__gh_unsupported<A...>::value, #name " is not supported on the simulator: warp-level operations have no sound deterministic emulation here"); \
    return 0; }
__GH_UNSUPPORTED(__shfl) __GH_UNSUPPORTED(__shfl_sync) __GH_UNSUPPORTED(__shfl_up) __GH_UNSUPPORTED(__shfl_up_sync)
__GH_UNSUPPORTED(__shfl_down) __GH_UNSUPPORTED(__shfl_down_sync) __GH_UNSUPPORTED(__shfl_xor) __GH_UNSUPPORTED(__shfl_xor_sync)
__GH_UNSUPPORTED(__ballot) __GH_UNSUPPORTED(__ballot_sync) __GH_UNSUPPORTED(__any) __GH_UNSUPPORTED(__any_sync)
__GH_UNSUPPORTED(__all) __GH_UNSUPPORTED(__all_sync) __GH_UNSUPPORTED(__activemask) __GH_UNSUPPORTED(__syncwarp)
__GH_UNSUPPORTED(__match_any_sync) __GH_UNSUPPORTED(__match_all_sync) __GH_UNSUPPORTED(__reduce_add_sync)
__GH_UNSUPPORTED(clock) __GH_UNSUPPORTED(clock64) __GH_UNSUPPORTED(__lane_id) __GH_UNSUPPORTED(printf)
template <class... A> int __gh_warp_size(A... a) {
  static_assert(__gh_unsupported<A...>::value, "warpSize is not supported on the simulator: warp-level behaviour has no sound deterministic emulation here");
  return 0;
}

// --- math ---------------------------------------------------------------------------------------------------------
// WebAssembly float arithmetic is IEEE-754 round-to-nearest and never fused: the _rn intrinsics are the operators.
static __forceinline__ float __fadd_rn(float a, float b) { return a + b; }
static __forceinline__ float __fsub_rn(float a, float b) { return a - b; }
static __forceinline__ float __fmul_rn(float a, float b) { return a * b; }
static __forceinline__ float __fdiv_rn(float a, float b) { return a / b; }
static __forceinline__ double __dadd_rn(double a, double b) { return a + b; }
static __forceinline__ double __dmul_rn(double a, double b) { return a * b; }
// WebAssembly has no fused multiply-add: the f32 product is exact in double, so only the final add rounds twice
// (double, then float), which can differ from a true fmaf by 1 ulp in rare halfway cases.
static __forceinline__ float __fmaf_rn(float a, float b, float c) { return (float)((double)a * (double)b + (double)c); }
static __forceinline__ float fmaf(float a, float b, float c) { return __fmaf_rn(a, b, c); }
double fma(double, double, double) __attribute__((error("fma(double) is not supported on the simulator: WebAssembly has no fused multiply-add and no exact emulation is provided")));
static __forceinline__ float sqrtf(float x) { return __builtin_sqrtf(x); }
static __forceinline__ double sqrt(double x) { return __builtin_sqrt(x); }
static __forceinline__ float fabsf(float x) { return __builtin_fabsf(x); }
static __forceinline__ double fabs(double x) { return __builtin_fabs(x); }
static __forceinline__ float floorf(float x) { return __builtin_floorf(x); }
static __forceinline__ float ceilf(float x) { return __builtin_ceilf(x); }
static __forceinline__ float truncf(float x) { return __builtin_truncf(x); }
static __forceinline__ float rintf(float x) { return __builtin_rintf(x); }
static __forceinline__ double floor(double x) { return __builtin_floor(x); }
static __forceinline__ double ceil(double x) { return __builtin_ceil(x); }
// IEEE minNum/maxNum: a NaN operand yields the other operand (WebAssembly's f32.min/max would propagate the NaN).
static __forceinline__ float fminf(float a, float b) { return a != a ? b : b != b ? a : (b < a ? b : a); }
static __forceinline__ float fmaxf(float a, float b) { return a != a ? b : b != b ? a : (b > a ? b : a); }
static __forceinline__ double fmin(double a, double b) { return a != a ? b : b != b ? a : (b < a ? b : a); }
static __forceinline__ double fmax(double a, double b) { return a != a ? b : b != b ? a : (b > a ? b : a); }
static __forceinline__ float copysignf(float a, float b) { return __builtin_copysignf(a, b); }
static __forceinline__ int min(int a, int b) { return a < b ? a : b; }
static __forceinline__ int max(int a, int b) { return a > b ? a : b; }
static __forceinline__ unsigned umin(unsigned a, unsigned b) { return a < b ? a : b; }
static __forceinline__ unsigned umax(unsigned a, unsigned b) { return a > b ? a : b; }
static __forceinline__ unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
static __forceinline__ unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
static __forceinline__ float min(float a, float b) { return fminf(a, b); }
static __forceinline__ float max(float a, float b) { return fmaxf(a, b); }
static __forceinline__ int abs(int x) { return x < 0 ? -x : x; }
static __forceinline__ int __popc(unsigned x) { return __builtin_popcount(x); }
static __forceinline__ int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
static __forceinline__ int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned)x); }
static __forceinline__ int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll((unsigned long long)x); }
static __forceinline__ int __ffs(int x) { return __builtin_ffs(x); }
static __forceinline__ int __ffsll(long long x) { return __builtin_ffsll(x); }
static __forceinline__ unsigned __brev(unsigned x) { return __builtin_bitreverse32(x); }
static __forceinline__ unsigned long long __brevll(unsigned long long x) { return __builtin_bitreverse64(x); }
static __forceinline__ unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((unsigned long long)a * b) >> 32); }
static __forceinline__ int __mulhi(int a, int b) { return (int)(((long long)a * b) >> 32); }
static __forceinline__ float __int_as_float(int x) { return __builtin_bit_cast(float, x); }
static __forceinline__ int __float_as_int(float x) { return __builtin_bit_cast(int, x); }
static __forceinline__ float __uint_as_float(unsigned x) { return __builtin_bit_cast(float, x); }
static __forceinline__ unsigned __float_as_uint(float x) { return __builtin_bit_cast(unsigned, x); }
static __forceinline__ double __longlong_as_double(long long x) { return __builtin_bit_cast(double, x); }
static __forceinline__ long long __double_as_longlong(double x) { return __builtin_bit_cast(long long, x); }
// Transcendental functions: correctly rounded implementations are not available in a freestanding build, so these
// come from the compiler's builtins where WebAssembly has an instruction, and from the portable approximations
// below otherwise (documented ulp bounds in docs; __expf and friends are fast approximations on GPUs too).
// Evaluated in double, then rounded once to float: within 1 ulp of the correctly rounded result.
static __forceinline__ double __gh_pow2(int k) { return __builtin_bit_cast(double, (unsigned long long)(k + 1023) << 52); }
static inline float __gh_expf(float x) {
  if (x != x) return x;
  if (x > 88.7228394f) return __builtin_inff();
  if (x < -103.972084f) return 0.0f;
  double k = __builtin_rint((double)x * 1.4426950408889634);
  double r = (double)x - k * 0.6931471805599453;
  double p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040 + r / 40320)))))));
  return (float)(p * __gh_pow2((int)k));
}
static inline float __gh_logf(float x) {
  if (x != x || x == __builtin_inff()) return x;
  if (x < 0.0f) return __builtin_nanf("");
  if (x == 0.0f) return -__builtin_inff();
  double m = (double)x;
  unsigned long long bits = __builtin_bit_cast(unsigned long long, m);
  int e = (int)((bits >> 52) & 0x7ff) - 1023;
  m = __builtin_bit_cast(double, (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  if (m > 1.4142135623730951) { m *= 0.5; e += 1; }
  double s = (m - 1.0) / (m + 1.0), s2 = s * s;
  double t = s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 + s2 * (1.0 / 11 + s2 * (1.0 / 13 + s2 / 15))))));
  return (float)(2.0 * s * (1.0 + t) + (double)e * 0.6931471805599453);
}
static __forceinline__ float expf(float x) { return __gh_expf(x); }
static __forceinline__ float __expf(float x) { return __gh_expf(x); }
static __forceinline__ float logf(float x) { return __gh_logf(x); }
static __forceinline__ float __logf(float x) { return __gh_logf(x); }
static __forceinline__ float rsqrtf(float x) { return 1.0f / __builtin_sqrtf(x); }
static __forceinline__ float __frsqrt_rn(float x) { return 1.0f / __builtin_sqrtf(x); }
static __forceinline__ float __fdividef(float a, float b) { return a / b; }
static __forceinline__ float __saturatef(float x) { return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x); }
#define INFINITY __builtin_inff()
#define NAN __builtin_nanf("")
#define FLT_MAX __FLT_MAX__
#define INT_MAX __INT_MAX__
#define UINT_MAX (__INT_MAX__ * 2U + 1U)

// --- the workgroup runtime ----------------------------------------------------------------------------------------
// The runtime reads the argument block (asm/kernels/abi.ts) and its per-thread memory through load_word/store_word,
// which the memory checker does not instrument: only the kernel's own accesses are checked.
extern "C" {
__GH_IMPORT(load_word) unsigned __gh_load_word(unsigned address);
// Two words as one 64-bit value, low word first (one load: binaryen 131's instruction optimizer has turned the
// zero-extended low word of "low | high << 32" into a sign-extended load).
__GH_IMPORT(load_pair) unsigned long long __gh_load_pair(unsigned address);
__GH_IMPORT(store_word) void __gh_store_word(unsigned address, unsigned value);
}
extern "C" {
__GH_IMPORT(workgroup_args) unsigned __gh_workgroup_args(void);
__GH_IMPORT(stack_lo) unsigned __gh_stack_lo(void);
__GH_IMPORT(stack_hi) unsigned __gh_stack_hi(void);
__GH_IMPORT(set_window) void __gh_set_window(unsigned lo, unsigned hi);
}

// The memory checker's fault path, called when its cached windows and its inline search (postprocess.ts) found no
// window for an access; it searches again in 64-bit arithmetic. The access [p + offset, p + offset + bytes) must
// lie in the workgroup's shared scratch (statics and dynamic shared memory), in the thread's own stack, or in one
// binding. A miss records an out-of-bounds fault and traps, so the bad access never happens. The fault names the
// binding with the nearest base below the address when the access overruns it by less than its own length (or
// 4 KiB), which is where an index past the end lands; anything farther is "no binding" with the raw address.
extern "C" __attribute__((export_name("__gh_check_slow"), noinline)) unsigned __gh_check_slow(unsigned p, unsigned offset, unsigned bytes) {
  unsigned args = __gh_workgroup_args();
  unsigned long long a = (unsigned long long)p + offset, e = a + bytes;
  unsigned shared = __gh_load_word(args + 48), sharedBytes = __gh_load_word(args + 52);
  if (a >= shared && e <= (unsigned long long)shared + sharedBytes) { __gh_set_window(shared, shared + sharedBytes); return p; }
  unsigned lo = __gh_stack_lo(), hi = __gh_stack_hi();
  if (a >= lo && e <= hi) { __gh_set_window(lo, hi); return p; }
  unsigned n = __gh_load_word(args + 16);
  for (unsigned i = 0; i < n; i++) {
    unsigned ptr = __gh_load_word(args + 56 + 8 * i), length = __gh_load_word(args + 60 + 8 * i);
    if (a >= ptr && e <= (unsigned long long)ptr + length) { __gh_set_window(ptr, ptr + length); return p; }
  }
  unsigned binding = 0xfffffffeu, at = a > 0xffffffffull ? 0xffffffffu : (unsigned)a, outside = bytes;
  unsigned long long nearest = 0;
  for (unsigned i = 0; i < n; i++) {
    unsigned ptr = __gh_load_word(args + 56 + 8 * i), length = __gh_load_word(args + 60 + 8 * i);
    unsigned long long slack = length > 4096u ? length : 4096u;
    if (a >= ptr && a < (unsigned long long)ptr + length + slack && ptr >= nearest) {
      nearest = ptr; binding = i; at = (unsigned)(a - ptr); outside = bytes;
      // A vector access (a vectorized thread loop's) that starts inside the binding and runs past its end: the
      // fault names the first byte past the end and how many bytes lie beyond it.
      if (at < length) { outside = (unsigned)(e - ((unsigned long long)ptr + length)); at = length; }
    }
  }
  if (__gh_load_word(args) == 0) {
    __gh_store_word(args, 1); __gh_store_word(args + 4, binding); __gh_store_word(args + 8, at); __gh_store_word(args + 12, outside);
  }
  __builtin_trap();
}

// The loop budget ran out: a fault (kind 7) and a trap, so a kernel that never ends is reported instead of hanging.
extern "C" __attribute__((export_name("__gh_budget_exhausted"), noinline)) void __gh_budget_exhausted(void) {
  unsigned args = __gh_workgroup_args();
  if (__gh_load_word(args) == 0) {
    __gh_store_word(args, 7); __gh_store_word(args + 4, 0); __gh_store_word(args + 8, 0); __gh_store_word(args + 12, 0);
  }
  __builtin_trap();
}

namespace __gh {
template <class T> struct is_pointer { static constexpr bool value = false; };
template <class T> struct is_pointer<T*> { static constexpr bool value = true; };
template <class T, T... I> struct seq {};

static __forceinline__ void fault(unsigned args, unsigned kind, unsigned index) {
  if (__gh_load_word(args) != 0) return;
  __gh_store_word(args, kind); __gh_store_word(args + 4, index);
  __gh_store_word(args + 8, 0); __gh_store_word(args + 12, 0);
}

// A seeded permutation of [0, n), walked in steps: start at b, add a (coprime to n) modulo n each step.
struct order {
  unsigned n, a, next;
  __forceinline__ order(unsigned count) : n(count), a(1), next(0) {
    if (n <= 1) return;
    next = __gh_random(n);
    a = 1 + __gh_random(n - 1);
    while (gcd(a, n) != 1) a = a + 1 == n ? 1 : a + 1;
  }
  static __forceinline__ unsigned gcd(unsigned x, unsigned y) { while (y != 0) { unsigned t = x % y; x = y; y = t; } return x; }
  __forceinline__ unsigned step() {
    unsigned t = next;
    next = next >= n - a ? next - (n - a) : next + a;
    return t;
  }
};

// The chunk order of a barrier-free workgroup (at most CHUNKS chunks), from one seeded draw: a first chunk, a walk
// of +1 or -1 modulo the count (for up to four chunks, the same orders as order above), and one direction bit per
// chunk. One draw instead of three keeps the cost of a workgroup low for kernels with little work per thread.
struct chunk_order {
  unsigned n, next, back, directions;
  __forceinline__ chunk_order(unsigned count) : n(count) {
    unsigned r = __gh_random(count << (count + 1));
    directions = r & ((1u << count) - 1u);
    r >>= count;
    back = r & 1u;
    next = r >> 1;
  }
  __forceinline__ unsigned step() {
    unsigned t = next;
    next = back ? (next == 0 ? n - 1 : next - 1) : (next + 1 == n ? 0 : next + 1);
    return t;
  }
};

// The memory checker's cached windows name bindings of the running dispatch, so they are cleared when a dispatch
// begins (the device runs workgroup (0, 0, 0) first, asm/device/dispatch.ts) and kept across its other workgroups:
// every workgroup of a dispatch has the same bindings, and a loop's first iteration then needs no slow lookup.
static __forceinline__ unsigned begin_workgroup(unsigned args, unsigned x, unsigned y, unsigned z) {
  __gh_init_statics();
  __gh_device_globals_in();
  if ((x | y | z) == 0) __gh_begin_dispatch(args);
  __gh_set_block(x, y, z, __gh_load_word(args + 24), __gh_load_word(args + 28), __gh_load_word(args + 32),
    __gh_load_word(args + 36), __gh_load_word(args + 40), __gh_load_word(args + 44));
  __gh_reset_budget();
  return __gh_dim_x() * __gh_dim_y() * __gh_dim_z();
}

// Threads per chunk of a barrier-free workgroup (see launcher::straight): at most CHUNKS chunks, each a multiple of
// four threads long (one 128-bit vector of 32-bit lanes).
constexpr unsigned CHUNKS = 4;
static __forceinline__ unsigned chunk_size(unsigned threads) {
  unsigned c = (threads + CHUNKS - 1) / CHUNKS;
  c = (c + 3u) & ~3u;
  return c == 0 ? 4u : c;
}

// Which barrier-free workgroups run their threads in a seeded order (the others run them ascending). Exploring an
// order costs memory bandwidth (a workgroup that jumps between chunks or walks one backwards defeats the
// processor's prefetching: saxpy runs at less than half speed), while a race in data-parallel code is usually in
// every workgroup alike: what finds it is how many workgroups of a launch explore, not what fraction. So, unless
// the simulator asks for every workgroup, a seeded sample explores: every workgroup of a launch of at most
// EXPLORED workgroups, then EXPLORED of them on average up to SAMPLE_SPAN workgroups, one in SAMPLE_SPAN /
// EXPLORED up to LARGE_LAUNCH workgroups, and LARGE_EXPLORED of them on average beyond (a fixed fraction made the
// sample cost more the larger the launch: one in 64 cost saxpy 7% of its time). The sample comes from one seeded
// draw per launch (at its first workgroup), hashed with each workgroup's linear index: a draw per workgroup, a
// call into the device module, cost more than a small workgroup's threads.
constexpr unsigned EXPLORED = 16, SAMPLE_SPAN = 1024, LARGE_LAUNCH = 4096, LARGE_EXPLORED = 64;
// The largest shared scratch (statics and dynamic shared memory) a row of workgroups clears itself (thread_loop).
constexpr unsigned ROW_SCRATCH_BYTES = 512;
static __forceinline__ unsigned mix32(unsigned h) {  // MurmurHash3's finalizer
  h ^= h >> 16; h *= 0x85ebca6bu; h ^= h >> 13; h *= 0xc2b2ae35u; h ^= h >> 16;
  return h;
}
static __forceinline__ unsigned long long workgroup_total() { return (unsigned long long)__gh_grid_x() * __gh_grid_y() * __gh_grid_z(); }
// Whether the workgroup with this linear index is in the launch's sample (a launch of more than EXPLORED workgroups).
// A workgroup explores with probability explored / span: the hash, scaled to [0, span), below explored.
static __forceinline__ bool in_sample(unsigned linear) {
  const unsigned long long total = workgroup_total();
  const bool large = total > LARGE_LAUNCH;
  const unsigned span = large ? (total < 0xffffffffull ? (unsigned)total : 0xffffffffu) : (total < SAMPLE_SPAN ? (unsigned)total : SAMPLE_SPAN);
  const unsigned explored = large ? LARGE_EXPLORED : EXPLORED;
  return (unsigned)(((unsigned long long)mix32(__gh_launch_seed() + linear * 0x9e3779b9u) * span) >> 32) < explored;
}
static __forceinline__ bool explores_order() {
  if (__gh_explore_every_workgroup() != 0) return true;
  if (workgroup_total() <= EXPLORED) return true;
  const unsigned gx = __gh_grid_x(), gy = __gh_grid_y(), bx = __gh_block_x(), by = __gh_block_y(), bz = __gh_block_z();
  if ((bx | by | bz) == 0) __gh_set_launch_seed(__gh_random(0xffffffffu));
  return in_sample(bx + gx * (by + gy * bz));  // wraps only past 2^32 workgroups: still a fine hash input
}

// Zeroes the workgroup's shared scratch, as the device does before each workgroup it starts (asm/device/dispatch.ts),
// except the built-in variables, which the row sets itself: the optimizer, which sees no call touch them, may drop a
// store of a value it knows is there already.
static __forceinline__ void clear_scratch_around_context(unsigned args) {
  const unsigned end = __gh_load_word(args + 48) + __gh_load_word(args + 52);
  const unsigned contextLo = (unsigned)__start_gh_ctx, contextHi = (unsigned)__stop_gh_ctx;
  unsigned p = __gh_load_word(args + 48);
  for (; p < end && p < contextLo; p += 4) __gh_store_word(p, 0);
  for (p = p > contextHi ? p : contextHi; p < end; p += 4) __gh_store_word(p, 0);
}

static __forceinline__ void set_linear_thread(unsigned t) {
  unsigned bx = __gh_dim_x(), by = __gh_dim_y();
  if (bx * by * __gh_dim_z() == bx) __gh_set_thread(t, 0, 0);  // the common 1-D workgroup: no divisions
  else __gh_set_thread(t % bx, (t / bx) % by, t / (bx * by));
}

// Per-thread memory (thread_memory): for each thread a status word, its Asyncify buffer and its own shadow stack,
// so a thread suspended at a barrier keeps its locals while the others run.
constexpr unsigned THREAD_BYTES = 4096;
constexpr unsigned ASYNC_OFFSET = 16;
constexpr unsigned ASYNC_BYTES = 2048;
constexpr unsigned SUSPENDED = 1, FINISHED = 2;

// The push constants are the kernel's scalar parameters in the GPU's own parameter layout, as 32-bit words after
// the bindings (8 bytes each on the GPU, so the constants start 8-byte aligned): a 4-byte scalar takes one word;
// an 8-byte scalar (size_t, long, long long, double, a two-word struct) takes two, low word first, at its natural
// alignment (an 8-byte-aligned one starts at an even word, after a padding word where needed). The hip backend
// points each GPU kernel argument at the same words, so one manifest runs on both.
template <class T> struct scalar_parameter {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8,
    "kernel scalar parameters (push constants) must be 4 or 8 bytes: one or two 32-bit words (use int, unsigned, float, size_t, long long, double)");
  static constexpr unsigned words = sizeof(T) / 4;
  static constexpr unsigned align = alignof(T) >= 8 ? 2 : 1;
};
template <class T> struct scalar_parameter<T*> { static constexpr unsigned words = 0, align = 1; };

template <class... P> struct launcher {
  static constexpr unsigned count = sizeof...(P);
  static constexpr bool pointer[count + 1] = {is_pointer<P>::value..., false};
  static constexpr unsigned words[count + 1] = {scalar_parameter<P>::words..., 0};
  static constexpr unsigned align[count + 1] = {scalar_parameter<P>::align..., 1};
  // Parameter i's binding slot (a pointer), or its first push-constant word (a scalar).
  static constexpr unsigned slot(unsigned i) {
    unsigned n = 0, w = 0;
    for (unsigned j = 0; j < i; j++) {
      if (pointer[j]) { n += pointer[i] ? 1u : 0u; continue; }
      w = (w + align[j] - 1) / align[j] * align[j] + words[j];
    }
    return pointer[i] ? n : (w + align[i] - 1) / align[i] * align[i];
  }
  static constexpr unsigned pointers() { unsigned n = 0; for (unsigned j = 0; j < count; j++) n += pointer[j] ? 1u : 0u; return n; }
  // Push-constant words the kernel reads (padding included).
  static constexpr unsigned constantWords() {
    unsigned end = 0;
    for (unsigned j = 0; j < count; j++) if (!pointer[j]) end = slot(j) + words[j];
    return end;
  }
  static constexpr bool bindingsFirst() {
    for (unsigned j = 1; j < count; j++) if (pointer[j] && !pointer[j - 1]) return false;
    return true;
  }
  static_assert(bindingsFirst(), "kernel parameters must list every pointer (binding) before the scalars (push constants)");

  // False (with a fault recorded) when the launch has fewer bindings or push constants than the kernel reads.
  static __forceinline__ bool check(unsigned args) {
    unsigned bindings = __gh_load_word(args + 16), constants = __gh_load_word(args + 20);
    if (bindings < pointers()) { fault(args, 2, bindings); return false; }
    if (constants < constantWords()) { fault(args, 3, constants); return false; }
    return true;
  }

  // The argument values, read once per workgroup (the kernel's stores could alias the argument block otherwise).
  // Unrolled per parameter, so every slot is a compile-time constant.
  struct words_t { unsigned long long w[count + 1]; };
  template <unsigned I> static __forceinline__ unsigned long long read_one(unsigned args, unsigned bindings) {
    constexpr unsigned s = slot(I);
    if constexpr (pointer[I]) {
      return __gh_load_word(args + 56 + 8 * s);
    } else {
      unsigned at = args + 56 + 8 * bindings + 4 * s;
      if constexpr (words[I] == 2) return __gh_load_pair(at);
      else return __gh_load_word(at);
    }
  }
  template <unsigned... I> static __forceinline__ words_t read(unsigned args, seq<unsigned, I...>) {
    unsigned bindings = __gh_load_word(args + 16);
    return words_t{{read_one<I>(args, bindings)..., 0ull}};
  }
  static __forceinline__ words_t read(unsigned args) { return read(args, __make_integer_seq<seq, unsigned, sizeof...(P)>{}); }
  template <class T> static __forceinline__ T as(unsigned long long raw) {
    if constexpr (is_pointer<T>::value) {
      return (T)(unsigned)raw;
    } else {
      T value;
      __builtin_memcpy(&value, &raw, sizeof(T));
      return value;
    }
  }
  template <void (*K)(P...), unsigned... I>
  static __forceinline__ void call_with(const words_t& r, seq<unsigned, I...>) { K(as<P>(r.w[I])...); }

  // One thread of a coroutine workgroup: a function of its own, so Asyncify instruments it and not the scheduler.
  template <void (*K)(P...)>
  static __attribute__((noinline)) void thread(unsigned args) { call_with<K>(read(args), __make_integer_seq<seq, unsigned, sizeof...(P)>{}); }

  // A workgroup of a kernel without barriers: every thread runs to completion, one after another, on one stack.
  // A workgroup that explores its thread order (explores_order) splits its threads, by linear id, into chunks of
  // consecutive ids (at most CHUNKS of them); the chunks run in a seeded order (a seeded permutation, see order)
  // and each chunk runs its threads all ascending or all descending, one seeded choice per chunk. Any two threads
  // can therefore run in either order under some seed (in different chunks by the chunk order, in one chunk by its
  // direction), so a seed can expose a race between any two threads; while within a chunk consecutive threads run
  // in a straight loop that clang can vectorize. Any other workgroup runs all its threads ascending: one loop.
  template <unsigned J> static constexpr bool integral_param() {
    if constexpr (J >= count) return false;
    else return !pointer[J] && __is_integral(__type_pack_element<J, P...>);
  }
  template <unsigned J> static __forceinline__ bool at_least(const words_t& r, unsigned long long end) {
    using T = __type_pack_element<J, P...>;
    const T v = as<T>(r.w[J]);
    return v >= (T)0 && (unsigned long long)v >= end;
  }
  // Tells the optimizer that thread t's global index, in each form a kernel computes it (64-bit, 32-bit unsigned
  // and 32-bit signed), is below integer parameter N, so a guard "if (i < n)" folds away. Each assumption holds
  // whenever in_range_chunk found the parameter at least the chunk's end (a false one would be undefined
  // behaviour): the 32-bit unsigned index equals the 64-bit one below a parameter that fits 32 bits, and the signed
  // one is negative or that same value.
  template <unsigned N> static __forceinline__ void assume_below(const words_t& r, unsigned x, unsigned dx, unsigned t) {
    using T = __type_pack_element<N, P...>;
    const T v = as<T>(r.w[N]);
    __builtin_assume((unsigned long long)x * dx + t < (unsigned long long)v);
    __builtin_assume((unsigned long long)v > 0xffffffffull || x * dx + t < (unsigned)v);
    __builtin_assume((int)(x * dx + t) < (long long)v);
  }
  // The thread loop of a 1-D workgroup (threads [lo, hi) of workgroup (x, y, z)), in range when N is a parameter
  // index (run_1d; only in the first grid row, y = z = 0), a function of its own: the optimizer sees only this
  // loop's values, and the engine's register allocator only this loop's locals (inlined into the entry, the memory
  // checker's locals of every other loop would stay live across it). The argument words come by value: a reference
  // would put them on the shadow stack, which a barrier-free workgroup does not have.
  //
  // With row set (in the first grid row), it goes on with the workgroups after x in the same row (x + 1, ...,
  // y = z = 0) while they do not explore their order either (and, for an in-range loop, are in range too): a row of
  // such workgroups costs one call of the entry and of this function instead of one per workgroup (for saxpy at 256
  // threads per workgroup, those calls were a fifth of its time). Each workgroup after the first begins as the
  // device would begin it (next_in_row), and none begins once a fault is recorded, as the device would stop. The
  // argument words are read once per row, not per workgroup: only a kernel that writes the argument block itself
  // (which the memory checker stops) could tell.
  template <unsigned N, void (*K)(P...), unsigned... I>
  static __attribute__((noinline)) void thread_loop(unsigned args, unsigned x, unsigned y, unsigned z, bool row, unsigned dx, unsigned lo, unsigned hi, unsigned down, decltype((void)I, 0ull)... w) {
    const words_t r{{w..., 0ull}};
    const unsigned gx = __gh_grid_x(), gy = __gh_grid_y(), gz = __gh_grid_z();
    // In range means the first grid row: y and z as constants let the optimizer fold them out of the kernel's index.
    if constexpr (N < count) y = z = 0;
    for (;;) {
      __gh_set_block(x, y, z, dx, 1, 1, gx, gy, gz);
      run_1d<N, K>(r, x, dx, lo, hi, down);
      if (!row || ++x == gx || in_sample(x) || __gh_load_word(args) != 0) return;
      if constexpr (N < count) {
        if (!at_least<N>(r, (unsigned long long)x * dx + hi)) return;
      }
      next_in_row(args, x);
    }
  }
  // Begins workgroup x of a row: what the entry and the device do for every workgroup (the device globals copied
  // out and in, the scratch cleared and its initialized statics written, a fresh loop budget), and the device told
  // which workgroup runs (a fault names it; the dispatch goes on after the row's last).
  static __forceinline__ void next_in_row(unsigned args, unsigned x) {
    __gh_device_globals_out();
    __gh_set_running_workgroup_x(x);
    clear_scratch_around_context(args);
    __gh_init_statics();
    __gh_device_globals_in();
    __gh_reset_budget();
  }
  // Threads [lo, hi) of a 1-D workgroup, descending or ascending: the thread index is the loop counter. With N a
  // parameter index (not count), every index is assumed below that integer parameter (assume_below).
  template <unsigned N, void (*K)(P...)>
  static __forceinline__ void run_1d(const words_t& r, unsigned x, unsigned dx, unsigned lo, unsigned hi, unsigned down) {
    constexpr auto all = __make_integer_seq<seq, unsigned, sizeof...(P)>{};
    if (down) {
      for (unsigned t = hi; t-- > lo;) {
        if constexpr (N < count) assume_below<N>(r, x, dx, t);
        __gh_set_thread(t, 0, 0);
        call_with<K>(r, all);
      }
    } else {
      for (unsigned t = lo; t < hi; t++) {
        if constexpr (N < count) assume_below<N>(r, x, dx, t);
        __gh_set_thread(t, 0, 0);
        call_with<K>(r, all);
      }
    }
  }
  template <unsigned N, void (*K)(P...), unsigned... I>
  static __forceinline__ void call_thread_loop(const words_t& r, unsigned args, unsigned x, unsigned y, unsigned z, bool row, unsigned dx, unsigned lo, unsigned hi, unsigned down, seq<unsigned, I...>) {
    thread_loop<N, K, I...>(args, x, y, z, row, dx, lo, hi, down, r.w[I]...);
  }
  // Runs the chunk as an in-range chunk when some integer parameter is at least every global index of the chunk
  // (the last such parameter, by the convention that a count comes last); false when none is. With row set (a
  // whole workgroup that does not explore its order), the row of workgroups after it too (thread_loop).
  template <unsigned J, void (*K)(P...)>
  static __forceinline__ bool in_range_chunk(const words_t& r, unsigned args, unsigned x, bool row, unsigned dx, unsigned lo, unsigned hi, unsigned down) {
    if constexpr (J == 0) {
      return false;
    } else {
      if constexpr (integral_param<J - 1>()) {
        if (at_least<J - 1>(r, (unsigned long long)x * dx + hi)) {
          call_thread_loop<J - 1, K>(r, args, x, 0, 0, row, dx, lo, hi, down, __make_integer_seq<seq, unsigned, sizeof...(P)>{});
          return true;
        }
      }
      return in_range_chunk<J - 1, K>(r, args, x, row, dx, lo, hi, down);
    }
  }

  template <void (*K)(P...)>
  static __forceinline__ void straight(unsigned args, unsigned x, unsigned y, unsigned z) {
    unsigned threads = begin_workgroup(args, x, y, z);
    if (!check(args)) return;
    unsigned memory = __gh_thread_memory();
    if (memory != 0) __gh_set_stack(memory + THREAD_BYTES, memory + ASYNC_OFFSET);
    run_threads<K>(args, x, y, z, threads);
    __gh_device_globals_out();
  }

  // The threads of a barrier-free workgroup, in a function of its own: a kernel inlined here takes its stack frame
  // (local arrays) in this function's prologue, which must run after the entry has set the thread's stack.
  template <void (*K)(P...)>
  static __attribute__((noinline)) void run_threads(unsigned args, unsigned x, unsigned y, unsigned z, unsigned threads) {
    const words_t r = read(args);
    const unsigned dx = __gh_dim_x(), dy = __gh_dim_y();
    // A 1-D workgroup of the first row of workgroups: a thread's global index is x * dx + its thread index.
    const bool firstRow = dx == threads && y == 0 && z == 0;
    constexpr auto all = __make_integer_seq<seq, unsigned, sizeof...(P)>{};
    if (!explores_order()) {
      if (dx == threads) {
        // A row (first grid row only) clears the scratch with word stores: for a large one (dynamic shared memory)
        // the device's memory.fill between calls is quicker.
        const bool row = firstRow && __gh_load_word(args + 52) <= ROW_SCRATCH_BYTES;
        if (!(firstRow && in_range_chunk<count, K>(r, args, x, row, dx, 0, threads, 0))) {
          call_thread_loop<count, K>(r, args, x, y, z, row, dx, 0, threads, 0, all);
        }
      } else {
        for (unsigned t = 0; t < threads; t++) {
          __gh_set_thread(t % dx, (t / dx) % dy, t / (dx * dy));
          call_with<K>(r, all);
        }
      }
      return;
    }
    const unsigned chunk = chunk_size(threads), chunks = (threads + chunk - 1) / chunk;
    chunk_order o(chunks);
    unsigned directions = o.directions;
    for (unsigned c = 0; c < chunks; c++, directions >>= 1) {
      const unsigned lo = o.step() * chunk, hi = lo + chunk < threads ? lo + chunk : threads;
      if (firstRow && in_range_chunk<count, K>(r, args, x, false, dx, lo, hi, directions & 1)) {
        // Ran as an in-range chunk.
      } else if (dx == threads) {
        call_thread_loop<count, K>(r, args, x, y, z, false, dx, lo, hi, directions & 1, all);
      } else {
        for (unsigned i = 0; i < hi - lo; i++) {
          const unsigned t = directions & 1 ? hi - 1 - i : lo + i;
          __gh_set_thread(t % dx, (t / dx) % dy, t / (dx * dy));
          call_with<K>(r, all);
        }
      }
    }
  }

  // A workgroup of a kernel with barriers: rounds in seeded order; each round runs every unfinished thread up to its
  // next barrier (or its end). A round in which some threads finished while others wait at a barrier is a barrier
  // divergence fault (kind 6): the waiting threads would wait forever on a GPU.
  template <void (*K)(P...)>
  static __forceinline__ void coroutines(unsigned args, unsigned x, unsigned y, unsigned z) {
    unsigned threads = begin_workgroup(args, x, y, z);
    if (!check(args)) return;
    unsigned base = __gh_thread_memory();
    for (unsigned t = 0; t < threads; t++) __gh_store_word(base + t * THREAD_BYTES, 0);
    unsigned finished = 0;
    for (unsigned round = 0; finished < threads; round++) {
      unsigned suspended = 0;
      order o(threads);
      for (unsigned i = 0; i < threads; i++) {
        unsigned t = o.step();
        unsigned memory = base + t * THREAD_BYTES;
        unsigned status = __gh_load_word(memory);
        if (status == FINISHED) continue;
        unsigned buffer = memory + ASYNC_OFFSET;
        set_linear_thread(t);
        __gh_set_stack(memory + THREAD_BYTES, buffer + ASYNC_BYTES);
        __gh_set_async_buffer(buffer);
        if (status == SUSPENDED) {
          __gh_async_start_rewind(buffer);
        } else {
          __gh_store_word(buffer, buffer + 8);
          __gh_store_word(buffer + 4, buffer + ASYNC_BYTES);
        }
        thread<K>(args);
        if (__gh_async_unwinding()) {
          __gh_async_stop_unwind();
          __gh_store_word(memory, SUSPENDED);
          suspended++;
        } else {
          __gh_store_word(memory, FINISHED);
          finished++;
        }
      }
      if (suspended != 0 && finished != 0) { fault(args, 6, round); return; }
    }
    __gh_device_globals_out();
  }
};
template <class F> struct traits;
template <class... P> struct traits<void (*)(P...)> { using launch = launcher<P...>; };
} // namespace __gh

// Both entries exist for every kernel; the post-processor exports the straight one when the kernel never reaches a
// barrier (so it never pays for Asyncify) and the coroutine one otherwise.
#define __GH_ENTRY(kernel) \
  extern "C" __attribute__((export_name("__gh_straight_" #kernel))) void __gh_straight_##kernel(unsigned a, unsigned x, unsigned y, unsigned z) { \
    __gh::traits<decltype(&kernel)>::launch::template straight<&kernel>(a, x, y, z); } \
  extern "C" __attribute__((export_name("__gh_coroutine_" #kernel))) void __gh_coroutine_##kernel(unsigned a, unsigned x, unsigned y, unsigned z) { \
    __gh::traits<decltype(&kernel)>::launch::template coroutines<&kernel>(a, x, y, z); }
// A template instantiation's entries, under an id; __gh_kernel_ref_<id> returns the kernel's function-table index,
// through which the post-processor learns its mangled name (the name the GPU's module knows it by).
#define __GH_ENTRY_AS(id, ...) \
  extern "C" __attribute__((export_name("__gh_straight_" #id))) void __gh_straight_##id(unsigned a, unsigned x, unsigned y, unsigned z) { \
    __gh::traits<decltype(&__VA_ARGS__)>::launch::template straight<&__VA_ARGS__>(a, x, y, z); } \
  extern "C" __attribute__((export_name("__gh_coroutine_" #id))) void __gh_coroutine_##id(unsigned a, unsigned x, unsigned y, unsigned z) { \
    __gh::traits<decltype(&__VA_ARGS__)>::launch::template coroutines<&__VA_ARGS__>(a, x, y, z); } \
  extern "C" __attribute__((export_name("__gh_kernel_ref_" #id))) void* __gh_kernel_ref_##id(void) { return (void*)&__VA_ARGS__; }

// --- device-wide variables ----------------------------------------------------------------------------------------
// A __device__ variable lands in the gh_device section. It is linked in the scratch like the other statics, but the
// loader keeps its bytes in device memory of their own (per loaded module, freed with it, starting from the
// initialisers, zeros elsewhere): each workgroup copies them in when it begins and back when it ends. Workgroups of
// the simulator run one at a time, so every workgroup and every launch sees the updates of those before it, as all
// workgroups of a GPU share a __device__ variable. Constants (__constant__, const tables) stay per-workgroup copies.
extern "C" __attribute__((weak)) char __start_gh_device[], __stop_gh_device[];
// Referenced so the linker defines the bounds (and exports them) whenever the section exists.
extern "C" __attribute__((export_name("__gh_device_sections"))) unsigned __gh_device_sections(void) {
  return (unsigned)__start_gh_device ^ (unsigned)__stop_gh_device;
}
#endif
`;
