// The HIP-C kernels of kernels/*.hip, compiled to WebAssembly by the real clang and run on the simulator, against
// their TypeScript references. The same files run through nvrtc/hiprtc on a GPU in test/kernels/gpu.
import { describe, expect, it } from 'vitest';
import { asF32, asU32, f32Bytes, runHip, u32Bytes } from '../../../helpers/hipc.js';
import {
  atomics32, atomics64, histogram, inclusiveScan, kernelSource, matmul, randomF32, randomU32, reduceTree, rng,
  softmaxRows, sortSegments, ulpDistance,
} from '../../../helpers/hipc_references.js';

const f32Word = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0]!;
const blocksFor = (count: number, block: number) => Math.max(1, Math.ceil(count / block));

// The first compile of each file is cold (clang and binaryen load, then compile: seconds on a busy machine).
describe('HIP-C kernels on the simulator match their references', { timeout: 300_000 }, () => {
  it.each([1, 255, 256, 1000, 4099])('reduce_tree_u32 over %i elements', async (count) => {
    const values = randomU32(count, count);
    const blocks = blocksFor(count, 256);
    const run = await runHip(kernelSource('reduce.hip'), {
      entry: 'reduce_tree_u32', grid: [blocks, 1, 1], block: [256, 1, 1],
      inputs: [u32Bytes(values), new Uint8Array(blocks * 4)], constants: [count],
    });
    expect(run.error).toBeUndefined();
    expect([...asU32(run.outputs[1]!)]).toEqual([...reduceTree(values, 256, blocks)]);
  });

  it.each([1, 64, 1000, 3000])('scan_block_u32 + scan_add_offsets_u32 over %i elements', async (count) => {
    const values = randomU32(count, 7 + count, 0xffff);
    const block = 128;
    const blocks = blocksFor(count, block);
    const first = await runHip(kernelSource('scan.hip'), {
      entry: 'scan_block_u32', grid: [blocks, 1, 1], block: [block, 1, 1],
      inputs: [u32Bytes(values), new Uint8Array(count * 4), new Uint8Array(blocks * 4)], constants: [count],
    });
    expect(first.error).toBeUndefined();
    // The workgroup totals are scanned on the host (they are few), then added by the second kernel.
    const sums = inclusiveScan(asU32(first.outputs[2]!));
    const second = await runHip(kernelSource('scan.hip'), {
      entry: 'scan_add_offsets_u32', grid: [blocks, 1, 1], block: [block, 1, 1],
      inputs: [first.outputs[1]!, u32Bytes(sums)], constants: [count],
    });
    expect(second.error).toBeUndefined();
    expect([...asU32(second.outputs[0]!)]).toEqual([...inclusiveScan(values)]);
  });

  it.each([[16, 16, 16], [33, 17, 45], [64, 48, 80]])('matmul_tiled_f32 %i×%i×%i is bit-exact', async (m, n, k) => {
    const a = randomF32(m * k, m * 31 + k, 4);
    const b = randomF32(k * n, n * 17 + k, 4);
    const run = await runHip(kernelSource('matmul.hip'), {
      entry: 'matmul_tiled_f32', grid: [Math.ceil(n / 16), Math.ceil(m / 16), 1], block: [16, 16, 1],
      inputs: [f32Bytes(a), f32Bytes(b), new Uint8Array(m * n * 4)], constants: [m, n, k],
    });
    expect(run.error).toBeUndefined();
    expect([...asU32(run.outputs[2]!)]).toEqual([...new Uint32Array(matmul(a, b, m, n, k).buffer)]);
  });

  it.each([0, 1, 1000, 100000])('histogram_u64 over %i bytes (shared 32-bit and global 64-bit atomics)', async (count) => {
    const next = rng(count + 3);
    // Skewed bytes, so some bins are hot and the counts differ between bins.
    const bytes = Uint8Array.from({ length: count }, () => (next() % 7 === 0 ? 42 : next() & 0xff));
    const run = await runHip(kernelSource('histogram.hip'), {
      entry: 'histogram_u64', grid: [8, 1, 1], block: [128, 1, 1],
      inputs: [bytes.length > 0 ? bytes : new Uint8Array(4), new Uint8Array(256 * 8)], constants: [count],
    });
    expect(run.error).toBeUndefined();
    const bins = new BigUint64Array(run.outputs[1]!.buffer, run.outputs[1]!.byteOffset, 256);
    expect([...bins]).toEqual([...histogram(bytes)]);
  });

  it('softmax_rows_f32 is within 2 ulp of the reference (expf), rows sum to 1', async () => {
    const rows = 9, cols = 300, block = 64;
    const x = randomF32(rows * cols, 99, 20);
    const run = await runHip(kernelSource('softmax.hip'), {
      entry: 'softmax_rows_f32', grid: [rows, 1, 1], block: [block, 1, 1], sharedMemoryBytes: block * 4,
      inputs: [f32Bytes(x), new Uint8Array(rows * cols * 4)], constants: [cols],
    });
    expect(run.error).toBeUndefined();
    const got = asF32(run.outputs[1]!);
    const want = softmaxRows(x, rows, cols, block);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, ulpDistance(got[i]!, want[i]!));
    expect(worst).toBeLessThanOrEqual(2);
    for (let r = 0; r < rows; r++) expect(got.subarray(r * cols, (r + 1) * cols).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
  });

  it.each([[1, 64], [1000, 128], [4096, 512]])('bitonic_sort_u32 over %i keys, %i threads per workgroup', async (count, block) => {
    const keys = randomU32(count, count * 13);
    const run = await runHip(kernelSource('bitonic.hip'), {
      entry: 'bitonic_sort_u32', grid: [blocksFor(count, 2 * block), 1, 1], block: [block, 1, 1],
      inputs: [u32Bytes(keys)], constants: [count],
    });
    expect(run.error).toBeUndefined();
    expect([...asU32(run.outputs[0]!)]).toEqual([...sortSegments(keys, 2 * block)]);
  });

  it('atomics_u32: every 32-bit atomic on global and shared memory', async () => {
    const count = 1000, block = 128, blocks = blocksFor(count, block);
    const values = randomU32(count, 5);
    const { initial, expected } = atomics32(values, blocks, block);
    const run = await runHip(kernelSource('atomics.hip'), {
      entry: 'atomics_u32', grid: [blocks, 1, 1], block: [block, 1, 1], inputs: [u32Bytes(values), u32Bytes(initial)], constants: [count],
    });
    expect(run.error).toBeUndefined();
    expect([...asU32(run.outputs[1]!)]).toEqual([...expected]);
  });

  it('atomics_u64: every 64-bit atomic on global memory, add on shared', async () => {
    const count = 777, block = 64, blocks = blocksFor(count, block);
    const values = randomU32(count, 6);
    const { initial, expected } = atomics64(values, blocks, block);
    const run = await runHip(kernelSource('atomics.hip'), {
      entry: 'atomics_u64', grid: [blocks, 1, 1], block: [block, 1, 1],
      inputs: [u32Bytes(values), new Uint8Array(initial.buffer)], constants: [count],
    });
    expect(run.error).toBeUndefined();
    expect([...new BigUint64Array(run.outputs[1]!.buffer, run.outputs[1]!.byteOffset, 10)]).toEqual([...expected]);
  });

  it('saxpy-style float constants arrive as their bits', async () => {
    const source = 'extern "C" __global__ void axpy(const float* x, float* y, float a, unsigned n) { unsigned i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) y[i] = __fadd_rn(__fmul_rn(a, x[i]), y[i]); }';
    const x = randomF32(100, 1, 10), y = randomF32(100, 2, 10);
    const run = await runHip(source, { entry: 'axpy', grid: [2, 1, 1], block: [64, 1, 1], inputs: [f32Bytes(x), f32Bytes(y)], constants: [f32Word(1.5), 100] });
    expect([...asF32(run.outputs[1]!)]).toEqual([...y].map((v, i) => Math.fround(Math.fround(1.5 * x[i]!) + v)));
  });
});
