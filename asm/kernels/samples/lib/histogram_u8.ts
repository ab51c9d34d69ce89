import { constant, faulted, firstInvocation, invocationsBelow, reserve, reserveShared } from '../../abi';

/** 256 bins of u32. */
const BINS_BYTES: u32 = 1024;

/**
 * bins[v] += number of invocation ids i < count with bytes[i] == v (wrapping u32 counts), for v in 0..255.
 * Accumulates: zero the bins first for a plain histogram.
 * Bindings: 0 = bytes (u8[], read-only), 1 = bins (u32[256]). Push constants: 0 = count.
 * Shared memory: 1024 bytes (the workgroup's private bins).
 *
 * Each workgroup counts its span into its shared scratch, then adds those counts into the bins. Addition is
 * commutative, so the result does not depend on the order workgroups run in — the same reason the HIP-C twin
 * may merge with atomicAdd.
 */
export function histogram_u8(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const count = constant(args, 0);
  if (faulted(args)) return;
  const first = firstInvocation(args, wgX, wgY, wgZ);
  const n = invocationsBelow(args, first, <u64>count);
  if (n == 0) return;
  const src = reserve(args, 0, first, <u64>n);
  if (src == 0) return;
  const bins = reserve(args, 1, 0, <u64>BINS_BYTES);
  if (bins == 0) return;
  const local = reserveShared(args, BINS_BYTES);
  if (local == 0) return;

  // Shared memory is not assumed zero: a GPU's is not, and the twin kernels should read alike.
  memory.fill(local, 0, BINS_BYTES);
  const end = src + <usize>n;
  for (let p = src; p < end; p++) {
    const slot = local + (<usize>load<u8>(p) << 2);
    store<u32>(slot, load<u32>(slot) + 1);
  }
  for (let o: usize = 0; o < <usize>BINS_BYTES; o += 16) {
    v128.store(bins + o, i32x4.add(v128.load(bins + o), v128.load(local + o)));
  }
}
