import { constant, faulted, firstInvocation, invocationsBelow, reserve } from '../../abi';

/**
 * out[i] = value for every invocation id i < count.
 * Binding 0: out (u32[]). Push constants: 0 = value, 1 = count.
 */
export function fill_u32(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const value = constant(args, 0);
  const count = constant(args, 1);
  if (faulted(args)) return;
  const first = firstInvocation(args, wgX, wgY, wgZ);
  const n = invocationsBelow(args, first, <u64>count);
  if (n == 0) return;
  const out = reserve(args, 0, first << 2, <u64>n << 2);
  if (out == 0) return;

  const bytes = <usize>n << 2;
  const vectorBytes = bytes & ~(<usize>15);
  const splat = i32x4.splat(value);
  let o: usize = 0;
  for (; o < vectorBytes; o += 16) v128.store(out + o, splat);
  for (; o < bytes; o += 4) store<u32>(out + o, value);
}
