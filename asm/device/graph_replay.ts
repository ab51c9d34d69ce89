// Graph replay: launches an instantiated graph node by node, entirely inside WASM.
//
// The TS face freezes a graph at instantiate time into one device-owned block (src/backends/sim/graph_exec.ts
// writes it; the offsets below are the contract between the two):
//
//   header   u32 nodeCount, then u32 offsets (from the block start) of each array below
//   records  nodeCount × 32 bytes: u32 kind, u32 a, b, c, d, e, f64 cost (virtual ns, overhead included)
//   CSR      succStart (nodeCount + 1) × u32 and succ (edges) × u32: each node's dependents
//   indeg    nodeCount × u32 (static in-degrees); work: nodeCount × u32 (replay copy)
//   ready    nodeCount × u32 (the ready set); start: nodeCount × f64 (earliest start); trace: nodeCount × u32
//
// Order: Kahn's algorithm, picking a seeded-random member of the ready set each step, so every legal
// topological order can appear and a seed fixes which one. Time: a node starts at the latest end of its
// dependencies (roots at the launch start); the graph ends at the latest node end.

import { randomBelow } from './random';
import { memcpy, fillPattern } from './memops';
import { dispatch, loadIndirectCounts, workgroupTotal } from './dispatch';

export const NODE_EMPTY: u32 = 0;
export const NODE_MEMSET: u32 = 1;   // a = dst, b = 4-byte pattern, c = byte length
export const NODE_MEMCPY: u32 = 2;   // a = dst, b = src, c = byte length
export const NODE_KERNEL: u32 = 3;   // a = function table index, b = argument block, c = indirect counts (0: direct)

/** Bytes per node record (see the layout above). */
export const GRAPH_RECORD_BYTES: usize = 32;
/** Bytes reserved for the header; the records start there. */
export const GRAPH_HEADER_BYTES: usize = 64;

export const H_NODE_COUNT: usize = 0;
export const H_RECORDS: usize = 4;
export const H_SUCC_START: usize = 8;
export const H_SUCC: usize = 12;
export const H_INDEG: usize = 16;
export const H_WORK: usize = 20;
export const H_READY: usize = 24;
export const H_START: usize = 28;
export const H_TRACE: usize = 32;

let computeUnits: f64 = 1;
let workgroupNs: f64 = 0;
let graphEnd: f64 = 0;
let graphFaultKind: u32 = 0;
let replayNode: i32 = -1;

export function setKernelCostModel(units: u32, nsPerWorkgroupWave: f64): void {
  computeUnits = <f64>max<u32>(units, 1);
  workgroupNs = nsPerWorkgroupWave;
}

/** Virtual end time of the last replay. */
export function lastGraphEnd(): f64 { return graphEnd; }
/** The node the last replay was running when it stopped (the node a trap came from). */
export function lastReplayNode(): i32 { return replayNode; }
/** Fault kind of the node that stopped the last replay (0 if none). */
export function lastGraphFault(): u32 { return graphFaultKind; }

/** Virtual cost of the workgroups of the launch at `args`: waves of `computeUnits` workgroups. */
@inline export function workgroupWaveCost(args: usize): f64 {
  return Math.ceil(workgroupTotal(args) / computeUnits) * workgroupNs;
}

/**
 * Replays the graph at `exec` starting at virtual time `t0`. Returns -1 when every node ran, otherwise the index
 * of the kernel node that faulted (the replay stops there; lastGraphFault() says how). When `trace` is set, the
 * execution order is written to the trace array.
 */
export function replayGraph(exec: usize, t0: f64, trace: bool): i32 {
  const n = <usize>load<u32>(exec + H_NODE_COUNT);
  const records = exec + <usize>load<u32>(exec + H_RECORDS);
  const succStart = exec + <usize>load<u32>(exec + H_SUCC_START);
  const succ = exec + <usize>load<u32>(exec + H_SUCC);
  const indeg = exec + <usize>load<u32>(exec + H_INDEG);
  const work = exec + <usize>load<u32>(exec + H_WORK);
  const ready = exec + <usize>load<u32>(exec + H_READY);
  const start = exec + <usize>load<u32>(exec + H_START);
  const traceOut = exec + <usize>load<u32>(exec + H_TRACE);

  memory.copy(work, indeg, n << 2);
  let readyCount: u32 = 0;
  for (let i: usize = 0; i < n; i++) {
    store<f64>(start + (i << 3), t0);
    if (load<u32>(indeg + (i << 2)) == 0) {
      store<u32>(ready + (<usize>readyCount << 2), <u32>i);
      readyCount++;
    }
  }
  let end = t0;
  let done: usize = 0;
  graphFaultKind = 0;
  while (readyCount != 0) {
    const pick = randomBelow(readyCount);
    const node = <usize>load<u32>(ready + (<usize>pick << 2));
    readyCount--;
    store<u32>(ready + (<usize>pick << 2), load<u32>(ready + (<usize>readyCount << 2)));
    if (trace) store<u32>(traceOut + (done << 2), <u32>node);
    replayNode = <i32>node;
    done++;

    const record = records + node * GRAPH_RECORD_BYTES;
    let cost = load<f64>(record, 24);
    const kind = load<u32>(record);
    if (kind == NODE_MEMSET) {
      fillPattern(<usize>load<u32>(record, 4), load<u32>(record, 8), <usize>load<u32>(record, 12));
    } else if (kind == NODE_MEMCPY) {
      memcpy(<usize>load<u32>(record, 4), <usize>load<u32>(record, 8), load<u32>(record, 12));
    } else if (kind == NODE_KERNEL) {
      const args = <usize>load<u32>(record, 8);
      const countsPtr = <usize>load<u32>(record, 12);
      let fault: u32 = 0;
      if (countsPtr != 0) fault = loadIndirectCounts(args, countsPtr);
      if (fault == 0) fault = dispatch(load<u32>(record, 4), args);
      if (fault != 0) {
        graphFaultKind = fault;
        graphEnd = end;
        return <i32>node;
      }
      cost += workgroupWaveCost(args);
    }

    const nodeEnd = load<f64>(start + (node << 3)) + cost;
    if (nodeEnd > end) end = nodeEnd;
    const first = <usize>load<u32>(succStart + (node << 2));
    const last = <usize>load<u32>(succStart + (node << 2), 4);
    for (let e = first; e < last; e++) {
      const s = <usize>load<u32>(succ + (e << 2));
      const sStart = start + (s << 3);
      if (load<f64>(sStart) < nodeEnd) store<f64>(sStart, nodeEnd);
      const remaining = load<u32>(work + (s << 2)) - 1;
      store<u32>(work + (s << 2), remaining);
      if (remaining == 0) {
        store<u32>(ready + (<usize>readyCount << 2), <u32>s);
        readyCount++;
      }
    }
  }
  graphEnd = end;
  replayNode = -1;
  return -1;
}
