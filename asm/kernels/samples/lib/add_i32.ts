import { constant, faulted, firstInvocation, invocationsBelow, reserve } from '../../abi';

/**
 * c[i] = a[i] + b[i] (two's complement, wrapping) for every invocation id i < count.
 * Bindings: 0 = a (i32[], read-only), 1 = b (i32[], read-only), 2 = c (i32[]). Push constants: 0 = count.
 */
export function add_i32(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const count = constant(args, 0);
  if (faulted(args)) return;
  const first = firstInvocation(args, wgX, wgY, wgZ);
  const n = invocationsBelow(args, first, <u64>count);
  if (n == 0) return;
  const a = reserve(args, 0, first << 2, <u64>n << 2);
  if (a == 0) return;
  const b = reserve(args, 1, first << 2, <u64>n << 2);
  if (b == 0) return;
  const c = reserve(args, 2, first << 2, <u64>n << 2);
  if (c == 0) return;

  const bytes = <usize>n << 2;
  const vectorBytes = bytes & ~(<usize>15);
  let o: usize = 0;
  for (; o < vectorBytes; o += 16) v128.store(c + o, i32x4.add(v128.load(a + o), v128.load(b + o)));
  for (; o < bytes; o += 4) store<i32>(c + o, load<i32>(a + o) + load<i32>(b + o));
}
