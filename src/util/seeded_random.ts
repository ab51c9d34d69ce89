/**
 * The project's one PRNG on the TypeScript side: mulberry32, a small, fast, well-mixed 32-bit generator. Everything
 * that draws at random from a seed (fault plans, exploration strategies, the direct kernel runner's shuffled
 * workgroup order, tests' inputs) uses it, so a seed means the same sequence everywhere and on every machine. (The
 * WebAssembly device keeps its own generator in asm/device.)
 */

/** A generator of floats in [0, 1) seeded by the low 32 bits of `seed`; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
