/**
 * Plain TypeScript twins of the sample kernels: the ground truth the tests (and the differential GPU test)
 * compare both backends against. Straight TypedArray loops, written for obviousness, not speed.
 *
 * `count` is the element count the kernel is given; a dispatch with fewer invocations than `count` processes only
 * the first `invocations` elements, which `runReference` models.
 */
import { bindingBytes, sampleKernelSpec, type SampleKernelName } from './kernel_specs.js';

import { f32FromBits } from '../core/bit_patterns.js';
export { f32Bits, f32FromBits } from '../core/bit_patterns.js';

export function fillU32(out: Uint32Array, value: number, count: number): void {
  for (let i = 0; i < count; i++) out[i] = value;
}

export function copyU32(src: Uint32Array, dst: Uint32Array, count: number): void {
  for (let i = 0; i < count; i++) dst[i] = src[i]!;
}

export function addI32(a: Int32Array, b: Int32Array, c: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) c[i] = (a[i]! + b[i]!) | 0;
}

export function scaleI32(x: Int32Array, k: number, count: number): void {
  for (let i = 0; i < count; i++) x[i] = Math.imul(x[i]!, k);
}

/** f32 multiply rounded to f32, then f32 add: exactly what the WASM f32x4 and HIP-C __fmul_rn/__fadd_rn do. */
export function saxpyF32(x: Float32Array, y: Float32Array, a: number, count: number): void {
  const af = Math.fround(a);
  for (let i = 0; i < count; i++) y[i] = Math.fround(Math.fround(af * x[i]!) + y[i]!);
}

/** Adds into `bins` (256 u32), as the kernel does. */
export function histogramU8(bytes: Uint8Array, bins: Uint32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const b = bytes[i]!;
    bins[b] = (bins[b]! + 1) >>> 0;
  }
}

/** Adds into out[0] (mod 2^32), as the kernel does. */
export function reduceSumU32(values: Uint32Array, out: Uint32Array, count: number): void {
  let sum = out[0]!;
  for (let i = 0; i < count; i++) sum = (sum + values[i]!) >>> 0;
  out[0] = sum;
}

/**
 * Runs the reference of kernel `name` over raw binding bytes (modified in place) and push constants, the same
 * arguments a launch gets. `invocations` is how many invocations the dispatch has (default: enough for all).
 * Throws RangeError when a binding is too small (where the kernel itself would fault) or not 4-byte aligned.
 */
export function runReference(
  name: SampleKernelName,
  bindings: readonly Uint8Array[],
  constants: Uint32Array,
  invocations = Number.POSITIVE_INFINITY,
): void {
  const spec = sampleKernelSpec(name);
  if (bindings.length !== spec.bindings.length) {
    throw new RangeError(`${name} takes ${spec.bindings.length} bindings, got ${bindings.length}`);
  }
  if (constants.length !== spec.constants.length) {
    throw new RangeError(`${name} takes ${spec.constants.length} push constants, got ${constants.length}`);
  }
  const c = (i: number): number => constants[i]!;
  const count = Math.min(c(spec.constants.findIndex((k) => k.name === 'count')), invocations);
  spec.bindings.forEach((b, i) => {
    const bytes = bindings[i]!;
    const need = bindingBytes(b, count);
    if (count > 0 && bytes.byteLength < need) {
      throw new RangeError(`${name} binding ${i} (${b.name}) needs ${need} bytes, has ${bytes.byteLength}`);
    }
    if (b.element !== 'u8' && bytes.byteOffset % 4 !== 0) {
      throw new RangeError(`${name} binding ${i} (${b.name}) must be 4-byte aligned (byteOffset ${bytes.byteOffset})`);
    }
  });
  const view = <T>(i: number, Ctor: new (buffer: ArrayBufferLike, offset: number, length: number) => T): T => {
    const bytes = bindings[i]!;
    return new Ctor(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
  };
  switch (name) {
    case 'fill_u32': return fillU32(view(0, Uint32Array), c(0), count);
    case 'copy_u32': return copyU32(view(0, Uint32Array), view(1, Uint32Array), count);
    case 'add_i32': return addI32(view(0, Int32Array), view(1, Int32Array), view(2, Int32Array), count);
    case 'scale_i32': return scaleI32(view(0, Int32Array), c(0) | 0, count);
    case 'saxpy_f32': return saxpyF32(view(0, Float32Array), view(1, Float32Array), f32FromBits(c(0)), count);
    case 'histogram_u8': return histogramU8(bindings[0]!, view(1, Uint32Array), count);
    case 'reduce_sum_u32': return reduceSumU32(view(0, Uint32Array), view(1, Uint32Array), count);
    default: {
      const unhandled: never = name; // a kernel added to the spec table needs its reference here
      throw new RangeError(`no reference for ${String(unhandled)}`);
    }
  }
}
