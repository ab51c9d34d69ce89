// Kernel dispatch: runs every workgroup of a launch by calling the kernel's entry point through the shared
// function table (call_indirect): WASM calling WASM, no JS round trip per workgroup. The argument block layout
// is asm/kernels/abi.ts; the device clears its fault word before the first workgroup and checks it after each.
// Workgroup (0, 0, 0) runs first in every dispatch: HIP-C kernels clear their memory checker's cached windows (which
// name the dispatch's bindings) there and keep them for the dispatch's other workgroups. A HIP-C entry may run a
// row of workgroups in one call (setRunningWorkgroupX), beginning each after the first as this loop would.

const ARG_FAULT: usize = 0;
const ARG_FAULT_BINDING: usize = 4;
const ARG_FAULT_OFFSET: usize = 8;
const ARG_FAULT_LENGTH: usize = 12;
const ARG_WORKGROUP_COUNT: usize = 36;
const ARG_SHARED_PTR: usize = 48;
const ARG_SHARED_BYTES: usize = 52;

/** Fault kind the device itself raises when an indirect launch's workgroup counts exceed the device limits. */
export const FAULT_BAD_INDIRECT_COUNT: u32 = 4;

let maxCountX: u32 = 65535;
let maxCountY: u32 = 65535;
let maxCountZ: u32 = 65535;

/** Coordinates of the workgroup running (or, after a fault or trap, the one that stopped the dispatch). */
export let faultWorkgroupX: u32 = 0;
export let faultWorkgroupY: u32 = 0;
export let faultWorkgroupZ: u32 = 0;

/** Largest scratch cleared with plain stores; larger ones use memory.fill. */
const SMALL_CLEAR: usize = 512;

/**
 * Zeroes the workgroup's shared scratch. V8 runs memory.fill as a call into the engine, about 40 ns however few the
 * bytes, and a HIP-C kernel's scratch (its module statics: the built-in variables, small __shared__ variables) is
 * usually a few dozen bytes, cleared before every workgroup: more than the whole workgroup of a small kernel costs.
 */
@inline function clearScratch(at: usize, bytes: usize): void {
  if (bytes > SMALL_CLEAR) {
    memory.fill(at, 0, bytes);
    return;
  }
  const end = at + bytes;
  for (; at + 8 <= end; at += 8) store<u64>(at, 0);
  for (; at < end; at++) store<u8>(at, 0);
}

/**
 * Called by a kernel entry that runs a row of consecutive workgroups (x, x + 1, ... with the same y and z) in one
 * call, as it begins each one after the first: a fault then names the right workgroup, and the dispatch goes on
 * after the last workgroup the entry ran. The entry must not go past the last x of the launch.
 */
export function setRunningWorkgroupX(x: u32): void {
  faultWorkgroupX = x;
}

export function setWorkgroupCountLimits(x: u32, y: u32, z: u32): void {
  maxCountX = x; maxCountY = y; maxCountZ = z;
}

/**
 * Runs all workgroups of the launch whose argument block (with its workgroup counts) is at `args`.
 * Returns the fault kind (0 when every workgroup ran cleanly); the first faulting workgroup stops the dispatch.
 */
export function dispatch(fn: u32, args: usize): u32 {
  store<u32>(args + ARG_FAULT, 0);
  store<u32>(args + ARG_FAULT_BINDING, 0);
  store<u32>(args + ARG_FAULT_OFFSET, 0);
  store<u32>(args + ARG_FAULT_LENGTH, 0);
  const countX = load<u32>(args + ARG_WORKGROUP_COUNT);
  const countY = load<u32>(args + ARG_WORKGROUP_COUNT + 4);
  const countZ = load<u32>(args + ARG_WORKGROUP_COUNT + 8);
  const shared = <usize>load<u32>(args + ARG_SHARED_PTR);
  const sharedBytes = <usize>load<u32>(args + ARG_SHARED_BYTES);
  for (let z: u32 = 0; z < countZ; z++) {
    for (let y: u32 = 0; y < countY; y++) {
      for (let x: u32 = 0; x < countX; x++) {
        if (sharedBytes != 0) clearScratch(shared, sharedBytes);
        faultWorkgroupX = x; faultWorkgroupY = y; faultWorkgroupZ = z;
        call_indirect<void>(fn, args, x, y, z);
        // An entry may run a row of workgroups in one call (setRunningWorkgroupX): go on after its last one.
        x = faultWorkgroupX;
        const fault = load<u32>(args + ARG_FAULT);
        if (fault != 0) return fault;
      }
    }
  }
  return 0;
}

/**
 * Copies an indirect launch's workgroup counts (three u32 at `countsPtr`) into the argument block and checks them
 * against the device limits; returns 0 or FAULT_BAD_INDIRECT_COUNT (recorded in the argument block).
 */
export function loadIndirectCounts(args: usize, countsPtr: usize): u32 {
  const x = load<u32>(countsPtr);
  const y = load<u32>(countsPtr + 4);
  const z = load<u32>(countsPtr + 8);
  store<u32>(args + ARG_WORKGROUP_COUNT, x);
  store<u32>(args + ARG_WORKGROUP_COUNT + 4, y);
  store<u32>(args + ARG_WORKGROUP_COUNT + 8, z);
  if (x > maxCountX || y > maxCountY || z > maxCountZ) {
    store<u32>(args + ARG_FAULT, FAULT_BAD_INDIRECT_COUNT);
    store<u32>(args + ARG_FAULT_BINDING, 0);
    store<u32>(args + ARG_FAULT_OFFSET, 0);
    store<u32>(args + ARG_FAULT_LENGTH, 12);
    return FAULT_BAD_INDIRECT_COUNT;
  }
  return 0;
}

/** Total workgroups of the launch at `args` (for the cost of indirect launches, known only at execution). */
export function workgroupTotal(args: usize): f64 {
  return <f64>load<u32>(args + ARG_WORKGROUP_COUNT) * <f64>load<u32>(args + ARG_WORKGROUP_COUNT + 4) *
    <f64>load<u32>(args + ARG_WORKGROUP_COUNT + 8);
}
