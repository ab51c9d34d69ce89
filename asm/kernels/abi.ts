// The simulator's kernel ABI, kernel side. Every sim kernel module imports this file.
//
// A kernel module is AssemblyScript compiled with `--importMemory --runtime stub --noExportMemory` so it runs
// directly on the device's memory. It must not allocate (no `new`, no strings, no arrays): the device owns
// every byte of that memory. Each entry point is an exported function
//
//     export function <entryName>(args: usize, wgX: u32, wgY: u32, wgZ: u32): void
//
// called once per workgroup by the device (WASM → WASM through a shared function table; no JS round trip).
// One call runs every invocation of that workgroup: the kernel loops over its local ids itself, which is what
// lets kernels use 128-bit SIMD across invocations.
//
// `args` points at the argument block the device wrote before the first workgroup:
//
//   offset  field
//   0       u32 fault          0 = ok; set by the checked accessors below, the device stops the dispatch
//   4       u32 faultBinding   which binding the bad access used
//   8       u32 faultOffset    byte offset of the bad access within that binding
//   12      u32 faultLength    byte length of the bad access
//   16      u32 bindingCount
//   20      u32 constantCount
//   24      u32 workgroupSize  x, y, z   (24, 28, 32)
//   36      u32 workgroupCount x, y, z   (36, 40, 44)
//   48      u32 sharedPtr      per-dispatch scratch of sharedBytes (zeroed before each workgroup)
//   52      u32 sharedBytes
//   56      bindings: bindingCount × { u32 ptr, u32 byteLength }
//   ...     constants: constantCount × u32 (the push constants, in order)
//
// Fault kinds: FAULT_OUT_OF_BOUNDS (faultBinding = the binding, or 0xffffffff for the shared scratch; offset and
// length saturate at 0xffffffff), FAULT_BAD_BINDING (faultBinding = the missing index), FAULT_BAD_CONSTANT
// (faultBinding = the missing push-constant index). Kinds 4 and 5 are the device's own (bad indirect workgroup
// counts, a trap in the kernel).
//
// Bounds are checked per access range, not per element: a kernel calls `reserve()` (or `loadChecked` /
// `storeChecked`) once for the span it is about to touch, so the hot loops stay plain loads and stores.

export const ARG_FAULT: usize = 0;
export const ARG_FAULT_BINDING: usize = 4;
export const ARG_FAULT_OFFSET: usize = 8;
export const ARG_FAULT_LENGTH: usize = 12;
export const ARG_BINDING_COUNT: usize = 16;
export const ARG_CONSTANT_COUNT: usize = 20;
export const ARG_WORKGROUP_SIZE: usize = 24;
export const ARG_WORKGROUP_COUNT: usize = 36;
export const ARG_SHARED_PTR: usize = 48;
export const ARG_SHARED_BYTES: usize = 52;
export const ARG_BINDINGS: usize = 56;
export const FAULT_OUT_OF_BOUNDS: u32 = 1;
export const FAULT_BAD_BINDING: u32 = 2;
export const FAULT_BAD_CONSTANT: u32 = 3;
// Raised by the device itself, never by kernels (asm/device, src/backends/sim/faults.ts); listed so kinds stay unique.
export const FAULT_BAD_INDIRECT_COUNT: u32 = 4;
export const FAULT_TRAP: u32 = 5;
// Raised by HIP-C kernels (the device header of src/backends/sim/hipc/), listed so kinds stay unique.
export const FAULT_BARRIER_DIVERGENCE: u32 = 6;
export const FAULT_LOOP_BUDGET: u32 = 7;

@inline export function workgroupSizeX(args: usize): u32 { return load<u32>(args + ARG_WORKGROUP_SIZE); }
@inline export function workgroupSizeY(args: usize): u32 { return load<u32>(args + ARG_WORKGROUP_SIZE + 4); }
@inline export function workgroupSizeZ(args: usize): u32 { return load<u32>(args + ARG_WORKGROUP_SIZE + 8); }
@inline export function workgroupCountX(args: usize): u32 { return load<u32>(args + ARG_WORKGROUP_COUNT); }
@inline export function workgroupCountY(args: usize): u32 { return load<u32>(args + ARG_WORKGROUP_COUNT + 4); }
@inline export function workgroupCountZ(args: usize): u32 { return load<u32>(args + ARG_WORKGROUP_COUNT + 8); }
@inline export function sharedPtr(args: usize): usize { return <usize>load<u32>(args + ARG_SHARED_PTR); }
@inline export function sharedBytes(args: usize): u32 { return load<u32>(args + ARG_SHARED_BYTES); }
@inline export function faulted(args: usize): bool { return load<u32>(args + ARG_FAULT) != 0; }

/** Records the first fault of this dispatch; later ones are dropped so the report names the first bad access. */
export function raiseFault(args: usize, kind: u32, bindingIndex: u32, byteOffset: u32, byteLength: u32): void {
  if (load<u32>(args + ARG_FAULT) != 0) return;
  store<u32>(args + ARG_FAULT, kind);
  store<u32>(args + ARG_FAULT_BINDING, bindingIndex);
  store<u32>(args + ARG_FAULT_OFFSET, byteOffset);
  store<u32>(args + ARG_FAULT_LENGTH, byteLength);
}

/** Base address of binding `index`, or 0 (with a fault raised) if the dispatch has no such binding. */
export function binding(args: usize, index: u32): usize {
  if (index >= load<u32>(args + ARG_BINDING_COUNT)) {
    raiseFault(args, FAULT_BAD_BINDING, index, 0, 0);
    return 0;
  }
  return <usize>load<u32>(args + ARG_BINDINGS + (<usize>index << 3));
}

