// Kernels given too-small bindings, missing bindings/constants or too little shared memory report a fault in the
// argument block (kind, binding, offset, length) and write nothing outside their bindings.
import { describe, expect, it } from 'vitest';
import { SHARED_SCRATCH_BINDING } from '../../src/kernels/direct_runner.js';
import { f32Bits } from '../../src/kernels/reference.js';
import { firstDifference, newRunner, randomBytes, randomF32Bytes, referenceOutputs, runKernel } from '../helpers/kernels.js';

describe('out-of-bounds bindings fault instead of touching other memory', () => {
  const runner = newRunner();

  it('saxpy_f32 with y shorter than count: fault names binding 1 and the failing workgroup span', () => {
    const count = 1030;
    const x = randomF32Bytes(count, 1);
    const y = randomF32Bytes(count, 2);
    const shortY = 1000 * 4;
    const run = runKernel(runner, 'saxpy_f32', [x, y], [f32Bits(3), count], { byteLengths: [x.byteLength, shortY] });
    // Workgroups 0..2 (elements 0..767) ran; workgroup 3 covers elements 768..1023, bytes 3072..4096 of a
    // 4000-byte y, so it faults and the dispatch stops there.
    expect(run.fault).toEqual({ kind: 'out-of-bounds', code: 1, binding: 1, byteOffset: 3072, byteLength: 1024, workgroup: [3, 0, 0] });
    expect(run.guardsIntact).toBe(true);
    const expected = referenceOutputs('saxpy_f32', [x, y], [f32Bits(3), 768]);
    expect(firstDifference(run.outputs[1]!, expected[1]!)).toBe(-1); // the faulting workgroup wrote nothing
    expect(firstDifference(run.outputs[1]!.subarray(3072), y.subarray(3072))).toBe(-1);
  });

  it('copy_u32 checks every binding before writing: a short source leaves the destination untouched', () => {
    const count = 100;
    const src = randomBytes(count * 4, 3);
    const dst = randomBytes(count * 4, 4);
    const run = runKernel(runner, 'copy_u32', [src, dst], [count], { byteLengths: [count * 4 - 1, count * 4] });
    expect(run.fault).toMatchObject({ kind: 'out-of-bounds', binding: 0, byteOffset: 0, byteLength: 400 });
    expect(firstDifference(run.outputs[1]!, dst)).toBe(-1);
    expect(run.guardsIntact).toBe(true);
  });

  it('histogram_u8 with fewer than 256 bins faults on binding 1', () => {
    const bytes = randomBytes(300, 5);
    const run = runKernel(runner, 'histogram_u8', [bytes, new Uint8Array(1024)], [300], { byteLengths: [300, 1020] });
    expect(run.fault).toMatchObject({ kind: 'out-of-bounds', binding: 1, byteOffset: 0, byteLength: 1024, workgroup: [0, 0, 0] });
    expect(run.outputs[1]!.every((v) => v === 0)).toBe(true);
    expect(run.guardsIntact).toBe(true);
  });

  it('histogram_u8 without enough shared memory faults on the shared scratch', () => {
    const bytes = randomBytes(300, 6);
    const run = runKernel(runner, 'histogram_u8', [bytes, new Uint8Array(1024)], [300], { sharedMemoryBytes: 512 });
    expect(run.fault).toMatchObject({ kind: 'out-of-bounds', binding: SHARED_SCRATCH_BINDING, byteOffset: 0, byteLength: 1024 });
    expect(run.outputs[1]!.every((v) => v === 0)).toBe(true);
  });

  it('a missing binding is a bad-binding fault naming its index', () => {
    runner.reset();
    const out = runner.alloc(64);
    const fault = runner.dispatch({
      entry: 'add_i32', workgroupCount: [1, 1, 1], workgroupSize: [16, 1, 1],
      bindings: [{ ptr: out, byteLength: 64 }, { ptr: out, byteLength: 64 }], constants: [16],
    });
    expect(fault).toMatchObject({ kind: 'bad-binding', binding: 2 });
  });

  it('a missing push constant is a bad-constant fault naming its index, before any write', () => {
    runner.reset();
    const data = randomBytes(64, 7);
    const b = runner.upload(data);
    const fault = runner.dispatch({
      entry: 'fill_u32', workgroupCount: [1, 1, 1], workgroupSize: [16, 1, 1], bindings: [b], constants: [0xdead],
    });
    expect(fault).toMatchObject({ kind: 'bad-constant', binding: 1 });
    expect(firstDifference(runner.read(b.ptr, 64), data)).toBe(-1);
  });

  it('byte offsets past 4 GiB cannot wrap back into the binding (64-bit bounds math)', () => {
    // Workgroup 2^22 of 256 invocations starts at element 2^30, byte offset 2^32: in 32-bit arithmetic that is 0,
    // which would pass the bounds check and overwrite the start of the binding.
    runner.reset();
    const data = randomBytes(1024, 8);
    const b = runner.upload(data);
    const fault = runner.dispatch({
      entry: 'fill_u32', workgroupCount: [(1 << 22) + 1, 1, 1], workgroupSize: [256, 1, 1],
      bindings: [b], constants: [0x11111111, 0xffffffff], order: { only: [[1 << 22, 0, 0]] },
    });
    expect(fault).toMatchObject({ kind: 'out-of-bounds', binding: 0, byteOffset: 0xffffffff, byteLength: 1024 });
    expect(firstDifference(runner.read(b.ptr, 1024), data)).toBe(-1);
  });

  it('a 3-D grid whose linear invocation ids exceed 2^32 is computed without wrapping', () => {
    // Workgroup (0, 0, 1) of a 65536 x 256 x 2 grid of 256 invocations starts at element 2^32: with 32-bit ids it
    // would alias element 0 and (count = 2^32 - 1 notwithstanding) write it; with 64-bit ids it is past `count`.
    runner.reset();
    const data = randomBytes(1024, 9);
    const b = runner.upload(data);
    const fault = runner.dispatch({
      entry: 'fill_u32', workgroupCount: [65536, 256, 2], workgroupSize: [256, 1, 1],
      bindings: [b], constants: [0x22222222, 0xffffffff], order: { only: [[0, 0, 1]] },
    });
    expect(fault).toBeUndefined(); // every id in that workgroup is ≥ count: nothing to do, nothing touched
    expect(firstDifference(runner.read(b.ptr, 1024), data)).toBe(-1);
  });
});
