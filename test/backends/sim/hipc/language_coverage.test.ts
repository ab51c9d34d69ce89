// The rest of the HIP device language real kernels use: 64-bit atomics on shared memory (signed and unsigned),
// float atomics, atomicInc/atomicDec, every __threadfence, the voting barriers, and warp-level builtins rejected
// at compile time by name.
import { describe, expect, it } from 'vitest';
import { HalError, StatusCode } from '../../../../src/core/errors.js';
import { asU32, runHip } from '../../../helpers/hipc.js';

describe('HIP-C language coverage on the simulator', { timeout: 300_000 }, () => {
  it('64-bit atomics on shared memory (signed min/max too), float atomicAdd, atomicInc and atomicDec', async () => {
    const source = `
extern "C" __global__ void k(long long* out, float* f, unsigned* wrap) {
  __shared__ unsigned long long u[6];
  __shared__ long long s[2];
  __shared__ float fs;
  unsigned t = threadIdx.x;
  if (t == 0) { u[0] = 0; u[1] = ~0ull; u[2] = 0; u[3] = ~0ull; u[4] = 0; u[5] = 0; s[0] = 0; s[1] = 0; fs = 0.0f; }
  __syncthreads();
  long long v = (long long)t - 40;                    // -40 .. 23: signed order matters
  unsigned long long w = (unsigned long long)(t + 1) << 33;
  atomicAdd(&u[0], w);
  atomicMin(&u[1], w);
  atomicMax(&u[2], w);
  atomicAnd(&u[3], ~w);
  atomicOr(&u[4], w);
  atomicCAS(&u[5], 0ull, w);                          // exactly one thread wins
  atomicMin(&s[0], v);
  atomicMax(&s[1], v);
  atomicAdd(&fs, (float)t);                           // small integers: exact in any order
  atomicAdd(&f[0], 1.0f);
  atomicInc(&wrap[0], 9u);                            // 64 increments modulo 10
  atomicDec(&wrap[1], 9u);
  __syncthreads();
  if (t == 0) {
    for (int i = 0; i < 6; i++) out[i] = (long long)u[i];
    out[6] = s[0]; out[7] = s[1]; out[8] = (long long)fs;
  }
}`;
    const run = await runHip(source, { entry: 'k', grid: [1, 1, 1], block: [64, 1, 1], inputs: [new Uint8Array(9 * 8), new Uint8Array(4), new Uint8Array(8)] });
    expect(run.error).toBeUndefined();
    const out = new BigInt64Array(run.outputs[0]!.buffer, run.outputs[0]!.byteOffset, 9);
    const ws = Array.from({ length: 64 }, (_, t) => BigInt(t + 1) << 33n);
    expect(BigInt.asUintN(64, out[0]!)).toBe(ws.reduce((a, b) => a + b, 0n));
    expect(BigInt.asUintN(64, out[1]!)).toBe(ws[0]);
    expect(BigInt.asUintN(64, out[2]!)).toBe(ws[63]);
    expect(BigInt.asUintN(64, out[3]!)).toBe(ws.reduce((a, w) => a & ~w & 0xffff_ffff_ffff_ffffn, 0xffff_ffff_ffff_ffffn));
    expect(BigInt.asUintN(64, out[4]!)).toBe(ws.reduce((a, w) => a | w, 0n));
    expect(ws).toContain(BigInt.asUintN(64, out[5]!));
    expect([out[6], out[7], out[8]]).toEqual([-40n, 23n, BigInt((63 * 64) / 2)]);
    expect(new Float32Array(run.outputs[1]!.buffer, run.outputs[1]!.byteOffset, 1)[0]).toBe(64);
    // atomicInc: 64 steps of (old >= 9 ? 0 : old + 1) from 0; atomicDec: (old == 0 || old > 9 ? 9 : old - 1) from 0.
    expect([...asU32(run.outputs[2]!)]).toEqual([64 % 10, (10 - (64 % 10)) % 10]);
  });

  it('__threadfence, __threadfence_block and __threadfence_system order a kernel\'s own stores', async () => {
    const source = `
extern "C" __global__ void k(unsigned* data, volatile unsigned* flag) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  data[i] = i * 3; __threadfence_block();
  data[i] += 1;    __threadfence();
  data[i] += 1;    __threadfence_system();
  if (i == 0) flag[0] = 1;
}`;
    const run = await runHip(source, { entry: 'k', grid: [2, 1, 1], block: [16, 1, 1], inputs: [new Uint8Array(32 * 4), new Uint8Array(4)] });
    expect(run.error).toBeUndefined();
    expect([...asU32(run.outputs[0]!)]).toEqual(Array.from({ length: 32 }, (_, i) => i * 3 + 2));
    expect(asU32(run.outputs[1]!)[0]).toBe(1);
  });

  it('__syncthreads_count, __syncthreads_and and __syncthreads_or vote across the workgroup, again and again', async () => {
    const source = `
extern "C" __global__ void k(unsigned* out) {
  unsigned t = threadIdx.x + blockDim.x * threadIdx.y;
  unsigned b = blockIdx.x;
  unsigned acc = 0;
  for (unsigned round = 0; round < 3; round++) acc += (unsigned)__syncthreads_count(t % (round + 2) == 0);
  int all = __syncthreads_and(t < 1000);
  int none = __syncthreads_or(t == 1000);
  int some = __syncthreads_and(t != 5);
  if (t == 0) { out[b * 4] = acc; out[b * 4 + 1] = all; out[b * 4 + 2] = none; out[b * 4 + 3] = some; }
}`;
    const run = await runHip(source, { entry: 'k', grid: [2, 1, 1], block: [8, 4, 1], inputs: [new Uint8Array(2 * 4 * 4)] });
    expect(run.error).toBeUndefined();
    // 32 threads: multiples of 2 (16), of 3 (11), of 4 (8).
    expect([...asU32(run.outputs[0]!)]).toEqual([35, 1, 0, 0, 35, 1, 0, 0]);
  });

  it.each(['__ballot(1)', '__any(1)', '__activemask()', '__shfl_xor(1, 1)', '__syncwarp()'])('%s is a compile error naming the builtin', async (call) => {
    const name = call.slice(0, call.indexOf('('));
    const error = await runHip(`extern "C" __global__ void k(unsigned* out) {\n  out[0] = (unsigned)${call};\n}`,
      { entry: 'k', grid: [1, 1, 1], block: [1, 1, 1], inputs: [new Uint8Array(4)] }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HalError);
    expect((error as HalError).code).toBe(StatusCode.INVALID_ARGUMENT);
    expect((error as HalError).message).toContain(`${name} is not supported on the simulator`);
    expect((error as HalError).message).toMatch(/test_kernels\.hip:2:/);
  });
});
