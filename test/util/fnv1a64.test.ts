// FNV-1a 64 against the published test vectors (the FNV authors' list), including inputs long enough for the
// 32-bit halves to carry into each other many times.
import { describe, expect, it } from 'vitest';
import { fnv1a64 } from '../../src/util/fnv1a64.js';

describe('fnv1a64', () => {
  it.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
    ['chongo was here!\n', '46810940eff5f915'],
  ])('hashes %j to %s', (text, hash) => {
    expect(fnv1a64(text)).toBe(hash);
  });

  it('matches a BigInt reference on a long mixed text', () => {
    const text = Array.from({ length: 5000 }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 95), 0x3b1 + (i % 40))).join('');
    let h = 0xcbf29ce484222325n;
    for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
    expect(fnv1a64(text)).toBe(h.toString(16).padStart(16, '0'));
  });
});
