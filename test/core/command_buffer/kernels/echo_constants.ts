// A test-only simulator kernel (AssemblyScript, compiled at test time by test/core/command_buffer/echo_kernel.ts):
// copies every push constant it can see into binding 0, so a test can check that all of them reach the kernel.
import { bindingLength, constant, storeChecked } from '../../../../asm/kernels/abi';

/** out[i] = constant(i) for every u32 element of binding 0 (a missing constant faults the dispatch). */
export function echo_constants(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  if (wgX != 0 || wgY != 0 || wgZ != 0) return;
  const n = bindingLength(args, 0) >> 2;
  for (let i: u32 = 0; i < n; i++) storeChecked<u32>(args, 0, i, constant(args, i));
}
