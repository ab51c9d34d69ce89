/**
 * Push constants are 32-bit words: a float travels as its IEEE-754 single-precision bit pattern, and the kernel
 * reinterprets it. These convert both ways (the value is rounded to f32 first, as the kernel will see it).
 *
 *   commands.pushConstants({ layout, values: [f32Bits(2.5), count] });
 */
const scratch = new DataView(new ArrayBuffer(4));

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
