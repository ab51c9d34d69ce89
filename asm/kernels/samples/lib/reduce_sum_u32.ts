import { constant, faulted, firstInvocation, invocationsBelow, reserve } from '../../abi';

/**
 * out[0] += the sum (mod 2^32) of values[i] for every invocation id i < count. Accumulates: zero out[0] first.
 * Bindings: 0 = values (u32[], read-only), 1 = out (u32[1]). Push constants: 0 = count.
 *
 * Each workgroup sums its span and adds that partial sum to out[0]; wrapping addition is associative and
 * commutative, so the result does not depend on workgroup order (the HIP-C twin merges with atomicAdd).
 */
export function reduce_sum_u32(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const count = constant(args, 0);
  if (faulted(args)) return;
  const first = firstInvocation(args, wgX, wgY, wgZ);
  const n = invocationsBelow(args, first, <u64>count);
  if (n == 0) return;
  const values = reserve(args, 0, first << 2, <u64>n << 2);
  if (values == 0) return;
  const out = reserve(args, 1, 0, 4);
  if (out == 0) return;

  const bytes = <usize>n << 2;
  const vectorBytes = bytes & ~(<usize>15);
  let lanes = i32x4.splat(0);
  let o: usize = 0;
  for (; o < vectorBytes; o += 16) lanes = i32x4.add(lanes, v128.load(values + o));
  let sum = i32x4.extract_lane(lanes, 0) + i32x4.extract_lane(lanes, 1) +
    i32x4.extract_lane(lanes, 2) + i32x4.extract_lane(lanes, 3);
  for (; o < bytes; o += 4) sum += load<i32>(values + o);
  store<i32>(out, load<i32>(out) + sum);
}
