// TypeScript references for the HIP-C kernels of kernels/*.hip, written from the kernels' specifications (what each
// computes), in the same f32 operation order where floats are involved, so integer results must match exactly and
// float results bit for bit (matmul: rounded products, sequential sums) or within the documented ulp bound (softmax).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../src/util/seeded_random.js';

export function kernelSource(file: string): string {
  return readFileSync(fileURLToPath(new URL(`../../kernels/${file}`, import.meta.url)), 'utf8');
}

/** Reproducible 32-bit unsigned inputs from the project's seeded PRNG. */
export function rng(seed: number): () => number {
  const random = seededRandom(seed);
  return () => Math.floor(random() * 2 ** 32);
}

export function randomU32(count: number, seed: number, mask = 0xffffffff): Uint32Array {
  const next = rng(seed);
  return Uint32Array.from({ length: count }, () => (next() & mask) >>> 0);
}

export function randomF32(count: number, seed: number, scale = 1): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length: count }, () => ((next() / 0xffffffff) - 0.5) * 2 * scale);
}

export function reduceTree(values: Uint32Array, block: number, blocks: number): Uint32Array {
  const out = new Uint32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let sum = 0;
    for (let i = b * block; i < Math.min(values.length, (b + 1) * block); i++) sum = (sum + values[i]!) >>> 0;
    out[b] = sum;
  }
  return out;
}

export function inclusiveScan(values: Uint32Array): Uint32Array {
  const out = new Uint32Array(values.length);
  let sum = 0;
  values.forEach((v, i) => { sum = (sum + v) >>> 0; out[i] = sum; });
  return out;
}

/** C = A × B with each product rounded to f32 and the sum over k accumulated in order, rounded each step. */
export function matmul(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let r = 0; r < m; r++) {
    for (let col = 0; col < n; col++) {
      let acc = 0;
      for (let j = 0; j < k; j++) acc = Math.fround(acc + Math.fround(a[r * k + j]! * b[j * n + col]!));
      c[r * n + col] = acc;
    }
  }
  return c;
}

export function histogram(bytes: Uint8Array): BigUint64Array {
  const bins = new BigUint64Array(256);
  for (const b of bytes) bins[b]!++;
  return bins;
}

/** Softmax per row, in the kernel's operation order (strided partial sums, then a tree), exp in double rounded once. */
export function softmaxRows(x: Float32Array, rows: number, cols: number, block: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    const partial = new Float32Array(block);
    const e = new Float32Array(cols);
    for (let t = 0; t < block; t++) {
      let sum = 0;
      for (let c = t; c < cols; c += block) {
        e[c] = Math.fround(Math.exp(Math.fround(row[c]! - max)));
        sum = Math.fround(sum + e[c]!);
      }
      partial[t] = sum;
    }
    for (let s = block / 2; s > 0; s >>= 1) for (let t = 0; t < s; t++) partial[t] = Math.fround(partial[t]! + partial[t + s]!);
    for (let c = 0; c < cols; c++) out[r * cols + c] = Math.fround(e[c]! / partial[0]!);
  }
  return out;
}

export function sortSegments(keys: Uint32Array, segment: number): Uint32Array {
  const out = keys.slice();
  for (let s = 0; s < out.length; s += segment) out.subarray(s, Math.min(out.length, s + segment)).sort();
  return out;
}

/** Distance in units in the last place between two finite f32 values (same sign assumed near equality). */
export function ulpDistance(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const ordered = (x: number) => (x < 0 ? 0x80000000 - x : x);
  return Math.abs(ordered(bits[0]!) - ordered(bits[1]!));
}

/** Initial global words of atomics_u32 and what the kernel leaves in them, for values v[0..count). */
export function atomics32(values: Uint32Array, blocks: number, block: number): { initial: Uint32Array; expected: Uint32Array } {
  const initial = Uint32Array.from([5, 0xfffffff0, 0xffffffff, 0, 0xffffffff, 0, 0x12345678, 0, 0, 0, 0, 0xffffffff, 0, 0]);
  const g = initial.slice();
  for (const v of values) {
    g[0] = (g[0]! + v) >>> 0;
    g[1] = (g[1]! - v) >>> 0;
    g[2] = Math.min(g[2]!, v);
    g[3] = Math.max(g[3]!, v);
    g[4] = (g[4]! & (v | 0x0f0f0f0f)) >>> 0;
    g[5] = (g[5]! | (v & 0x00ff00ff)) >>> 0;
    g[6] = (g[6]! ^ v) >>> 0;
  }
  if (values.length > 0) { g[7] = 1; g[8] = 1; g[9] = 7; }
  for (let b = 0; b < blocks; b++) {
    const slice = values.subarray(b * block, (b + 1) * block);
    if (slice.length === 0) {
      g[11] = Math.min(g[11]!, 0xffffffff);
      continue;
    }
    let sum = 0, min = 0xffffffff, xor = 0, or = 0;
    for (const v of slice) { sum = (sum + v) >>> 0; min = Math.min(min, v); xor = (xor ^ v) >>> 0; or = (or | v) >>> 0; }
    g[10] = (g[10]! + sum) >>> 0; g[11] = Math.min(g[11]!, min); g[12] = (g[12]! ^ xor) >>> 0; g[13] = (g[13]! | or) >>> 0;
  }
  return { initial, expected: g };
}

export function atomics64(values: Uint32Array, blocks: number, block: number): { initial: BigUint64Array; expected: BigUint64Array } {
  const M = (1n << 64n) - 1n;
  const initial = BigUint64Array.from([3n, M, 0n, M, 0n, 0xabcdefn, 0n, 0n, 0n, 0n]);
  const g = initial.slice();
  for (const raw of values) {
    const v = (BigInt(raw) << 32n) | BigInt((raw ^ 0x9e3779b9) >>> 0);
    g[0] = (g[0]! + v) & M;
    g[1] = g[1]! < v ? g[1]! : v;
    g[2] = g[2]! > v ? g[2]! : v;
    g[3] = g[3]! & (v | 0x0f0f0f0f0f0f0f0fn);
    g[4] = g[4]! | (v & 0x00ff00ff00ff00ffn);
    g[5] = g[5]! ^ v;
    g[9] = (g[9]! + v) & M;
  }
  if (values.length > 0) { g[6] = 1n; g[7] = 1n; g[8] = 0x1234567890n; }
  void blocks; void block;
  return { initial, expected: g };
}
