// Every sample kernel, compiled to real WebAssembly, against its TypeScript reference: random inputs of awkward
// sizes, several dispatch shapes, wrapping arithmetic, SIMD tails and workgroup-order independence.
import { describe, expect, it } from 'vitest';
import { sampleKernelSpecs } from '../../src/kernels/kernel_specs.js';
import { f32Bits } from '../../src/kernels/reference.js';
import { expectSameOutputs, newRunner, randomCase, randomF32Bytes, referenceOutputs, runKernel } from '../helpers/kernels.js';

const caseFor = randomCase;

const sizes = [0, 1, 3, 4, 5, 7, 255, 256, 257, 1000, 4099];

describe('sample kernels match their references', () => {
  const runner = newRunner();

  it('the module exports exactly the specified entry points', () => {
    expect(runner.entryNames().sort()).toEqual(sampleKernelSpecs.map((s) => s.name).sort());
  });

  for (const spec of sampleKernelSpecs) {
    it(`${spec.name} on sizes ${sizes.join(', ')}`, () => {
      for (const count of sizes) {
        const { inputs, constants } = caseFor(spec.name, count, 11);
        const run = runKernel(runner, spec.name, inputs, constants);
        expect(run.fault, `${spec.name} count ${count}`).toBeUndefined();
        expect(run.guardsIntact, `${spec.name} count ${count} guards`).toBe(true);
        const expected = referenceOutputs(spec.name, inputs, constants);
        expectSameOutputs(expect, run.outputs, expected, `${spec.name} count ${count}`);
        // The run must have changed something whenever there was work to do (the test would be vacuous else).
        if (count > 0) expect(expected.some((e, i) => !e.every((v, j) => v === inputs[i]![j]))).toBe(true);
      }
    });

    it(`${spec.name} with a 3-D grid of 3-D workgroups (ids are linear, x fastest)`, () => {
      const size: [number, number, number] = [5, 3, 2]; // 30 invocations: not a multiple of 4
      const grid: [number, number, number] = [3, 2, 2];
      const count = 30 * 12 - 7;
      const { inputs, constants } = caseFor(spec.name, count, 5);
      const run = runKernel(runner, spec.name, inputs, constants, { workgroupSize: size, workgroupCount: grid });
      expect(run.fault).toBeUndefined();
      expect(run.guardsIntact).toBe(true);
      expectSameOutputs(expect, run.outputs, referenceOutputs(spec.name, inputs, constants), spec.name);
    });

    it(`${spec.name} with fewer invocations than elements processes only the first ones`, () => {
      const count = 1000;
      const { inputs, constants } = caseFor(spec.name, count, 3);
      const run = runKernel(runner, spec.name, inputs, constants, { workgroupSize: [64, 1, 1], workgroupCount: [10, 1, 1] });
      expect(run.fault).toBeUndefined();
      expectSameOutputs(expect, run.outputs, referenceOutputs(spec.name, inputs, constants, 640), spec.name);
      // And the elements past the dispatch really were left alone where the kernel overwrites.
      if (!spec.accumulates) expectSameOutputs(expect, run.outputs.map((o) => o.subarray(640 * 4)), inputs.map((i) => i.subarray(640 * 4)), `${spec.name} tail`);
    });
  }
});

describe('arithmetic edge cases', () => {
  const runner = newRunner();
  const i32 = (values: number[]): Uint8Array => new Uint8Array(Int32Array.from(values).buffer);

  it('add_i32 wraps around in two\'s complement', () => {
    const a = i32([0x7fffffff, -0x80000000, -1, 0x40000000, 5]);
    const b = i32([1, -1, -1, 0x40000000, -7]);
    const run = runKernel(runner, 'add_i32', [a, b, new Uint8Array(20)], [5]);
    expect(Array.from(new Int32Array(run.outputs[2]!.buffer))).toEqual([-0x80000000, 0x7fffffff, -2, -0x80000000, -2]);
  });

  it('scale_i32 keeps the low 32 bits of the product', () => {
    const x = i32([0x10000, 0x7fffffff, -3, 123456789, 0, 1, 2]);
    const k = 0x10001;
    const run = runKernel(runner, 'scale_i32', [x], [k, 7]);
    const expected = [0x10000, 0x7fffffff, -3, 123456789, 0, 1, 2].map((v) => Math.imul(v, k));
    expect(Array.from(new Int32Array(run.outputs[0]!.buffer))).toEqual(expected);
    expect(expected[0]).toBe(0x10000); // 0x10000 * 0x10001 = 0x1_0001_0000 → low bits 0x0001_0000
  });

  it('saxpy_f32 rounds the product to f32 before adding (no fused multiply-add)', () => {
    // a * x is not representable in f32; fusing would keep its low bits and change y.
    const a = 1 + 2 ** -12;
    const x = new Float32Array([1 + 2 ** -12, 3, 1e-3, 7]);
    const y = new Float32Array([-(1 + 2 ** -11), 1, 2, 3]);
    const run = runKernel(runner, 'saxpy_f32', [new Uint8Array(x.buffer.slice(0)), new Uint8Array(y.buffer.slice(0))], [f32Bits(a), 4]);
    const out = new Float32Array(run.outputs[1]!.buffer);
    expect(out[0]).toBe(0); // rounded: (1 + 2^-11 + 2^-24) → 1 + 2^-11; fused would give 2^-24
    expect(Array.from(out)).toEqual(Array.from(new Float32Array(referenceOutputs('saxpy_f32', [new Uint8Array(x.buffer), new Uint8Array(y.buffer)], [f32Bits(a), 4])[1]!.buffer)));
  });

  it('saxpy_f32 handles every SIMD tail length and unaligned spans (workgroup size 7)', () => {
    for (let count = 1; count <= 40; count++) {
      const inputs = [randomF32Bytes(count, count), randomF32Bytes(count, count + 100)];
      const constants = [f32Bits(-2.5), count];
      const run = runKernel(runner, 'saxpy_f32', inputs, constants, { workgroupSize: [7, 1, 1], workgroupCount: [Math.ceil(count / 7), 1, 1] });
      expect(run.guardsIntact, `count ${count}`).toBe(true);
      expectSameOutputs(expect, run.outputs, referenceOutputs('saxpy_f32', inputs, constants), `count ${count}`);
    }
  });
});

describe('accumulating kernels do not depend on workgroup order', () => {
  const runner = newRunner();
  const orders = ['forward', 'reverse', { seed: 1 }, { seed: 99 }, { seed: 12345 }] as const;

  for (const name of ['histogram_u8', 'reduce_sum_u32'] as const) {
    it(`${name} gives the reference result in every order`, () => {
      const count = 256 * 37 + 19;
      const { inputs, constants } = caseFor(name, count, 21);
      const expected = referenceOutputs(name, inputs, constants);
      for (const order of orders) {
        const run = runKernel(runner, name, inputs, constants, { workgroupSize: [256, 1, 1], order });
        expect(run.fault).toBeUndefined();
        expectSameOutputs(expect, run.outputs, expected, JSON.stringify(order));
      }
    });
  }

  it('histogram_u8 counts a skewed input exactly', () => {
    const bytes = new Uint8Array(5000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 3 === 0 ? 200 : i % 7;
    const run = runKernel(runner, 'histogram_u8', [bytes, new Uint8Array(1024)], [bytes.length], { order: { seed: 7 } });
    const bins = new Uint32Array(run.outputs[1]!.buffer);
    expect(bins[200]).toBe(Math.ceil(5000 / 3));
    expect(bins.reduce((s, v) => s + v, 0)).toBe(5000);
  });
});
