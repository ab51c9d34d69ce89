// The simulator's one pseudo-random generator: xoshiro128** seeded through splitmix64. Every seeded choice the
// simulator makes (ties between runnable stream operations, the pick from a graph's ready set) draws from this
// single stream, so a seed fixes the whole run.

let s0: u32 = 1;
let s1: u32 = 2;
let s2: u32 = 3;
let s3: u32 = 4;

function splitmix64(state: u64): u64 {
  let z = state + 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

export function seedRandom(seedLo: u32, seedHi: u32): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  const a = splitmix64(seed);
  const b = splitmix64(seed + 0x9e3779b97f4a7c15);
  s0 = <u32>a; s1 = <u32>(a >> 32); s2 = <u32>b; s3 = <u32>(b >> 32);
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1; // xoshiro's one forbidden state
}

@inline export function nextRandom(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** A value in [0, n) (n ≥ 1); multiply-shift keeps it branch-free, the bias (< n / 2^32) is irrelevant here. */
@inline export function randomBelow(n: u32): u32 {
  return <u32>((<u64>nextRandom() * <u64>n) >> 32);
}
