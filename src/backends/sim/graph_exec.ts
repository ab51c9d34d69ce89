/**
 * Instantiated graphs: a graph frozen into one device-owned block in WASM memory, in the layout that
 * asm/device/graph_replay.ts replays (header, fixed-size node records, CSR dependents, in-degrees, replay scratch,
 * then the argument blocks of kernel nodes). Launching replays it entirely inside WASM.
 *
 * The block stays alive while launches of it are queued, even if the exec is destroyed meanwhile.
 */
import { invalidArgument } from '../../core/errors.js';
import type { Allocation, Allocations } from './allocations.js';
import type { Costs } from './cost_model.js';
import type { SimGraph } from './graphs.js';
import type { PreparedLaunch } from './kernel_launch.js';
import type { KernelFunction } from './modules.js';
import type { WasmDevice } from './wasm_device.js';
import { DEVICE_CONTRACT } from './device_contract.js';

const { NODE_EMPTY, NODE_MEMSET, NODE_MEMCPY, NODE_KERNEL, GRAPH_HEADER_BYTES: HEADER_BYTES, GRAPH_RECORD_BYTES: RECORD_BYTES } = DEVICE_CONTRACT;
const H = DEVICE_CONTRACT;

const align8 = (n: number): number => (n + 7) & ~7;

export class GraphExec {
  /** Pending launches holding the block alive. */
  pendingLaunches = 0;
  destroyed = false;
  private released = false;

  private constructor(
    readonly base: number,
    readonly nodeCount: number,
    /** Every allocation a node touches, re-checked at each launch. */
    readonly allocations: readonly Allocation[],
    readonly functions: readonly KernelFunction[],
    /** Kernel nodes by node index: where their argument block lives, for fault reports. */
    readonly kernelNodes: ReadonlyMap<number, { readonly launch: PreparedLaunch; readonly argsPtr: number }>,
    readonly traceOffset: number,
    private readonly allocationsRegistry: Allocations,
  ) {}

  static instantiate(graph: SimGraph, device: WasmDevice, allocations: Allocations, costs: Costs): GraphExec {
    const cycleNode = graph.findCycleNode();
    if (cycleNode >= 0) throw invalidArgument(`graphInstantiate: graph has a dependency cycle through node #${cycleNode}`);
    const n = graph.nodes.length;
    const e = graph.edgeCount;
    const touched = new Set<Allocation>();
    const functions = new Set<KernelFunction>();
    let argBytes = 0;
    graph.nodes.forEach((node, i) => {
      const used = node.kind === 'kernel' ? node.launch.allocations : node.kind === 'empty' ? [] : node.allocations;
      for (const a of used) {
        if (!a.live || a.freeing) {
          throw invalidArgument(`graphInstantiate: node #${i} (${node.kind}) uses the allocation at 0x${a.ptr.toString(16)}, which was freed`);
        }
        touched.add(a);
      }
      if (node.kind === 'kernel') {
        if (!node.launch.fn.live) throw invalidArgument(`graphInstantiate: node #${i} uses kernel '${node.launch.fn.name}', whose module was unloaded`);
        functions.add(node.launch.fn);
        argBytes += align8(node.launch.argBlock.byteLength);
      }
    });

    const records = HEADER_BYTES;
    const succStart = records + n * RECORD_BYTES;
    const succ = succStart + (n + 1) * 4;
    const indeg = succ + e * 4;
    const work = indeg + n * 4;
    const ready = work + n * 4;
    const start = align8(ready + n * 4);
    const trace = start + n * 8;
    const args = align8(trace + n * 4);
    const total = args + argBytes;
    const base = allocations.allocateRaw(total, `graphInstantiate (${n} nodes, ${e} edges)`);

    const { u32, f64, u8 } = device;
    const header = (offset: number, value: number): void => {
      u32[(base + offset) >>> 2] = value;
    };
    header(H.H_NODE_COUNT, n);
    header(H.H_RECORDS, records);
    header(H.H_SUCC_START, succStart);
    header(H.H_SUCC, succ);
    header(H.H_INDEG, indeg);
    header(H.H_WORK, work);
    header(H.H_READY, ready);
    header(H.H_START, start);
    header(H.H_TRACE, trace);

    // CSR of dependents: count, prefix-sum, fill.
    const counts = new Uint32Array(n + 1);
    for (const deps of graph.dependencies) for (const d of deps) counts[d]!++;
    const startW = (base + succStart) >>> 2;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      u32[startW + i] = sum;
      sum += counts[i]!;
    }
    u32[startW + n] = sum;
    const fill = new Uint32Array(n);
    const succW = (base + succ) >>> 2;
    const indegW = (base + indeg) >>> 2;
    graph.dependencies.forEach((deps, node) => {
      u32[indegW + node] = deps.length;
      for (const d of deps) u32[succW + u32[startW + d]! + fill[d]!++] = node;
    });

    const kernelNodes = new Map<number, { launch: PreparedLaunch; argsPtr: number }>();
    let argsPtr = base + args;
    const nodeCost = costs.model.graphNodeNs;
    // A node record: its kind, three words whose meaning the kind decides (asm/device/graph_replay.ts reads them),
    // then its cost as an f64 at byte 24.
    graph.nodes.forEach((node, i) => {
      const r = (base + records + i * RECORD_BYTES) >>> 2;
      let cost = nodeCost;
      switch (node.kind) {
        case 'empty':
          u32[r] = NODE_EMPTY;
          break;
        case 'memset':
          u32.set([NODE_MEMSET, node.dst, node.pattern, node.byteLength], r);
          cost += costs.deviceBytes(node.byteLength);
          break;
        case 'memcpy':
          u32.set([NODE_MEMCPY, node.dst, node.src, node.byteLength], r);
          cost += costs.deviceBytes(node.byteLength);
          break;
        case 'kernel':
          u32.set([NODE_KERNEL, node.launch.fn.tableIndex, argsPtr, node.launch.indirectPtr], r);
          u8.set(new Uint8Array(node.launch.argBlock.buffer, node.launch.argBlock.byteOffset, node.launch.argBlock.byteLength), argsPtr);
          kernelNodes.set(i, { launch: node.launch, argsPtr });
          argsPtr += align8(node.launch.argBlock.byteLength);
          // The workgroup waves are added by the device at replay (indirect counts are known only then).
          break;
      }
      f64[(base + records + i * RECORD_BYTES + 24) >>> 3] = cost;
    });
    return new GraphExec(base, n, [...touched], [...functions], kernelNodes, trace, allocations);
  }

  /** Node indices in the order of the last traced replay. */
  readTrace(device: WasmDevice): number[] {
    const from = (this.base + this.traceOffset) >>> 2;
    return Array.from(device.u32.subarray(from, from + this.nodeCount));
  }

  /** Frees the device block once the exec is destroyed and no launch of it is pending. */
  releaseIfUnused(): void {
    if (this.released || !this.destroyed || this.pendingLaunches > 0) return;
    this.released = true;
    this.allocationsRegistry.freeRaw(this.base);
  }
}
