// The HIP device language on the simulator: built-in variables in 3-D, dynamic and static shared memory, templates,
// headers, math, seeded thread order, and every way a kernel can go wrong (compile errors with line:column,
// unsupported builtins, out-of-bounds accesses, barrier divergence, endless loops).
import { describe, expect, it } from 'vitest';
import { HalError, StatusCode } from '../../../../src/core/errors.js';
import { asF32, asU32, f32Bytes, runHip, u32Bytes } from '../../../helpers/hipc.js';

const compileError = async (source: string): Promise<HalError> => {
  const run = runHip(source, { entry: 'k', grid: [1, 1, 1], block: [1, 1, 1], inputs: [new Uint8Array(4)] });
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(HalError);
  expect((error as HalError).code).toBe(StatusCode.INVALID_ARGUMENT);
  return error as HalError;
};

describe('the HIP device language on the simulator', { timeout: 300_000 }, () => {
  it('threadIdx, blockIdx, blockDim and gridDim are 3-D', async () => {
    const source = `
#include <hip/hip_runtime.h>
extern "C" __global__ void ids(unsigned* out) {
  unsigned t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  unsigned b = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
  unsigned i = b * (blockDim.x * blockDim.y * blockDim.z) + t;
  out[i] = threadIdx.x | threadIdx.y << 4 | threadIdx.z << 8 | blockIdx.x << 12 | blockIdx.y << 16 | blockIdx.z << 20 | (gridDim.z << 24);
}`;
    const [bx, by, bz, gx, gy, gz] = [3, 2, 2, 2, 3, 2];
    const n = bx * by * bz * gx * gy * gz;
    const run = await runHip(source, { entry: 'ids', grid: [gx, gy, gz], block: [bx, by, bz], inputs: [new Uint8Array(n * 4)] });
    expect(run.error).toBeUndefined();
    const expected: number[] = [];
    for (let z = 0; z < gz; z++) for (let y = 0; y < gy; y++) for (let x = 0; x < gx; x++) {
      for (let k = 0; k < bz; k++) for (let j = 0; j < by; j++) for (let i = 0; i < bx; i++) {
        expected.push((i | j << 4 | k << 8 | x << 12 | y << 16 | z << 20 | gz << 24) >>> 0);
      }
    }
    expect([...asU32(run.outputs[0]!)]).toEqual(expected);
  });

  it('extern __shared__ is the launch\'s dynamic shared memory, after the static __shared__ arrays, per workgroup', async () => {
    const source = `
extern __shared__ unsigned dyn[];
template <typename T, int N> struct Pair { T v[N]; };
template <typename T> __device__ T twice(T x) { return x + x; }
extern "C" __global__ void k(unsigned* out) {
  __shared__ Pair<unsigned, 4> fixed;
  unsigned t = threadIdx.x;
  if (t < 4) fixed.v[t] = twice(t + 1);
  dyn[t] = blockIdx.x * 100 + t;   // zero-initialized per workgroup, then written
  __syncthreads();
  out[blockIdx.x * blockDim.x + t] = dyn[(t + 1) % blockDim.x] + fixed.v[t % 4];
}`;
    const run = await runHip(source, { entry: 'k', grid: [3, 1, 1], block: [8, 1, 1], sharedMemoryBytes: 32, inputs: [new Uint8Array(3 * 8 * 4)] });
    expect(run.error).toBeUndefined();
    const expected = Array.from({ length: 24 }, (_, i) => {
      const b = Math.floor(i / 8), t = i % 8;
      return b * 100 + ((t + 1) % 8) + 2 * ((t % 4) + 1);
    });
    expect([...asU32(run.outputs[0]!)]).toEqual(expected);
  });

  it('math functions and intrinsics', async () => {
    const source = `
extern "C" __global__ void k(const float* x, float* out, unsigned* bits) {
  float v = x[threadIdx.x];
  out[threadIdx.x * 8 + 0] = sqrtf(fabsf(v));
  out[threadIdx.x * 8 + 1] = floorf(v);
  out[threadIdx.x * 8 + 2] = fminf(v, 0.5f);
  out[threadIdx.x * 8 + 3] = fmaxf(v, __int_as_float(0x7fc00000));
  out[threadIdx.x * 8 + 4] = expf(v);
  out[threadIdx.x * 8 + 5] = logf(fabsf(v) + 1.0f);
  out[threadIdx.x * 8 + 6] = rsqrtf(fabsf(v) + 1.0f);
  out[threadIdx.x * 8 + 7] = __saturatef(v);
  unsigned u = __float_as_uint(v);
  bits[threadIdx.x * 4 + 0] = __popc(u);
  bits[threadIdx.x * 4 + 1] = __clz(u);
  bits[threadIdx.x * 4 + 2] = __brev(u);
  bits[threadIdx.x * 4 + 3] = __umulhi(u, 0x9e3779b9u);
}`;
    const xs = [0.25, -3.5, 10, 1e-3];
    const run = await runHip(source, { entry: 'k', grid: [1, 1, 1], block: [4, 1, 1], inputs: [f32Bytes(xs), new Uint8Array(4 * 8 * 4), new Uint8Array(4 * 4 * 4)] });
    expect(run.error).toBeUndefined();
    const out = asF32(run.outputs[1]!), bits = asU32(run.outputs[2]!);
    const f = Math.fround;
    xs.forEach((v, t) => {
      const x = f(v);
      expect(out[t * 8 + 0]).toBe(f(Math.sqrt(Math.abs(x))));
      expect(out[t * 8 + 1]).toBe(Math.floor(x));
      expect(out[t * 8 + 2]).toBe(Math.min(x, 0.5));
      expect(out[t * 8 + 3]).toBe(x); // fmaxf ignores the NaN operand
      expect(out[t * 8 + 4]).toBe(f(Math.exp(x)));
      expect(out[t * 8 + 5]).toBe(f(Math.log(f(Math.abs(x) + 1))));
      expect(out[t * 8 + 6]).toBe(f(1 / f(Math.sqrt(f(Math.abs(x) + 1)))));
      expect(out[t * 8 + 7]).toBe(Math.min(1, Math.max(0, x)));
      const u = new Uint32Array(new Float32Array([x]).buffer)[0]!;
      expect(bits[t * 4 + 0]).toBe(u.toString(2).split('1').length - 1);
      expect(bits[t * 4 + 1]).toBe(Math.clz32(u));
      expect(bits[t * 4 + 2]).toBe(parseInt(u.toString(2).padStart(32, '0').split('').reverse().join(''), 2));
      expect(bits[t * 4 + 3]).toBe(Number((BigInt(u) * 0x9e3779b9n) >> 32n));
    });
  });

  it('thread order comes from the seed: same seed, same bytes; other seeds expose the race', async () => {
    // Every thread writes its id to the same word: the last writer wins, so the result shows the order.
    const source = 'extern "C" __global__ void k(unsigned* out) { out[blockIdx.x] = threadIdx.x; }';
    const launch = { entry: 'k', grid: [4, 1, 1] as [number, number, number], block: [64, 1, 1] as [number, number, number], inputs: [new Uint8Array(16)] };
    const bySeed = async (seed: number) => [...asU32((await runHip(source, launch, { seed })).outputs[0]!)].join(',');
    expect(await bySeed(7)).toBe(await bySeed(7));
    const seen = new Set<string>();
    for (let seed = 1; seed <= 6; seed++) seen.add(await bySeed(seed));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('atomics see the seeded order too (return values differ by seed, totals never do)', async () => {
    const source = 'extern "C" __global__ void k(unsigned* counter, unsigned* order) { order[threadIdx.x] = atomicAdd(counter, 1u); }';
    const launch = { entry: 'k', grid: [1, 1, 1] as [number, number, number], block: [32, 1, 1] as [number, number, number], inputs: [new Uint8Array(4), new Uint8Array(128)] };
    const a = await runHip(source, launch, { seed: 1 });
    const b = await runHip(source, launch, { seed: 2 });
    expect(asU32(a.outputs[0]!)[0]).toBe(32);
    expect([...asU32(a.outputs[1]!)].sort((x, y) => x - y)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect([...asU32(a.outputs[1]!)]).not.toEqual([...asU32(b.outputs[1]!)]);
  });
});

describe('bad kernels are reported, never wrong or hung', { timeout: 300_000 }, () => {
  it('a compile error carries clang\'s diagnostic with line:column in the user\'s source', async () => {
    const error = await compileError('extern "C" __global__ void k(unsigned* out) {\n  unsigned x = 1;\n  out[0] = y;\n}\n');
    expect(error.message).toMatch(/test_kernels\.hip:3:12: error: use of undeclared identifier 'y'/);
  });

  it('a warp-level builtin or warpSize is a compile error naming it', async () => {
    expect((await compileError('extern "C" __global__ void k(unsigned* out) { out[0] = warpSize; }')).message).toMatch(/warpSize is not supported on the simulator/);
    const error = await compileError('extern "C" __global__ void k(unsigned* out) { out[0] = __shfl_down_sync(0xffffffffu, out[1], 1); }');
    expect(error.message).toMatch(/__shfl_down_sync is not supported on the simulator/);
    expect(error.message).toMatch(/test_kernels\.hip:1:/);
  });

  // The overloads nvcc 13 (sm_90) rejects, which the simulator must reject too (HIP also lacks And, Or and Xor on
  // long long, so those go as well); the control cases below compile and run.
  const notOnBoth: [string, string, string][] = [
    ['atomicSub', 'long long', '(T)3'], ['atomicSub', 'unsigned long long', '(T)3'], ['atomicAdd', 'long long', '(T)3'],
    ['atomicExch', 'long long', '(T)3'], ['atomicCAS', 'long long', '(T)0, (T)3'], ['atomicAnd', 'long long', '(T)3'],
    ['atomicOr', 'long long', '(T)3'], ['atomicXor', 'long long', '(T)3'],
  ];
  for (const [builtin, type, operands] of notOnBoth) {
    it(`${builtin} on ${type} is a compile error naming the builtin and the type (not declared by both CUDA and HIP)`, async () => {
      const error = await compileError(`typedef ${type} T;\nextern "C" __global__ void k(T* out) {\n  ${builtin}(&out[0], ${operands});\n}\n`);
      expect(error.message).toMatch(new RegExp(`${builtin} on ${type} is not supported: CUDA and HIP do not both declare it`));
      expect(error.message).toMatch(/test_kernels\.hip:3:/);
    });
  }

  it('the overloads both declare compile and run: 32-bit atomicSub (an int operand converts to unsigned), long long min/max, unsigned long long add and CAS', async () => {
    const source = `extern "C" __global__ void k(int* a, unsigned* b, long long* c, unsigned long long* d) {
  atomicSub(&a[0], 5); atomicSub(&b[0], 1);
  atomicMin(&c[0], -7LL); atomicMax(&c[1], 9LL);
  atomicAdd(&d[0], 2ull); atomicCAS(&d[1], 0ull, 5ull);
}`;
    const run = await runHip(source, {
      entry: 'k', grid: [1, 1, 1], block: [4, 1, 1], constants: [],
      inputs: [u32Bytes([100]), u32Bytes([0]), u32Bytes([0, 0, 0, 0]), u32Bytes([0, 0, 0, 0])],
    });
    expect(run.error).toBeUndefined();
    expect([...asU32(run.outputs[0]!)]).toEqual([80]);
    expect([...asU32(run.outputs[1]!)]).toEqual([0xfffffffc]);
    expect([...asU32(run.outputs[2]!)]).toEqual([0xfffffff9, 0xffffffff, 9, 0]);
    expect([...asU32(run.outputs[3]!)]).toEqual([8, 0, 5, 0]);
  });

  it('a scalar before a pointer is a compile error explaining the signature rule', async () => {
    expect((await compileError('extern "C" __global__ void k(unsigned n, unsigned* out) { out[0] = n; }')).message)
      .toMatch(/must list every pointer \(binding\) before the scalars/);
  });

  it('a source without a kernel, or calling an undefined function, is rejected', async () => {
    expect((await compileError('__device__ int f() { return 1; }')).message).toMatch(/no __global__ kernel found/);
    expect((await compileError('extern "C" int host_only(int);\nextern "C" __global__ void k(int* out) { out[0] = host_only(out[1]); }')).message)
      .toMatch(/calls host_only, which is declared but never defined/);
  });

  it('an out-of-bounds store is a fault naming the entry point, binding, offset and workgroup', async () => {
    const source = 'extern "C" __global__ void k(const unsigned* in, unsigned* out, unsigned n) { unsigned i = blockIdx.x * blockDim.x + threadIdx.x; out[i] = in[i % n] + 1; }';
    const run = await runHip(source, { entry: 'k', grid: [3, 1, 1], block: [16, 1, 1], inputs: [u32Bytes(new Array(16).fill(5)), new Uint8Array(40 * 4)], bindingBytes: [64, 40 * 4], constants: [16] });
    expect(run.error).toBeInstanceOf(HalError);
    // Threads run in a seeded order: the first to fault is one of i = 40..47 (byte offsets 160..188).
    const match = /kernel fault in entry point 'k'.*out-of-bounds access to binding 1 at byte offset (\d+), length 4.*workgroup \(2, 0, 0\)/.exec(String(run.error));
    expect(match, String(run.error)).not.toBeNull();
    expect(Number(match![1]) % 4).toBe(0);
    expect(Number(match![1])).toBeGreaterThanOrEqual(160);
    expect(Number(match![1])).toBeLessThan(192);
  });

  it('an access outside every binding, shared memory and the stack names no binding', async () => {
    const source = 'extern "C" __global__ void k(unsigned* out) { out[threadIdx.x * 1000000] = 1; }';
    const run = await runHip(source, { entry: 'k', grid: [1, 1, 1], block: [2, 1, 1], inputs: [new Uint8Array(16)] });
    expect(String(run.error)).toMatch(/at device address 0x[0-9a-f]+: no binding, shared memory or stack of this thread holds it, workgroup \(0, 0, 0\)/);
  });

  it('with memory checks off the same kernel is not checked (and runs)', async () => {
    const source = 'extern "C" __global__ void k(unsigned* out) { out[threadIdx.x + 1] = 7; }';
    const launch = { entry: 'k', grid: [1, 1, 1] as [number, number, number], block: [4, 1, 1] as [number, number, number], inputs: [new Uint8Array(32)], bindingBytes: [16] };
    expect(String((await runHip(source, launch)).error)).toMatch(/out-of-bounds access to binding 0 at byte offset 16/);
    const unchecked = await runHip(source, launch, { kernelMemoryChecks: false });
    expect(unchecked.error).toBeUndefined();
    expect([...asU32(unchecked.outputs[0]!)]).toEqual([0, 7, 7, 7, 7, 0, 0, 0]);
  });

  it('a barrier that some threads never reach is a barrier divergence fault, not a hang', async () => {
    const source = 'extern "C" __global__ void k(unsigned* out) { if (threadIdx.x < 4) { __syncthreads(); } out[threadIdx.x] = 1; }';
    const run = await runHip(source, { entry: 'k', grid: [1, 1, 1], block: [8, 1, 1], inputs: [new Uint8Array(32)] });
    expect(String(run.error)).toMatch(/kernel fault in entry point 'k'.*barrier divergence: some threads finished while others waited at __syncthreads\(\)/);
  });

  it('an endless loop is stopped by the loop budget and reported', async () => {
    const source = 'extern "C" __global__ void k(volatile unsigned* flag) { while (flag[0] == 0) { } }';
    const run = await runHip(source, { entry: 'k', grid: [1, 1, 1], block: [1, 1, 1], inputs: [new Uint8Array(4)] });
    expect(String(run.error)).toMatch(/kernel fault in entry point 'k'.*exceeded its loop budget/);
  });

  it('a launch with fewer bindings or constants than the kernel reads is a fault', async () => {
    const source = 'extern "C" __global__ void k(unsigned* a, unsigned* b, unsigned n) { a[0] = n; b[0] = n; }';
    const run = await runHip(source, { entry: 'k', grid: [1, 1, 1], block: [1, 1, 1], inputs: [new Uint8Array(4)], constants: [1] });
    expect(String(run.error)).toMatch(/access to binding 1, but the launch has 1 binding/);
  });
});

describe('without the optional compiler', () => {
  it('loading the compiler package fails with UNAVAILABLE naming the package and how to install it', async () => {
    const { importClang } = await import('../../../../src/backends/sim/hipc/clang.js');
    const error = await importClang('@yowasp/clang-not-installed').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HalError);
    expect((error as HalError).code).toBe(StatusCode.UNAVAILABLE);
    expect((error as HalError).message).toMatch(/needs the optional package @yowasp\/clang-not-installed .*npm install @yowasp\/clang-not-installed binaryen/);
  });
});
