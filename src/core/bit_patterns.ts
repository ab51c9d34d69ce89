/**
 * Push constants are 32-bit words: a float travels as its IEEE-754 single-precision bit pattern, and the kernel
 * reinterprets it. These convert both ways (the value is rounded to f32 first, as the kernel will see it); a
 * 64-bit parameter travels as two words.
 *
 *   commands.pushConstants({ layout, values: [f32Bits(2.5), count] });
 */
import { invalidArgument } from './errors.js';
import { describe } from './validation.js';

/** One scratch word pair for every conversion (they run synchronously), so none allocates a view. */
const scratch = new DataView(new ArrayBuffer(8));

/** The bit pattern of `value` rounded to f32, as an unsigned 32-bit integer. */
export function f32Bits(value: number): number {
  scratch.setFloat32(0, value, true);
  return scratch.getUint32(0, true);
}

/** The f32 whose bit pattern is `bits` (its low 32 bits). */
export function f32FromBits(bits: number): number {
  scratch.setUint32(0, bits >>> 0, true);
  return scratch.getFloat32(0, true);
}

/** A signed 32-bit value as the unsigned word a push constant holds (-1 → 0xffffffff). */
export function i32Bits(value: number): number {
  return value >>> 0;
}

/**
 * A 64-bit integer parameter (size_t, long, long long; a bigint, taken modulo 2^64) as its two push-constant words,
 * low word first. A 64-bit parameter starts 8-byte aligned: after an odd number of 32-bit words, push a padding word.
 */
export function u64Words(value: bigint): [number, number] {
  if (typeof value !== 'bigint') throw invalidArgument(`u64Words value must be a bigint (got ${describe(value)})`);
  const v = BigInt.asUintN(64, value);
  return [Number(v & 0xffffffffn), Number(v >> 32n)];
}

/** A double parameter as its two push-constant words (its IEEE-754 bit pattern), low word first. */
export function f64Words(value: number): [number, number] {
  scratch.setFloat64(0, value, true);
  return [scratch.getUint32(0, true), scratch.getUint32(4, true)];
}
