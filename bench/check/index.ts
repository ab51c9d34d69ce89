/**
 * The race checker's cost: the checked workload (checked_workload.ts) against the same workload unchecked, in
 * alternating rounds on fresh devices, best round of each. On the simulator the target is at most twice the
 * unchecked time (Vulkan's synchronization validation costs about 40× on a comparable timeline-submit workload);
 * on a GPU (GPUHAL_BENCH_HIP=1) the ratio is reported for information.
 */
import type { BenchRow } from '../bench_row.js';
import type { DeviceOptions, RaceCheckOptions } from '../../src/index.js';
import { SUBMISSIONS, runWorkload } from './checked_workload.js';

const ROUNDS = 5;
const TARGET_RATIO = 2;

async function compare(base: DeviceOptions, check: RaceCheckOptions = {}): Promise<{ unchecked: number; checked: number; reports: number }> {
  let unchecked = Infinity;
  let checked = Infinity;
  let reports = 0;
  for (let round = 0; round < ROUNDS; round++) {
    unchecked = Math.min(unchecked, Number((await runWorkload({ ...base, check: false })).ns));
    const run = await runWorkload({ ...base, check });
    checked = Math.min(checked, Number(run.ns));
    reports += run.reports;
  }
  return { unchecked, checked, reports };
}

const ms = (ns: number): string => `${(ns / 1e6).toFixed(0)} ms`;

export async function runCheckBenchmarks(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sim = await compare({ backend: 'sim', sim: { logLimit: 0 } });
  const simRatio = sim.checked / sim.unchecked;
  rows.push({
    name: `race checker overhead: ${SUBMISSIONS.toLocaleString('en')} submissions, 3 queues, 4 bindings, checked vs unchecked (sim, call sites on)`,
    measured: `${simRatio.toFixed(2)}× (${ms(sim.checked)} vs ${ms(sim.unchecked)}, best of ${ROUNDS}; ${sim.reports} reports)`,
    target: `≤ ${TARGET_RATIO}× and 0 reports`,
    pass: simRatio <= TARGET_RATIO && sim.reports === 0,
  });
  const bare = await compare({ backend: 'sim', sim: { logLimit: 0 } }, { callSites: false });
  rows.push({
    name: 'race checker overhead without call sites (check: { callSites: false }), same workload (sim)',
    measured: `${(bare.checked / bare.unchecked).toFixed(2)}× (${ms(bare.checked)} vs ${ms(bare.unchecked)}, best of ${ROUNDS})`,
    target: 'reported (capturing call sites is most of the cost)',
    pass: true,
    informational: true,
  });
  if (process.env.GPUHAL_BENCH_HIP === '1') {
    const hip = await compare({ backend: 'hip' });
    const hipRatio = hip.checked / hip.unchecked;
    rows.push({
      name: `race checker overhead on a GPU: the same workload checked vs unchecked (hip)`,
      measured: `${hipRatio.toFixed(2)}× (${ms(hip.checked)} vs ${ms(hip.unchecked)}, best of ${ROUNDS}; ${hip.reports} reports)`,
      target: 'reported (no target); 0 reports',
      pass: hip.reports === 0,
      informational: hip.reports === 0,
    });
  }
  return rows;
}
