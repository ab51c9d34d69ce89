/**
 * Kernel benchmarks: each compares a sim kernel with a baseline measured side by side in the same run and reports
 * the ratio against its target (never a timed assertion in tests).
 */
import { runSaxpyBenchmark } from './saxpy.js';

import type { BenchRow } from '../bench_row.js';
export type { BenchRow };

export async function runKernelBenchmarks(): Promise<BenchRow[]> {
  return [...(await runSaxpyBenchmark())];
}

// Run directly: node dist/bench/kernels/index.js
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await runKernelBenchmarks()) {
    console.log(`${row.pass ? 'PASS' : 'FAIL'}  ${row.name}\n      measured ${row.measured}; target ${row.target}`);
  }
}
