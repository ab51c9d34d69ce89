// 64-bit kernel parameters: size_t, long, long long and double take two push-constant words, low word first, at
// their natural (8-byte) alignment after the bindings — the GPU's own parameter layout, which the hip backend
// points its kernel arguments into, so one manifest and one set of constants run on both.
import { describe, expect, it } from 'vitest';
import { HalError, StatusCode } from '../../../../src/core/errors.js';
import { asU32, runHip } from '../../../helpers/hipc.js';

const words64 = (v: bigint): [number, number] => [Number(v & 0xffffffffn), Number(v >> 32n)];
const f64Words = (x: number): [number, number] => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x, true);
  return [view.getUint32(0, true), view.getUint32(4, true)];
};

describe('64-bit kernel parameters on the simulator', { timeout: 300_000 }, () => {
  it('size_t n and a double, after a 32-bit scalar (one padding word), reach the kernel whole', async () => {
    const source = `
extern "C" __global__ void k(unsigned long long* out, unsigned tag, size_t n, double scale) {
  size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
  if (i >= 4) return;
  out[i * 4 + 0] = n;
  out[i * 4 + 1] = (unsigned long long)(scale * (double)(i + 1));
  out[i * 4 + 2] = tag;
  out[i * 4 + 3] = sizeof(n) * 1000 + sizeof(long) * 100 + sizeof(size_t) * 10 + sizeof(ptrdiff_t);
}`;
    const n = 0x1234_5678_9abcn;
    // words: tag, padding, n (low, high), scale (low, high)
    const constants = [7, 0, ...words64(n), ...f64Words(1e12 + 0.5)];
    const run = await runHip(source, { entry: 'k', grid: [1, 1, 1], block: [8, 1, 1], inputs: [new Uint8Array(4 * 4 * 8)], constants });
    expect(run.error).toBeUndefined();
    const out = new BigUint64Array(run.outputs[0]!.buffer, run.outputs[0]!.byteOffset, 16);
    for (let i = 0; i < 4; i++) {
      expect(out[i * 4]).toBe(n);
      expect(out[i * 4 + 1]).toBe(BigInt(Math.trunc((1e12 + 0.5) * (i + 1))));
      expect(out[i * 4 + 2]).toBe(7n);
      expect(out[i * 4 + 3]).toBe(8888n);
    }
  });

  it('long and unsigned long are 64-bit as on the GPU, and so are 1L-style literals', async () => {
    const source = `
extern "C" __global__ void k(unsigned* out, long a, unsigned long b) {
  long s = a + (long)b;                 // overflows 32 bits
  out[0] = (unsigned)(s >> 32);
  out[1] = (unsigned)s;
  out[2] = (unsigned)((1UL << 40) >> 32);
  out[3] = (unsigned)(sizeof(1L) + sizeof(unsigned long int) + sizeof(long long) + sizeof(long double) / 16);
}`;
    const run = await runHip(source, { entry: 'k', grid: [1, 1, 1], block: [1, 1, 1], inputs: [new Uint8Array(16)],
      constants: [...words64(-(3n << 33n) & 0xffff_ffff_ffff_ffffn), ...words64(0xffff_ffffn)] });
    expect(run.error).toBeUndefined();
    const s = -(3n << 33n) + 0xffff_ffffn;
    expect([...asU32(run.outputs[0]!)]).toEqual([Number((s >> 32n) & 0xffffffffn), Number(s & 0xffffffffn), 256, 25]);
  });

  it('a launch with too few constant words for a 64-bit parameter is a fault naming the push constant', async () => {
    const source = 'extern "C" __global__ void k(unsigned* out, size_t n) { out[0] = (unsigned)n; }';
    const run = await runHip(source, { entry: 'k', grid: [1, 1, 1], block: [1, 1, 1], inputs: [new Uint8Array(4)], constants: [5] });
    expect(String(run.error)).toMatch(/push constant 1, but the launch has 1 constant/);
  });

  it('a 1- or 2-byte scalar parameter is a compile error (push constants are whole words)', async () => {
    const error = await runHip('extern "C" __global__ void k(unsigned* out, short s) { out[0] = s; }',
      { entry: 'k', grid: [1, 1, 1], block: [1, 1, 1], inputs: [new Uint8Array(4)], constants: [1] }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HalError);
    expect((error as HalError).code).toBe(StatusCode.INVALID_ARGUMENT);
    expect((error as HalError).message).toMatch(/must be 4 or 8 bytes/);
  });
});
