import { constant, faulted, firstInvocation, invocationsBelow, reserve } from '../../abi';

/**
 * x[i] = x[i] * k (two's complement, wrapping: the low 32 bits of the product), in place, for every invocation
 * id i < count.
 * Binding 0: x (i32[]). Push constants: 0 = k (i32 bits), 1 = count.
 */
export function scale_i32(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const k = <i32>constant(args, 0);
  const count = constant(args, 1);
  if (faulted(args)) return;
  const first = firstInvocation(args, wgX, wgY, wgZ);
  const n = invocationsBelow(args, first, <u64>count);
  if (n == 0) return;
  const x = reserve(args, 0, first << 2, <u64>n << 2);
  if (x == 0) return;

  const bytes = <usize>n << 2;
  const vectorBytes = bytes & ~(<usize>15);
  const kv = i32x4.splat(k);
  let o: usize = 0;
  for (; o < vectorBytes; o += 16) v128.store(x + o, i32x4.mul(v128.load(x + o), kv));
  for (; o < bytes; o += 4) store<i32>(x + o, load<i32>(x + o) * k);
}
