// The launches the GPU differential runs on both the simulator and a GPU, with how their outputs must compare:
// byte for byte for integer kernels (and for float kernels whose operation order and rounding are fixed), within
// a documented ulp bound where a math library function differs (softmax: expf).
import { f64Words, u64Words } from '../../src/core/bit_patterns.js';
import { sampleHipSource } from '../../src/kernels/hip_source.js';
import { sampleKernelSpecs, workgroupsFor } from '../../src/kernels/kernel_specs.js';
import { randomCase } from './kernels.js';
import type { HipLaunch } from './hipc.js';
import { u32Bytes, f32Bytes } from './hipc.js';
import { kernelSource, randomF32, randomU32, rng, atomics32, atomics64 } from './hipc_references.js';

export interface DifferentialCase {
  readonly name: string;
  readonly source: string;
  /** Launches in order on the same buffers; the first one's inputs are uploaded. */
  readonly launches: readonly HipLaunch[];
  /** 'exact', or the largest ulp distance allowed between f32 outputs. */
  readonly compare: 'exact' | { readonly ulp: number };
}

/** softmax: the simulator's expf is within 1 ulp of the correctly rounded value, CUDA's expf within 2 ulp. */
export const SOFTMAX_ULP_BOUND = 4;

/** Every HIP-C source the differential compiles (the precompiler fills the simulator's cache with these). */
export function differentialSources(): string[] {
  return [sampleHipSource, ...['reduce.hip', 'scan.hip', 'matmul.hip', 'histogram.hip', 'softmax.hip', 'bitonic.hip', 'atomics.hip', 'wide_params.hip', 'device_total.hip', 'templates.hip'].map(kernelSource)];
}

export function differentialCases(): DifferentialCase[] {
  const cases: DifferentialCase[] = [];
  for (const spec of sampleKernelSpecs) {
    const count = 4099;
    const { inputs, constants } = randomCase(spec.name, count, 23);
    cases.push({
      name: `sample ${spec.name}`, source: sampleHipSource, compare: 'exact',
      launches: [{ entry: spec.name, grid: [workgroupsFor(spec, count), 1, 1], block: [...spec.workgroupSize] as [number, number, number], sharedMemoryBytes: spec.sharedMemoryBytes, inputs, constants }],
    });
  }
  const n = 5000;
  cases.push({ name: 'reduce_tree_u32', source: kernelSource('reduce.hip'), compare: 'exact', launches: [
    { entry: 'reduce_tree_u32', grid: [20, 1, 1], block: [256, 1, 1], inputs: [u32Bytes(randomU32(n, 1)), new Uint8Array(20 * 4)], constants: [n] }] });
  cases.push({ name: 'scan_block_u32 + scan_add_offsets_u32', source: kernelSource('scan.hip'), compare: 'exact', launches: [
    { entry: 'scan_block_u32', grid: [40, 1, 1], block: [128, 1, 1], inputs: [u32Bytes(randomU32(n, 2)), new Uint8Array(n * 4), new Uint8Array(40 * 4)], constants: [n] }] });
  const [m, nn, k] = [48, 40, 72];
  cases.push({ name: 'matmul_tiled_f32', source: kernelSource('matmul.hip'), compare: 'exact', launches: [
    { entry: 'matmul_tiled_f32', grid: [Math.ceil(nn / 16), Math.ceil(m / 16), 1], block: [16, 16, 1],
      inputs: [f32Bytes(randomF32(m * k, 3, 4)), f32Bytes(randomF32(k * nn, 4, 4)), new Uint8Array(m * nn * 4)], constants: [m, nn, k] }] });
  const next = rng(9);
  const bytes = Uint8Array.from({ length: 100000 }, () => (next() % 5 === 0 ? 7 : next() & 0xff));
  cases.push({ name: 'histogram_u64', source: kernelSource('histogram.hip'), compare: 'exact', launches: [
    { entry: 'histogram_u64', grid: [16, 1, 1], block: [128, 1, 1], inputs: [bytes, new Uint8Array(256 * 8)], constants: [bytes.length] }] });
  cases.push({ name: 'softmax_rows_f32', source: kernelSource('softmax.hip'), compare: { ulp: SOFTMAX_ULP_BOUND }, launches: [
    { entry: 'softmax_rows_f32', grid: [12, 1, 1], block: [64, 1, 1], sharedMemoryBytes: 256, inputs: [f32Bytes(randomF32(12 * 333, 5, 20)), new Uint8Array(12 * 333 * 4)], constants: [333] }] });
  cases.push({ name: 'bitonic_sort_u32', source: kernelSource('bitonic.hip'), compare: 'exact', launches: [
    { entry: 'bitonic_sort_u32', grid: [5, 1, 1], block: [256, 1, 1], inputs: [u32Bytes(randomU32(2500, 6))], constants: [2500] }] });
  const values = randomU32(1000, 7);
  cases.push({ name: 'atomics_u32', source: kernelSource('atomics.hip'), compare: 'exact', launches: [
    { entry: 'atomics_u32', grid: [8, 1, 1], block: [128, 1, 1], inputs: [u32Bytes(values), u32Bytes(atomics32(values, 8, 128).initial)], constants: [1000] }] });
  cases.push({ name: 'atomics_u64', source: kernelSource('atomics.hip'), compare: 'exact', launches: [
    { entry: 'atomics_u64', grid: [16, 1, 1], block: [64, 1, 1], inputs: [u32Bytes(values), new Uint8Array(atomics64(values, 16, 64).initial.buffer)], constants: [1000] }] });
  for (const c of languageCases()) cases.push(c);
  return cases;
}

