// The simulated GPU's device module. It shares one WebAssembly.Memory with every kernel module and imports the
// function table that kernel entry points are placed in. The TS face (src/backends/sim/) keeps the host-side
// bookkeeping (handles, stream queues, the scheduler); everything that touches device memory in bulk runs here:
//
//   layout.ts        where the device's own state sits below the heap
//   allocator.ts     device memory (segregated free lists, boundary tags, coalescing)
//   memops.ts        memset 8/16/32 and memcpy (bulk memory + SIMD)
//   dispatch.ts      kernel workgroups via call_indirect, fault checks
//   graph_replay.ts  instantiated graphs replayed in a seeded topological order
//   random.ts        the seeded PRNG behind every simulator choice
//   contract.ts      the constants shared with the TS face, which checks them all at device creation

import * as layout from './layout';
import { resetHeap } from './allocator';
import { randomBelow } from './random';
import * as dispatcher from './dispatch';

export { alloc, free, freeBytes, largestFreeBytes, checkHeap } from './allocator';
export { memcpy, fillPattern as fill } from './memops';
export { dispatch, loadIndirectCounts, setWorkgroupCountLimits, setRunningWorkgroupX } from './dispatch';
export { replayGraph, lastGraphEnd, lastGraphFault, lastReplayNode, setKernelCostModel } from './graph_replay';
export { seedRandom } from './random';
export { contractValue } from './contract';

/** Lays out the device in `memoryBytes` of shared memory; returns 1, or 0 if the memory is too small. */
export function init(memoryBytes: u32, maxSharedBytes: u32): u32 {
  if (layout.layoutRegions(<usize>memoryBytes, maxSharedBytes) == 0) return 0;
  resetHeap();
  return 1;
}

export function random(n: u32): u32 { return randomBelow(n); }
export function heapStart(): usize { return layout.heapStart; }
export function heapEnd(): usize { return layout.heapEnd; }
export function streamArgsPtr(): usize { return layout.streamArgsPtr; }
export function sharedScratchPtr(): usize { return layout.sharedScratchPtr; }
export function faultWorkgroupX(): u32 { return dispatcher.faultWorkgroupX; }
export function faultWorkgroupY(): u32 { return dispatcher.faultWorkgroupY; }
export function faultWorkgroupZ(): u32 { return dispatcher.faultWorkgroupZ; }
