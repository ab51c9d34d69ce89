/**
 * Graph replay throughput: a 10,000-node graph of tiny nodes (a random DAG with up to 3 dependencies per node),
 * launched and run to completion in manual mode. The time per node covers the launch, the scheduler and the
 * seeded Kahn replay in WASM.
 */
import { createSimDriver } from '../../src/backends/sim/index.js';
import type { DriverGraphNode } from '../../src/core/driver.js';
import { median, timeNs, type BenchRow } from './measure.js';

const NODES = 10_000;
const TARGET_NODES_PER_S = 5e6;

export function graphReplayBenchmarks(reps = 15): BenchRow[] {
  const d = createSimDriver({ mode: 'manual', memoryBytes: 64 * 1024 * 1024, logLimit: 0 });
  const p = d.memAlloc(NODES * 4);
  const s = d.streamCreate();
  const rows: BenchRow[] = [];
  for (const kind of ['memset 4 B', 'empty'] as const) {
    const g = d.graphCreate();
    const nodes: DriverGraphNode[] = [];
    let x = 1;
    for (let i = 0; i < NODES; i++) {
      const deps: DriverGraphNode[] = [];
      for (let k = 0; k < 3 && i > 0; k++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        if (x % 3 !== 0) deps.push(nodes[x % i]!);
      }
      nodes.push(kind === 'empty'
        ? d.graphAddEmptyNode(g, deps)
        : d.graphAddMemsetNode(g, deps, { dst: p + i * 4, value: i & 0xff, elementSize: 1, count: 4 }));
    }
    const exec = d.graphInstantiate(g);
    const launch = () => {
      d.graphLaunch(exec, s);
      d.runUntilIdle();
    };
    for (let i = 0; i < 3; i++) launch();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push(timeNs(launch));
    const nsPerNode = median(times) / NODES;
    const nodesPerS = 1e9 / nsPerNode;
    rows.push({
      name: `sim graph replay, 10,000 ${kind} nodes`,
      measured: `${(nodesPerS / 1e6).toFixed(1)} M nodes/s (${nsPerNode.toFixed(1)} ns/node)`,
      target: '>= 5 M nodes/s (<= 200 ns/node)',
      pass: nodesPerS >= TARGET_NODES_PER_S,
      value: nodesPerS,
      unit: 'nodes/s',
    });
    d.graphExecDestroy(exec);
    d.graphDestroy(g);
  }
  d.streamDestroy(s);
  d.memFree(p);
  d.destroy();
  return rows;
}
