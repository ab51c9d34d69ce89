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

/**
 * Checks that bytes [byteOffset, byteOffset + byteLength) lie inside binding `index` and returns their address,
 * or returns 0 and raises a fault. Call it once per span before touching memory.
 */
export function reserve(args: usize, index: u32, byteOffset: u32, byteLength: u32): usize {
  const base = binding(args, index);
  if (base == 0) return 0;
  const length = bindingLength(args, index);
  // 64-bit sum so offset + length cannot wrap around and sneak past the check.
  if (<u64>byteOffset + <u64>byteLength > <u64>length) {
    raiseFault(args, FAULT_OUT_OF_BOUNDS, index, byteOffset, byteLength);
    return 0;
  }
  return base + <usize>byteOffset;
}

/** One checked element load: element `element` of type T in binding `index` (0 on fault). */
@inline export function loadChecked<T>(args: usize, index: u32, element: u32): T {
  const p = reserve(args, index, element * sizeof<T>(), sizeof<T>());
  return p == 0 ? <T>0 : load<T>(p);
}

/** One checked element store; does nothing (after raising a fault) when out of bounds. */
@inline export function storeChecked<T>(args: usize, index: u32, element: u32, value: T): void {
  const p = reserve(args, index, element * sizeof<T>(), sizeof<T>());
  if (p != 0) store<T>(p, value);
}
