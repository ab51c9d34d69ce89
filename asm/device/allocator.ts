// Device memory allocator: segregated free lists with boundary tags and immediate coalescing.
//
// The heap [heapStart, heapEnd) is tiled by blocks whose sizes are multiples of GRANULE (256 bytes). Each block
// starts with a one-granule header; the payload handed out is the next granule, so every device address is
// 256-byte aligned, as on real GPUs. The header keeps the size of the physically previous block (the boundary
// tag), so freeing coalesces with both neighbours in O(1) and the heap never fragments into unusable slivers
// under churn. Headers live outside every payload, and the TS face rejects any range outside an allocation
// before it reaches the device, so user operations never touch them.
//
// Free blocks sit in BIN_COUNT doubly linked lists binned by floor(log2(granules)). Allocation scans the
// request's own bin first-fit, then takes the head of the first non-empty larger bin (any block there fits).

import { GRANULE, BIN_COUNT, binsPtr, heapStart, heapEnd, alignUp } from './layout';

const H_SIZE: usize = 0;       // u32 block size in bytes, header included
const H_PREV_SIZE: usize = 4;  // u32 size of the physically previous block (0 for the first block)
const H_STATE: usize = 8;      // u32 STATE_FREE / STATE_USED; anything else is not a block header
const H_NEXT_FREE: usize = 12; // u32 free-list links (free blocks only)
const H_PREV_FREE: usize = 16;
const H_REQUESTED: usize = 20; // u32 bytes the user asked for (used blocks only)

const STATE_FREE: u32 = 0x46524545; // 'FREE'
const STATE_USED: u32 = 0x55534544; // 'USED'

export const FREE_OK: u32 = 0;
export const FREE_NOT_A_BLOCK: u32 = 1;
export const FREE_NOT_ALLOCATED: u32 = 2;

let freeBytesTotal: usize = 0;

@inline function size(block: usize): usize { return <usize>load<u32>(block + H_SIZE); }

function binOf(blockSize: usize): u32 {
  const granules = <u32>(blockSize / GRANULE);
  const bin: u32 = 31 - clz<u32>(granules);
  return bin < BIN_COUNT ? bin : BIN_COUNT - 1;
}

function pushFree(block: usize): void {
  const head = binsPtr + (<usize>binOf(size(block)) << 2);
  const first = <usize>load<u32>(head);
  store<u32>(block + H_STATE, STATE_FREE);
  store<u32>(block + H_NEXT_FREE, <u32>first);
  store<u32>(block + H_PREV_FREE, 0);
  if (first != 0) store<u32>(first + H_PREV_FREE, <u32>block);
  store<u32>(head, <u32>block);
  freeBytesTotal += size(block);
}

function unlinkFree(block: usize): void {
  const next = <usize>load<u32>(block + H_NEXT_FREE);
  const prev = <usize>load<u32>(block + H_PREV_FREE);
  if (prev != 0) store<u32>(prev + H_NEXT_FREE, <u32>next);
  else store<u32>(binsPtr + (<usize>binOf(size(block)) << 2), <u32>next);
  if (next != 0) store<u32>(next + H_PREV_FREE, <u32>prev);
  freeBytesTotal -= size(block);
}

/** Tells the block after `block` (if any) how big `block` now is. */
@inline function updateNextPrevSize(block: usize): void {
  const next = block + size(block);
  if (next < heapEnd) store<u32>(next + H_PREV_SIZE, <u32>size(block));
}

/** Makes the whole heap one free block. Called once by init. */
export function resetHeap(): void {
  for (let i: u32 = 0; i < BIN_COUNT; i++) store<u32>(binsPtr + (<usize>i << 2), 0);
  freeBytesTotal = 0;
  store<u32>(heapStart + H_SIZE, <u32>(heapEnd - heapStart));
  store<u32>(heapStart + H_PREV_SIZE, 0);
  pushFree(heapStart);
}

