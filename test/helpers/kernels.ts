// Shared helpers for the kernel tests: seeded random inputs (the project's seeded PRNG, so a failure can be replayed), and one
// call that runs a sample kernel on the real compiled WASM (through DirectKernelRunner) next to its TypeScript reference.
import { sample_kernels } from '../../src/backends/sim/generated/kernels/index.js';
import { DirectKernelRunner, type KernelFaultReport, type WorkgroupOrder } from '../../src/kernels/direct_runner.js';
import { bindingBytes, sampleKernelSpec, type SampleKernelName } from '../../src/kernels/kernel_specs.js';
import { f32Bits, runReference } from '../../src/kernels/reference.js';
import { seededRandom } from '../../src/util/seeded_random.js';

export function randomBytes(length: number, seed: number): Uint8Array {
  const next = seededRandom(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
  return out;
}

/** Random finite f32 values in about [-1000, 1000], as bytes. */
export function randomF32Bytes(count: number, seed: number): Uint8Array {
  const next = seededRandom(seed);
  const f = new Float32Array(count);
  for (let i = 0; i < count; i++) f[i] = (next() - 0.5) * 2000;
  return new Uint8Array(f.buffer);
}

/** A byte pattern written around bindings to prove that kernels never touch memory outside them. */
export const GUARD = 0xa5;
export const GUARD_BYTES = 64;

export function newRunner(): DirectKernelRunner {
  return new DirectKernelRunner(sample_kernels);
}

export interface KernelRun {
  /** Each binding's bytes after the dispatch. */
  readonly outputs: Uint8Array[];
  readonly fault: KernelFaultReport | undefined;
  /** True when every guard byte before and after every binding is intact. */
  readonly guardsIntact: boolean;
}

/**
 * Runs `name` over copies of `inputs` (one per binding) with guard bytes around each binding. `byteLengths`
 * optionally declares a binding shorter than its data (to provoke faults).
 */
export function runKernel(
  runner: DirectKernelRunner,
  name: SampleKernelName,
  inputs: readonly Uint8Array[],
  constants: readonly number[],
  options: {
    workgroupCount?: readonly [number, number, number];
    workgroupSize?: readonly [number, number, number];
    sharedMemoryBytes?: number;
    order?: WorkgroupOrder;
    byteLengths?: readonly number[];
  } = {},
): KernelRun {
  runner.reset();
  const spec = sampleKernelSpec(name);
  const size = options.workgroupSize ?? spec.workgroupSize;
  const countIndex = spec.constants.findIndex((c) => c.name === 'count');
  const count = constants[countIndex]!;
  const perGroup = size[0] * size[1] * size[2];
  const bindings = inputs.map((data, i) => {
    const byteLength = options.byteLengths?.[i] ?? data.byteLength;
    const start = runner.alloc(GUARD_BYTES + Math.max(data.byteLength, byteLength) + GUARD_BYTES);
    runner.bytes().fill(GUARD, start, start + GUARD_BYTES * 2 + Math.max(data.byteLength, byteLength));
    runner.write(start + GUARD_BYTES, data);
    return { ptr: start + GUARD_BYTES, byteLength };
  });
  const fault = runner.dispatch({
    entry: name,
    workgroupCount: options.workgroupCount ?? [Math.ceil(count / perGroup), 1, 1],
    workgroupSize: size,
    sharedMemoryBytes: options.sharedMemoryBytes ?? spec.sharedMemoryBytes,
    bindings,
    constants: Uint32Array.from(constants, (c) => c >>> 0),
    ...(options.order === undefined ? {} : { order: options.order }),
  });
  const memory = runner.bytes();
  let guardsIntact = true;
  const outputs = bindings.map((b, i) => {
    const dataLength = inputs[i]!.byteLength;
    const before = memory.subarray(b.ptr - GUARD_BYTES, b.ptr);
    const after = memory.subarray(b.ptr + b.byteLength, b.ptr + Math.max(dataLength, b.byteLength) + GUARD_BYTES);
    const afterData = memory.subarray(b.ptr + b.byteLength, b.ptr + dataLength);
    // Bytes past a short binding still hold the caller's data (not the guard), so check them against it.
    const dataTail = inputs[i]!.subarray(b.byteLength);
    if (!before.every((v) => v === GUARD)) guardsIntact = false;
    if (!afterData.every((v, j) => v === dataTail[j])) guardsIntact = false;
    if (!after.subarray(afterData.length).every((v) => v === GUARD)) guardsIntact = false;
    return memory.slice(b.ptr, b.ptr + dataLength);
  });
  return { outputs, fault, guardsIntact };
}

/** The reference's result on copies of `inputs`. */
export function referenceOutputs(
  name: SampleKernelName,
  inputs: readonly Uint8Array[],
  constants: readonly number[],
  invocations?: number,
): Uint8Array[] {
  const copies = inputs.map((b) => b.slice());
  runReference(name, copies, Uint32Array.from(constants, (c) => c >>> 0), invocations);
  return copies;
}

/** Index of the first byte where `a` and `b` differ, -1 when equal (fast; vitest's deep equality is slow on MBs). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return Math.min(a.byteLength, b.byteLength);
  if (Buffer.compare(a, b) === 0) return -1;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Asserts that every binding's bytes equal the expected ones, naming the binding and first differing byte. */
export function expectSameOutputs(
  expect: (value: unknown, message?: string) => { toBe(v: unknown): void },
  actual: readonly Uint8Array[],
  expected: readonly Uint8Array[],
  label: string,
): void {
  expect(actual.length, `${label}: binding count`).toBe(expected.length);
  actual.forEach((a, i) => expect(firstDifference(a, expected[i]!), `${label}: binding ${i} first differing byte`).toBe(-1));
}

/**
 * Random inputs (one byte array per binding, sized by the spec) and push constants for kernel `name` over `count`
 * elements: f32 data finite, f32 constants moderate, integer constants any 32 bits.
 */
export function randomCase(name: SampleKernelName, count: number, seed: number): { inputs: Uint8Array[]; constants: number[] } {
  const spec = sampleKernelSpec(name);
  const random = seededRandom(seed * 7919 + count);
  const next = (): number => Math.floor(random() * 2 ** 32);
  const inputs = spec.bindings.map((b, i) =>
    b.element === 'f32' ? randomF32Bytes(bindingBytes(b, count) / 4, seed + i) : randomBytes(bindingBytes(b, count), seed + i));
  const constants = spec.constants.map((c) =>
    c.name === 'count' ? count : c.type === 'f32' ? f32Bits(((next() & 0xffff) - 32768) / 997) : next());
  return { inputs, constants };
}
