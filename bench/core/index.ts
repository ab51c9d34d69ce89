/**
 * The core's benchmarks (scheduling stack and queue operations on the simulator). `runCoreBenchmarks()` is what
 * bench/run.ts calls; `node dist/bench/core/index.js` runs them on their own and prints the table.
 */
import { pathToFileURL } from 'node:url';
import type { BenchRow } from './bench_row.js';
import { reverseChainBenchmarks } from './reverse_chain.js';
import { signalLatencyBenchmarks } from './signal_latency.js';
import { submissionOverheadBenchmarks } from './submission_overhead.js';

export type { BenchRow } from './bench_row.js';

export async function runCoreBenchmarks(): Promise<BenchRow[]> {
  return [...(await submissionOverheadBenchmarks()), ...(await reverseChainBenchmarks()), ...(await signalLatencyBenchmarks())];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCoreBenchmarks().then(
    (rows) => {
      const width = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${r.measured}  (target ${r.target})`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