/** A differential case of the language features, with the bytes its bindings must hold afterwards. */
export interface LanguageCase extends DifferentialCase {
  readonly expected: readonly Uint8Array[];
}

/**
 * 64-bit parameters (wide_params.hip), __device__ variables across workgroups and launches (device_total.hip),
 * template instantiations by mangled name and a kernel without extern "C" (templates.hip): integer kernels, so
 * the GPU and the simulator must agree byte for byte, and both with the reference.
 */
export function languageCases(): LanguageCase[] {
  const cases: LanguageCase[] = [];
  {
    const count = 3000, n = 2900, tag = 17, offset = -5n;
    const input = randomU32(count, 31);
    const expected = new BigUint64Array(count);
    for (let i = 0; i < n; i++) expected[i] = BigInt.asUintN(64, BigInt(input[i]!) * 4n + offset + BigInt(tag));
    cases.push({ name: 'scale_offset_u64 (size_t, double and long parameters)', source: kernelSource('wide_params.hip'), compare: 'exact',
      launches: [{ entry: 'scale_offset_u64', grid: [Math.ceil(count / 128), 1, 1], block: [128, 1, 1],
        inputs: [u32Bytes(input), new Uint8Array(count * 8)], constants: [tag, 0, ...u64Words(BigInt(n)), ...f64Words(4), ...u64Words(offset)] }],
      expected: [u32Bytes(input), new Uint8Array(expected.buffer)] });
  }
  {
    const count = 5000, block = 64, blocks = Math.ceil(count / block);
    const values = randomU32(count, 32);
    const total = values.reduce((s, v) => s + BigInt(v), 0n);
    const launch: HipLaunch = { entry: 'device_total_u64', grid: [blocks, 1, 1], block: [block, 1, 1], inputs: [u32Bytes(values), new Uint8Array(8)], constants: [count] };
    cases.push({ name: 'device_total_u64 (__device__ variables, two launches)', source: kernelSource('device_total.hip'), compare: 'exact',
      launches: [launch, launch], expected: [u32Bytes(values), new Uint8Array(new BigUint64Array([total]).buffer)] });
  }
  {
    const n = 1000;
    const x = randomU32(n, 33), y = randomU32(n, 34);
    cases.push({ name: 'axpy<unsigned int> by its mangled name', source: kernelSource('templates.hip'), compare: 'exact',
      launches: [{ entry: '_Z4axpyIjEvPKT_PS0_S0_j', grid: [8, 1, 1], block: [128, 1, 1], inputs: [u32Bytes(x), u32Bytes(y)], constants: [3, n] }],
      expected: [u32Bytes(x), u32Bytes(Uint32Array.from(y, (v, i) => (Math.imul(3, x[i]!) + v) >>> 0))] });
    cases.push({ name: 'axpy<int> by its mangled name', source: kernelSource('templates.hip'), compare: 'exact',
      launches: [{ entry: '_Z4axpyIiEvPKT_PS0_S0_j', grid: [8, 1, 1], block: [128, 1, 1], inputs: [u32Bytes(x), u32Bytes(y)], constants: [-2 >>> 0, n] }],
      expected: [u32Bytes(x), u32Bytes(Uint32Array.from(y, (v, i) => (Math.imul(-2, x[i]!) + v) >>> 0))] });
    cases.push({ name: 'xor_fold_u32 (no extern "C") by its plain name', source: kernelSource('templates.hip'), compare: 'exact',
      launches: [{ entry: 'xor_fold_u32', grid: [8, 1, 1], block: [128, 1, 1], inputs: [u32Bytes(y)], constants: [n] }],
      expected: [u32Bytes(Uint32Array.from(y, (v) => (v ^ (v >>> 7)) >>> 0))] });
  }
  return cases;
}
