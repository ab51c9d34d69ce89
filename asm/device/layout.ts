// Where the device keeps its own state inside the shared memory, below the heap that device allocations come from.
//
//   [0, __heap_base)          the device module's static data (AssemblyScript globals and constants)
//   bins                      free-list heads of the allocator (BIN_COUNT × u32)
//   stream argument block     the kernel argument block (asm/kernels/abi.ts) for stream launches
//   shared scratch            per-workgroup shared memory, zeroed before each workgroup
//   [heapStart, heapEnd)      device memory: user allocations and device-owned graph/argument blocks
//
// Kernel modules import the same memory and carry no data segments, so nothing else ever writes below heapStart.

export const GRANULE: u32 = 256;
export const BIN_COUNT: u32 = 32;
export const STREAM_ARGS_BYTES: u32 = 4096;

export let binsPtr: usize = 0;
export let streamArgsPtr: usize = 0;
export let sharedScratchPtr: usize = 0;
export let sharedScratchBytes: u32 = 0;
export let heapStart: usize = 0;
export let heapEnd: usize = 0;

@inline export function alignUp(value: usize, alignment: usize): usize {
  return (value + alignment - 1) & ~(alignment - 1);
}

/** Lays out the regions above; returns heapStart, or 0 when the memory is too small for any heap. */
export function layoutRegions(memoryBytes: usize, maxSharedBytes: u32): usize {
  binsPtr = alignUp(__heap_base, 16);
  streamArgsPtr = alignUp(binsPtr + BIN_COUNT * 4, GRANULE);
  sharedScratchPtr = streamArgsPtr + STREAM_ARGS_BYTES;
  sharedScratchBytes = maxSharedBytes;
  heapStart = alignUp(sharedScratchPtr + maxSharedBytes, GRANULE);
  heapEnd = memoryBytes & ~(<usize>GRANULE - 1);
  if (heapEnd < heapStart + 2 * GRANULE) return 0;
  return heapStart;
}