/** Byte length of binding `index` (0 if absent). */
export function bindingLength(args: usize, index: u32): u32 {
  if (index >= load<u32>(args + ARG_BINDING_COUNT)) return 0;
  return load<u32>(args + ARG_BINDINGS + (<usize>index << 3) + 4);
}

/** Push constant `index` as raw 32 bits (reinterpret with `reinterpret<f32>` for floats). */
export function constant(args: usize, index: u32): u32 {
  if (index >= load<u32>(args + ARG_CONSTANT_COUNT)) {
    raiseFault(args, FAULT_BAD_CONSTANT, index, 0, 0);
    return 0;
  }
  const bindingCount = <usize>load<u32>(args + ARG_BINDING_COUNT);
  return load<u32>(args + ARG_BINDINGS + (bindingCount << 3) + (<usize>index << 2));
}

/** A fault offset or length that does not fit the u32 report field is reported as this (saturated). */
export const FAULT_VALUE_SATURATED: u32 = 0xffffffff;
/** The `faultBinding` reported for an access outside the workgroup's shared scratch. */
export const FAULT_BINDING_SHARED: u32 = 0xffffffff;

@inline function saturateU32(value: u64): u32 {
  return value > <u64>FAULT_VALUE_SATURATED ? FAULT_VALUE_SATURATED : <u32>value;
}

/**
 * Checks that bytes [byteOffset, byteOffset + byteLength) lie inside binding `index` and returns their address,
 * or returns 0 and raises a fault. Call it once per span before touching memory.
 *
 * Offsets and lengths are 64-bit so that index arithmetic in kernels (`element * 4` for an element near 2^32)
 * cannot wrap around and land back inside the binding; a binding is at most 4 GiB, so anything larger is out of
 * bounds by construction (and is reported saturated to 0xffffffff).
 */
export function reserve(args: usize, index: u32, byteOffset: u64, byteLength: u64): usize {
  const base = binding(args, index);
  if (base == 0) return 0;
  const length = <u64>bindingLength(args, index);
  // Compared without adding offset + length, so no sum can wrap.
  if (byteOffset > length || byteLength > length - byteOffset) {
    raiseFault(args, FAULT_OUT_OF_BOUNDS, index, saturateU32(byteOffset), saturateU32(byteLength));
    return 0;
  }
  return base + <usize>byteOffset;
}

/**
 * Checks that the first `byteLength` bytes of the workgroup's shared scratch exist and returns their address, or
 * returns 0 and raises FAULT_OUT_OF_BOUNDS with binding FAULT_BINDING_SHARED (the executable declared less shared
 * memory than the kernel needs).
 */
export function reserveShared(args: usize, byteLength: u32): usize {
  if (byteLength > sharedBytes(args) || sharedPtr(args) == 0) {
    raiseFault(args, FAULT_OUT_OF_BOUNDS, FAULT_BINDING_SHARED, 0, byteLength);
    return 0;
  }
  return sharedPtr(args);
}

/** One checked element load: element `element` (< 2^61) of type T in binding `index` (0 on fault). */
@inline export function loadChecked<T>(args: usize, index: u32, element: u64): T {
  const p = reserve(args, index, element * <u64>sizeof<T>(), <u64>sizeof<T>());
  return p == 0 ? <T>0 : load<T>(p);
}

/** One checked element store; does nothing (after raising a fault) when out of bounds. */
@inline export function storeChecked<T>(args: usize, index: u32, element: u64, value: T): void {
  const p = reserve(args, index, element * <u64>sizeof<T>(), <u64>sizeof<T>());
  if (p != 0) store<T>(p, value);
}

// --- Invocation ids ------------------------------------------------------------------------------------------
//
// Every sample kernel is one-dimensional over its elements, whatever the dispatch shape: workgroups are numbered
// x-fastest (wg = wgX + countX * (wgY + countY * wgZ)), invocations inside a workgroup likewise, and
//     invocation id = wg * (sizeX * sizeY * sizeZ) + local id.
// Invocations whose id is >= the kernel's element count do nothing. The HIP-C kernels (src/kernels/hip_source.ts)
// compute the same ids from blockIdx / threadIdx, which is what makes the two backends agree element for element.

/** Invocations per workgroup (sizeX * sizeY * sizeZ), 64-bit so a hostile size cannot wrap. */
@inline export function workgroupInvocations(args: usize): u64 {
  return <u64>workgroupSizeX(args) * <u64>workgroupSizeY(args) * <u64>workgroupSizeZ(args);
}

/**
 * Id of the first invocation of workgroup (wgX, wgY, wgZ); 64-bit, since a large grid exceeds 2^32 invocations (the
 * device's workgroup-count and size limits keep it far below 2^64).
 */
export function firstInvocation(args: usize, wgX: u32, wgY: u32, wgZ: u32): u64 {
  const linear = <u64>wgX + <u64>workgroupCountX(args) * (<u64>wgY + <u64>workgroupCountY(args) * <u64>wgZ);
  return linear * workgroupInvocations(args);
}

/**
 * How many of this workgroup's invocations, starting at `first`, fall below `count` (0 when none). At most the
 * workgroup's invocation count, so it fits in u32 whenever the workgroup does.
 */
export function invocationsBelow(args: usize, first: u64, count: u64): u32 {
  if (first >= count) return 0;
  const remaining = count - first;
  const size = workgroupInvocations(args);
  return <u32>(remaining < size ? remaining : size);
}
