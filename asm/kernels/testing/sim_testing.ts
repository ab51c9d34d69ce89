// Test-only kernels for the simulator's own tests (test/backends/sim). Each exercises one part of the dispatch path:
// argument block, workgroup grid, shared scratch, bounds faults, traps, ordering.
import {
  reserve, constant, binding, bindingLength, storeChecked, loadChecked,
  workgroupSizeX, workgroupCountX, workgroupCountY, sharedPtr, sharedBytes,
} from '../abi';

/** out[i] = a[i] + b[i] for i < n (constant 0); 1-D, workgroupSize.x invocations per workgroup. */
export function add_u32(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const n = constant(args, 0);
  const size = workgroupSizeX(args);
  const first = wgX * size;
  if (first >= n) return;
  const count = min<u32>(size, n - first);
  const a = reserve(args, 0, first << 2, count << 2);
  const b = reserve(args, 1, first << 2, count << 2);
  const out = reserve(args, 2, first << 2, count << 2);
  if (a == 0 || b == 0 || out == 0) return;
  for (let i: u32 = 0; i < count; i++) {
    store<u32>(out + (<usize>i << 2), load<u32>(a + (<usize>i << 2)) + load<u32>(b + (<usize>i << 2)));
  }
}

/** Writes x + 1000·y + 1000000·z + 1 at the workgroup's linear index in binding 0 (proves grid coverage). */
export function workgroup_ids(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const linear = (wgZ * workgroupCountY(args) + wgY) * workgroupCountX(args) + wgX;
  storeChecked<u32>(args, 0, linear, wgX + 1000 * wgY + 1000000 * wgZ + 1);
}

/**
 * Shared scratch check: each workgroup reads its scratch (must be zero), writes a marker into it, then stores
 * (sum of the scratch as found) and the scratch size at out[2·wg], out[2·wg + 1].
 */
export function shared_probe(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const scratch = sharedPtr(args);
  const bytes = sharedBytes(args);
  let sum: u32 = 0;
  for (let i: u32 = 0; i < bytes; i += 4) sum += load<u32>(scratch + i);
  for (let i: u32 = 0; i < bytes; i += 4) store<u32>(scratch + i, 0xdeadbeef);
  storeChecked<u32>(args, 0, wgX * 2, sum);
  storeChecked<u32>(args, 0, wgX * 2 + 1, bytes);
}

/** x = x·10 + digit for the u32 at binding 0 element 0 (digit = constant 0): order-sensitive, to expose races. */
export function append_digit(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const value = loadChecked<u32>(args, 0, 0);
  storeChecked<u32>(args, 0, 0, value * 10 + constant(args, 0));
}

/**
 * Writes 1 to element wgX of binding 0 for every workgroup, except that workgroup constant(0) writes element
 * constant(1) instead: out of bounds when constant(1) ≥ the binding's length, which must fault.
 */
export function store_at(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const element = wgX == constant(args, 0) ? constant(args, 1) : wgX;
  storeChecked<u32>(args, 0, element, wgX + 1);
}

/** Asks for a binding the launch does not have. */
export function missing_binding(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  const p = binding(args, 7);
  if (p != 0) store<u32>(p, bindingLength(args, 7));
}

/** Traps (unreachable): the device must turn this into a fault, not a crash. */
export function trap(args: usize, wgX: u32, wgY: u32, wgZ: u32): void {
  unreachable();
}

/** Not a kernel: the wrong signature, so it must never reach the function table. */
export function not_a_kernel(x: u32): u32 {
  return x + 1;
}
