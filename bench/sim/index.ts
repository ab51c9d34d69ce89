/**
 * The simulator's benchmarks. `runSimBenchmarks()` is what bench/run.ts calls; `node dist/bench/sim/index.js`
 * runs them on their own and prints the table.
 */
import { pathToFileURL } from 'node:url';
import { graphReplayBenchmarks } from './graph_replay.js';
import { memoryBandwidthBenchmarks } from './memory_bandwidth.js';
import type { BenchRow } from './measure.js';

export type { BenchRow } from './measure.js';

export async function runSimBenchmarks(): Promise<BenchRow[]> {
  return [...memoryBandwidthBenchmarks(), ...graphReplayBenchmarks()];
}

function printRows(rows: readonly BenchRow[]): void {
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${r.measured}  (target ${r.target})`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSimBenchmarks().then(printRows, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
