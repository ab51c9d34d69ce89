/**
 * `npm run bench`: runs every benchmark suite that can run here and prints each figure next to its target.
 * Figures are ratios or rates measured side by side in one run (never timed assertions in tests).
 * Exits 1 when any target was missed (after printing every row), 0 when all were met.
 * GPU suites run only with GPUHAL_BENCH_HIP=1 (on a machine with a GPU; see scripts/gpu/).
 */
import type { BenchRow } from './bench_row.js';

interface Suite {
  title: string;
  load: () => Promise<() => Promise<BenchRow[]>>;
  enabled: boolean;
}

const suites: Suite[] = [
  { title: 'simulator device', enabled: true, load: async () => (await import('./sim/index.js')).runSimBenchmarks },
  { title: 'sample kernels', enabled: true, load: async () => (await import('./kernels/index.js')).runKernelBenchmarks },
  { title: 'HIP-C kernels on the simulator', enabled: true, load: async () => (await import('./hipc/index.js')).runHipcBenchmarks },
  { title: 'core scheduling', enabled: true, load: async () => (await import('./core/index.js')).runCoreBenchmarks },
  { title: 'race checker', enabled: true, load: async () => (await import('./check/index.js')).runCheckBenchmarks },
  { title: 'schedule exploration (gpuhal/testing)', enabled: true, load: async () => (await import('./testing/index.js')).runTestingBenchmarks },
  { title: 'hip backend (GPU)', enabled: process.env.GPUHAL_BENCH_HIP === '1', load: async () => (await import('./hip/index.js')).runHipBenchmarks },
];

function printTable(title: string, rows: BenchRow[]): void {
  const nameWidth = Math.max(10, ...rows.map((r) => r.name.length));
  const measuredWidth = Math.max(8, ...rows.map((r) => r.measured.length));
  console.log(`\n${title}`);
  for (const row of rows) {
    console.log(`  ${row.informational ? 'info' : row.pass ? 'ok  ' : 'MISS'}  ${row.name.padEnd(nameWidth)}  ${row.measured.padStart(measuredWidth)}   target ${row.target}`);
  }
}

async function main(): Promise<number> {
  const only = process.argv[2];
  let misses = 0;
  for (const suite of suites) {
    if (!suite.enabled || (only && !suite.title.includes(only))) continue;
    const run = await suite.load();
    const rows = await run();
    printTable(suite.title, rows);
    misses += rows.filter((r) => !r.pass && !r.informational).length;
  }
  console.log(misses === 0 ? '\nall benchmark targets met' : `\n${misses} benchmark target(s) missed`);
  // Every row is printed first; a missed target then fails the run (CI and scripts see it in the exit status).
  return misses === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; });
