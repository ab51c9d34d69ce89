/**
 * `npm run bench`: runs every benchmark suite that can run here several times and prints each figure next to its
 * target, with the spread over the rounds. Figures are ratios or rates measured side by side in one run (never
 * timed assertions in tests).
 *
 * A busy machine (CI, or two cores shared with other work) makes single measurements noisy, so each suite runs
 * `GPUHAL_BENCH_ROUNDS` times (default 3) and every row gets a verdict over all rounds:
 *   ok     the target was met in every round;
 *   noisy  met in some rounds and missed in others: the machine's noise straddles the target, which says nothing
 *          certain either way (the spread is printed; rerun on a quiet machine to decide);
 *   MISS   missed in every round: a real miss.
 * Exits 1 only for a MISS (after printing every row), 0 otherwise.
 * GPU suites run only with GPUHAL_BENCH_HIP=1 (on a machine with a GPU; see scripts/gpu/).
 */
import type { BenchRow } from './bench_row.js';
import { summarizeRounds, type RowSummary } from './rounds.js';

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

function printTable(title: string, rounds: number, rows: readonly RowSummary[]): void {
  const nameWidth = Math.max(10, ...rows.map((r) => r.name.length));
  const measuredWidth = Math.max(8, ...rows.map((r) => r.measured.length));
  console.log(`\n${title} (${rounds} round${rounds === 1 ? '' : 's'}; median round shown)`);
  for (const row of rows) {
    const verdict = { ok: 'ok   ', noisy: 'noisy', miss: 'MISS ', info: 'info ' }[row.verdict];
    const spread = row.spread === undefined ? '' : `   spread ${row.spread}`;
    const met = row.verdict === 'noisy' ? ` (met in ${row.metRounds} of ${rounds})` : '';
    console.log(`  ${verdict}  ${row.name.padEnd(nameWidth)}  ${row.measured.padStart(measuredWidth)}   target ${row.target}${met}${spread}`);
  }
}

async function main(): Promise<number> {
  const only = process.argv[2];
  const rounds = Number(process.env.GPUHAL_BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`GPUHAL_BENCH_ROUNDS must be a positive integer (got ${JSON.stringify(process.env.GPUHAL_BENCH_ROUNDS)})`);
    return 2;
  }
  let misses = 0;
  let noisy = 0;
  for (const suite of suites) {
    if (!suite.enabled || (only && !suite.title.includes(only))) continue;
    const run = await suite.load();
    const results: BenchRow[][] = [];
    for (let round = 0; round < rounds; round++) results.push(await run());
    const rows = summarizeRounds(results);
    printTable(suite.title, rounds, rows);
    misses += rows.filter((r) => r.verdict === 'miss').length;
    noisy += rows.filter((r) => r.verdict === 'noisy').length;
  }
  const noise = noisy === 0 ? '' : `; ${noisy} noisy (met in some rounds only: the machine's noise straddles the target; rerun on a quiet machine)`;
  console.log(misses === 0 ? `\nall benchmark targets met${noise}` : `\n${misses} benchmark target(s) missed in every round${noise}`);
  return misses === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; });