/** Returns a 256-byte aligned address of at least `byteLength` bytes, or 0 when no free block is big enough. */
export function alloc(byteLength: u32): usize {
  if (byteLength == 0) return 0;
  const payload = alignUp(<usize>byteLength, GRANULE);
  if (payload < <usize>byteLength || payload > heapEnd - heapStart) return 0;
  const need = payload + GRANULE;
  let found: usize = 0;
  // The request's own bin may hold smaller blocks: first fit. Every block in a larger bin fits: take the head.
  const firstBin = binOf(need);
  let block = <usize>load<u32>(binsPtr + (<usize>firstBin << 2));
  while (block != 0) {
    if (size(block) >= need) { found = block; break; }
    block = <usize>load<u32>(block + H_NEXT_FREE);
  }
  for (let bin = firstBin + 1; found == 0 && bin < BIN_COUNT; bin++) {
    found = <usize>load<u32>(binsPtr + (<usize>bin << 2));
  }
  if (found == 0) return 0;
  unlinkFree(found);
  const total = size(found);
  if (total - need >= 2 * GRANULE) {
    // Split: the tail becomes a free block of its own.
    store<u32>(found + H_SIZE, <u32>need);
    const rest = found + need;
    store<u32>(rest + H_SIZE, <u32>(total - need));
    store<u32>(rest + H_PREV_SIZE, <u32>need);
    updateNextPrevSize(rest);
    pushFree(rest);
  }
  store<u32>(found + H_STATE, STATE_USED);
  store<u32>(found + H_REQUESTED, byteLength);
  return found + GRANULE;
}

/** Frees an address returned by alloc; rejects anything else without touching the heap. */
export function free(address: usize): u32 {
  if (address < heapStart + GRANULE || address >= heapEnd || ((address - heapStart) & (GRANULE - 1)) != 0) {
    return FREE_NOT_A_BLOCK;
  }
  let block = address - GRANULE;
  const state = load<u32>(block + H_STATE);
  if (state == STATE_FREE) return FREE_NOT_ALLOCATED;
  if (state != STATE_USED) return FREE_NOT_A_BLOCK;

  const next = block + size(block);
  if (next < heapEnd && load<u32>(next + H_STATE) == STATE_FREE) {
    unlinkFree(next);
    store<u32>(block + H_SIZE, <u32>(size(block) + size(next)));
    store<u32>(next + H_STATE, 0); // a stale pointer to the absorbed block must not look like a header
  }
  const prevSize = <usize>load<u32>(block + H_PREV_SIZE);
  if (prevSize != 0) {
    const prev = block - prevSize;
    if (load<u32>(prev + H_STATE) == STATE_FREE) {
      unlinkFree(prev);
      store<u32>(prev + H_SIZE, <u32>(size(prev) + size(block)));
      store<u32>(block + H_STATE, 0);
      block = prev;
    }
  }
  updateNextPrevSize(block);
  pushFree(block);
  return FREE_OK;
}

/** Bytes in free blocks, headers included (so a fully freed heap reports heapEnd - heapStart). */
export function freeBytes(): usize { return freeBytesTotal; }

/** The largest payload a single alloc could return now. */
export function largestFreeBytes(): usize {
  let best: usize = 0;
  for (let bin: u32 = 0; bin < BIN_COUNT; bin++) {
    let block = <usize>load<u32>(binsPtr + (<usize>bin << 2));
    while (block != 0) {
      if (size(block) > best) best = size(block);
      block = <usize>load<u32>(block + H_NEXT_FREE);
    }
  }
  return best >= GRANULE ? best - GRANULE : 0;
}

/**
 * Walks the heap and the free lists and checks every invariant; returns 0 when intact, otherwise a code naming
 * the first broken one. For tests (allocator churn) and debugging; O(blocks).
 */
export function checkHeap(): u32 {
  let block = heapStart;
  let prevSize: usize = 0;
  let freeSeen: usize = 0;
  let prevFree = false;
  while (block < heapEnd) {
    const s = size(block);
    if (s < GRANULE || (s & (GRANULE - 1)) != 0 || block + s > heapEnd) return 1;
    if (<usize>load<u32>(block + H_PREV_SIZE) != prevSize) return 2;
    const state = load<u32>(block + H_STATE);
    if (state == STATE_FREE) {
      if (prevFree) return 3; // two adjacent free blocks: a missed coalesce
      freeSeen += s;
      prevFree = true;
    } else if (state == STATE_USED) {
      prevFree = false;
    } else {
      return 4;
    }
    prevSize = s;
    block += s;
  }
  if (block != heapEnd) return 5;
  if (freeSeen != freeBytesTotal) return 6;
  let listed: usize = 0;
  for (let bin: u32 = 0; bin < BIN_COUNT; bin++) {
    let b = <usize>load<u32>(binsPtr + (<usize>bin << 2));
    let prev: usize = 0;
    while (b != 0) {
      if (load<u32>(b + H_STATE) != STATE_FREE || binOf(size(b)) != bin) return 7;
      if (<usize>load<u32>(b + H_PREV_FREE) != prev) return 8;
      listed += size(b);
      prev = b;
      b = <usize>load<u32>(b + H_NEXT_FREE);
    }
  }
  return listed == freeBytesTotal ? 0 : 9;
}
