/**
 * Graphs under construction: nodes (empty / memset / memcpy / kernel) with explicit dependencies, each node
 * validated when it is added (ranges inside live allocations, kernel launches complete), so instantiate only
 * has to check the shape: no cycle (possible through `graphAddDependencies`) and resources still alive.
 * graph_exec.ts freezes a graph into its launchable form.
 */
import { invalidArgument } from '../../core/errors.js';
import type { Allocation } from './allocations.js';
import type { PreparedLaunch } from './kernel_launch.js';
import { describe } from '../../core/validation.js';

export type GraphNodeSpec =
  | { readonly kind: 'empty' }
  | { readonly kind: 'memset'; readonly dst: number; readonly pattern: number; readonly byteLength: number; readonly allocations: readonly Allocation[]; readonly label: string }
  | { readonly kind: 'memcpy'; readonly dst: number; readonly src: number; readonly byteLength: number; readonly allocations: readonly Allocation[]; readonly label: string }
  | { readonly kind: 'kernel'; readonly launch: PreparedLaunch };

export class SimGraph {
  readonly nodes: GraphNodeSpec[] = [];
  /** Per node: the indices of the nodes it depends on (each earlier-added unless added by addDependency). */
  readonly dependencies: number[][] = [];
  /** Handles of the nodes, so destroying the graph invalidates them. */
  readonly nodeHandles: unknown[] = [];
  edgeCount = 0;

  constructor(readonly id: number) {}

  /** Adds a node depending on `dependencies` (indices into this graph, already validated); returns its index. */
  addNode(spec: GraphNodeSpec, dependencies: number[]): number {
    const unique = dependencies.length > 1 ? [...new Set(dependencies)] : dependencies;
    this.nodes.push(spec);
    this.dependencies.push(unique);
    this.edgeCount += unique.length;
    return this.nodes.length - 1;
  }

  /** Adds the edge from → to (to waits for from); a repeated edge is ignored. */
  addDependency(from: number, to: number): void {
    const deps = this.dependencies[to]!;
    if (deps.includes(from)) return;
    deps.push(from);
    this.edgeCount++;
  }

  /** A node on a cycle, or -1 when the graph is acyclic (Kahn's algorithm). */
  findCycleNode(): number {
    const n = this.nodes.length;
    const indegree = new Uint32Array(n);
    const dependents: number[][] = Array.from({ length: n }, () => []);
    this.dependencies.forEach((deps, node) => {
      indegree[node] = deps.length;
      for (const d of deps) dependents[d]!.push(node);
    });
    const ready: number[] = [];
    for (let i = 0; i < n; i++) if (indegree[i] === 0) ready.push(i);
    let visited = 0;
    while (ready.length > 0) {
      const node = ready.pop()!;
      visited++;
      for (const s of dependents[node]!) if (--indegree[s]! === 0) ready.push(s);
    }
    if (visited === n) return -1;
    for (let i = 0; i < n; i++) if (indegree[i]! > 0) return i;
    return -1;
  }
}

/** The 4-byte memset pattern for an element of 1, 2 or 4 bytes (validated here: value fits the element). */
export function memsetPattern(value: number, elementSize: number, call: string): number {
  if (elementSize !== 1 && elementSize !== 2 && elementSize !== 4) {
    throw invalidArgument(`${call} elementSize must be 1, 2 or 4 (got ${describe(elementSize)})`);
  }
  const max = 2 ** (8 * elementSize) - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw invalidArgument(`${call} value must be an unsigned ${8 * elementSize}-bit integer in [0, ${max}] (got ${describe(value)})`);
  }
  if (elementSize === 1) return (value * 0x01010101) >>> 0;
  if (elementSize === 2) return (value | (value << 16)) >>> 0;
  return value >>> 0;
}
