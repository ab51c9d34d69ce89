// In-range chunks version a loop per integer parameter: kernels with many parameters, integer ones anywhere,
// must still compile and run (the version is named by the parameter index, which may exceed 31).
import { describe, expect, it } from 'vitest';
import { asU32, runHip, u32Bytes } from '../../../helpers/hipc.js';

describe('in-range chunks: kernels with many parameters', { timeout: 300_000 }, () => {
  it('a kernel with 33 int parameters compiles and runs', async () => {
    const source = String.raw`extern "C" __global__ void many(unsigned* out, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int a12, int a13, int a14, int a15, int a16, int a17, int a18, int a19, int a20, int a21, int a22, int a23, int a24, int a25, int a26, int a27, int a28, int a29, int a30, int a31, int a32) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < (unsigned)a32) out[i] = (unsigned)(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15 + a16 + a17 + a18 + a19 + a20 + a21 + a22 + a23 + a24 + a25 + a26 + a27 + a28 + a29 + a30 + a31 + a32);
}`;
    const constants = Array.from({ length: 33 }, (_v, i) => (i === 32 ? 100 : i));
    const run = await runHip(source, { entry: 'many', grid: [2, 1, 1], block: [64, 1, 1], inputs: [u32Bytes(new Array(128).fill(0))], constants });
    expect(run.error).toBeUndefined();
    const sum = constants.reduce((a, b) => a + b, 0);
    expect([...asU32(run.outputs[0]!)]).toEqual(Array.from({ length: 128 }, (_v, i) => (i < 100 ? sum : 0)));
  });
  it('control: the same kernel with 33 float parameters (no in-range chunk) compiles and runs', async () => {
    const source = String.raw`extern "C" __global__ void many_f(unsigned* out, float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11, float a12, float a13, float a14, float a15, float a16, float a17, float a18, float a19, float a20, float a21, float a22, float a23, float a24, float a25, float a26, float a27, float a28, float a29, float a30, float a31, float a32) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < 100u) out[i] = (unsigned)(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15 + a16 + a17 + a18 + a19 + a20 + a21 + a22 + a23 + a24 + a25 + a26 + a27 + a28 + a29 + a30 + a31 + a32);
}`;
    const constants = Array.from({ length: 33 }, () => 0x3f800000);
    const run = await runHip(source, { entry: 'many_f', grid: [2, 1, 1], block: [64, 1, 1], inputs: [u32Bytes(new Array(128).fill(0))], constants });
    expect(run.error).toBeUndefined();
    expect([...asU32(run.outputs[0]!)]).toEqual(Array.from({ length: 128 }, (_v, i) => (i < 100 ? 33 : 0)));
  });

  it('a kernel with 33 parameters, its only integer one first, compiles', async () => {
    const source = String.raw`extern "C" __global__ void many_first(unsigned* out, int n, float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7, float a8, float a9, float a10, float a11, float a12, float a13, float a14, float a15, float a16, float a17, float a18, float a19, float a20, float a21, float a22, float a23, float a24, float a25, float a26, float a27, float a28, float a29, float a30, float a31) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < (unsigned)n) out[i] = (unsigned)(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15 + a16 + a17 + a18 + a19 + a20 + a21 + a22 + a23 + a24 + a25 + a26 + a27 + a28 + a29 + a30 + a31);
}`;
    const constants = [100, ...Array.from({ length: 32 }, () => 0x3f800000)];
    const run = await runHip(source, { entry: 'many_first', grid: [2, 1, 1], block: [64, 1, 1], inputs: [u32Bytes(new Array(128).fill(0))], constants });
    expect(run.error).toBeUndefined();
    expect([...asU32(run.outputs[0]!)]).toEqual(Array.from({ length: 128 }, (_v, i) => (i < 100 ? 32 : 0)));
  });
});
