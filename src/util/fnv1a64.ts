/**
 * FNV-1a, 64-bit, over a string's UTF-16 code units, as 16 hex digits. Synchronous and the same in Node and in a
 * browser (Web Crypto's digests are asynchronous, which a caller that must not leave the current host turn cannot
 * wait for). Not collision-resistant against a chosen input: for telling apart inputs nobody forges, such as build
 * artifacts keyed by the text they were built from.
 */
export function fnv1a64(text: string): string {
  // The 64-bit state as two 32-bit halves; the prime is 2^40 + 0x1b3, so h * prime = h * 0x1b3 + (h << 40).
  let lo = 0x84222325;
  let hi = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0;
    const loTimesPrime = lo * 0x1b3; // exact: below 2^41
    const carry = Math.floor(loTimesPrime / 0x1_0000_0000);
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = loTimesPrime >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
