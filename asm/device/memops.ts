// memset and memcpy on device memory, with WebAssembly's bulk-memory and SIMD instructions. The TS face has
// already checked every range against its allocation and turned the memset value (8, 16 or 32 bits) into the
// 4-byte pattern it repeats (src/backends/sim/graphs.ts memsetPattern).

/** Fills `byteLength` bytes at `dst` with the 4-byte little-endian `pattern` repeated from dst onward. */
export function fillPattern(dst: usize, pattern: u32, byteLength: usize): void {
  const b0 = pattern & 0xff;
  if (pattern == b0 * 0x01010101) {
    memory.fill(dst, <u8>b0, byteLength);
    return;
  }
  const v = i32x4.splat(<i32>pattern);
  let p = dst;
  const end = dst + byteLength;
  while (end - p >= 64) {
    v128.store(p, v);
    v128.store(p, v, 16);
    v128.store(p, v, 32);
    v128.store(p, v, 48);
    p += 64;
  }
  while (end - p >= 16) {
    v128.store(p, v);
    p += 16;
  }
  // p - dst is a multiple of 16 here, so the tail restarts the pattern at its first byte.
  let shift: u32 = 0;
  while (p < end) {
    store<u8>(p, <u8>(pattern >> shift));
    shift = (shift + 8) & 31;
    p++;
  }
}

/** memcpy with memmove semantics (overlapping ranges are fine). */
export function memcpy(dst: usize, src: usize, byteLength: u32): void {
  memory.copy(dst, src, <usize>byteLength);
}
