import { constant, faulted, firstInvocation, invocationsBelow, reserve } from '../../abi';

/**
 * dst[i] = src[i] for every invocation id i < count. Overlapping src and dst ranges are undefined behaviour (as
 * on a GPU, where invocations run concurrently).
 * Bindings: 0 = src (u32[], read-only), 1 = dst (u32[]). Push constants: 0 = count.
 */
export function copy_u32(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const count = constant(args, 0);
  if (faulted(args)) return;
  const first = firstInvocation(args, wgX, wgY, wgZ);
  const n = invocationsBelow(args, first, <u64>count);
  if (n == 0) return;
  // Check every span before touching memory, so a fault leaves the destination untouched.
  const src = reserve(args, 0, first << 2, <u64>n << 2);
  if (src == 0) return;
  const dst = reserve(args, 1, first << 2, <u64>n << 2);
  if (dst == 0) return;

  memory.copy(dst, src, <usize>n << 2);
}
