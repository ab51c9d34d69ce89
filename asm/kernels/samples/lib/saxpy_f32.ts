import { constant, faulted, firstInvocation, invocationsBelow, reserve } from '../../abi';

/**
 * y[i] = a * x[i] + y[i] for every invocation id i < count, as an f32 multiply rounded to f32 and then an f32
 * add (never a fused multiply-add: the HIP-C twin uses __fmul_rn / __fadd_rn so both backends agree bit for bit).
 * Bindings: 0 = x (f32[], read-only), 1 = y (f32[]). Push constants: 0 = a (f32 bits), 1 = count.
 *
 * Four invocations per 128-bit SIMD step; the last count % 4 elements of a workgroup's span go through the
 * scalar tail loop.
 */
export function saxpy_f32(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const a = reinterpret<f32>(constant(args, 0));
  const count = constant(args, 1);
  if (faulted(args)) return;
  const first = firstInvocation(args, wgX, wgY, wgZ);
  const n = invocationsBelow(args, first, <u64>count);
  if (n == 0) return;
  const x = reserve(args, 0, first << 2, <u64>n << 2);
  if (x == 0) return;
  const y = reserve(args, 1, first << 2, <u64>n << 2);
  if (y == 0) return;

  const bytes = <usize>n << 2;
  const av = f32x4.splat(a);
  let o: usize = 0;
  // Two vectors per iteration keeps two independent load-multiply-add chains in flight.
  const pairBytes = bytes & ~(<usize>31);
  for (; o < pairBytes; o += 32) {
    const y0 = f32x4.add(f32x4.mul(av, v128.load(x + o)), v128.load(y + o));
    const y1 = f32x4.add(f32x4.mul(av, v128.load(x + o, 16)), v128.load(y + o, 16));
    v128.store(y + o, y0);
    v128.store(y + o, y1, 16);
  }
  const vectorBytes = bytes & ~(<usize>15);
  for (; o < vectorBytes; o += 16) {
    v128.store(y + o, f32x4.add(f32x4.mul(av, v128.load(x + o)), v128.load(y + o)));
  }
  for (; o < bytes; o += 4) store<f32>(y + o, a * load<f32>(x + o) + load<f32>(y + o));
}
