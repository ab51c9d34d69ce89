/**
 * gpuhal/testing's benchmarks: exploration speed, PCT's hit rate on the bug corpus, shrinking time.
 * `runTestingBenchmarks()` is what bench/run.ts calls; `node dist/bench/testing/index.js` runs them alone.
 *
 * - schedules/s for a 16-operation, 3-queue scenario (random and PCT), on pooled, reset drivers; side by side,
 *   the same scenario on a fresh simulated device per schedule (what a device per schedule cost before reuse).
 *   Wall-clock rates on a shared machine swing with its load, so the CPU-time rate (this process's user+system
 *   time) is printed too; the target is checked on the CPU-time rate, measured warm (the first 1,000 schedules of
 *   the process are reported on their own row).
 * - PCT at the corpus bug's depth finds each bug within 1,000 schedules in every one of 20 runs (seeds 1–20).
 * - Shrinking each corpus failure (found by random exploration, whose schedules are longest) takes ≤ 10 s and
 *   reaches the known minimal number of deviations.
 * - The same 16-operation scenario with 64 KiB fills, whose writes land in 16 pieces each under the explorer
 *   (informational: what finer interleaving costs a schedule).
 * - Shrinking a failure's faults: random out-of-memory faults reduced to the one the failure needs.
 */
import { pathToFileURL } from 'node:url';
import type { BenchRow } from '../bench_row.js';
import { createDevice } from '../../src/index.js';
import { runExploration, type Scenario } from '../../src/testing/index.js';
import { corpus } from '../../examples/explore/corpus.js';
import { fifthBuffer } from '../../examples/explore/fault_scenarios.js';

/**
 * 16 fills over 3 queues: each queue's fills chain on that queue's own semaphore, the three chains run
 * concurrently, and every fourth fill also waits for the latest fill of the next queue (cross-queue edges); then
 * the host waits for all three. Correct, with many legal orders (random and PCT make ~20–40 choices per run).
 */
export const pipeline16: Scenario = pipeline(256);

/** pipeline16 over buffers of `byteLength` bytes. */
function pipeline(byteLength: number): Scenario {
  return {
    name: byteLength === 256 ? 'pipeline16' : `pipeline16-${byteLength}`,
    device: { queueCount: 3 },
    async run({ device }) {
      const buffers = [0, 1, 2].map((i) => device.createBuffer({ byteLength, label: `b${i}` }));
      const semaphores = [0, 1, 2].map((i) => device.createSemaphore(0n, { label: `s${i}` }));
      const signaled = [0n, 0n, 0n];
      for (let i = 0; i < 16; i++) {
        const q = i % 3;
        const other = (q + 1) % 3;
        const waits = [];
        if (signaled[q]! > 0n) waits.push({ semaphore: semaphores[q]!, value: signaled[q]! });
        if (i % 4 === 3 && signaled[other]! > 0n) waits.push({ semaphore: semaphores[other]!, value: signaled[other]! });
        device.queues[q]!.fill({
          buffer: buffers[q]!, pattern: i, patternLength: 1, waits,
          signals: [{ semaphore: semaphores[q]!, value: ++signaled[q]! }],
        });
      }
      await device.waitSemaphores('all', semaphores.map((semaphore, q) => ({ semaphore, value: signaled[q]! })));
      const last = await device.queues[0]!.read({ buffer: buffers[0]! });
      if (last[0] !== 15) throw new Error(`b0 holds ${last[0]}, expected the last fill of queue 0 (15)`);
    },
  };
}

async function rate(strategy: 'random' | 'pct', schedules: number, scenario = pipeline16): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const result = await runExploration(scenario, { schedules, strategy, seed: 7 });
  const cpu = process.cpuUsage(c0);
  if (result.failure !== null) throw new Error(`pipeline16 failed: ${result.failure.text}`);
  return { wall: result.schedules / (result.elapsedMs / 1000), cpu: result.schedules / ((cpu.user + cpu.system) / 1e6) };
}

/** The same scenario with a fresh, default-sized simulated device per run (no explorer, no reuse). */
async function freshDeviceRate(runs: number): Promise<{ wall: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const device = await createDevice({ backend: 'sim', seed: i + 1, queueCount: 3 });
    await pipeline16.run({ device });
    await device[Symbol.asyncDispose]();
  }
  const cpu = process.cpuUsage(c0);
  return { wall: runs / ((performance.now() - t0) / 1000), cpu: runs / ((cpu.user + cpu.system) / 1e6) };
}

export async function runTestingBenchmarks(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // The first couple of thousand schedules of a process run while the JIT and the heap settle (about twice as slow
  // per schedule here); reported apart, then both strategies are measured warm.
  const cold = await rate('random', 1000);
  rows.push({ name: 'explore random, first 1,000 schedules of the process', measured: `${Math.round(cold.cpu)} schedules/s of CPU time (${Math.round(cold.wall)}/s wall)`, target: 'comparison', pass: true, informational: true });
  await rate('pct', 1000);
  for (const strategy of ['random', 'pct'] as const) {
    const r = await rate(strategy, 3000);
    rows.push({
      name: `explore ${strategy}: 16-op 3-queue scenario`,
      measured: `${Math.round(r.cpu)} schedules/s of CPU time (${Math.round(r.wall)}/s wall)`,
      target: '≥ 2,000 schedules/s',
      pass: r.cpu >= 2000,
    });
  }
  await rate('random', 500, pipeline(65536));
  const pieces = await rate('random', 1500, pipeline(65536));
  rows.push({ name: 'explore random: the same with 64 KiB fills (16 pieces each)', measured: `${Math.round(pieces.cpu)} schedules/s of CPU time (${Math.round(pieces.wall)}/s wall)`, target: 'comparison', pass: true, informational: true });
  const fresh = await freshDeviceRate(300);
  rows.push({ name: 'same scenario, fresh device per run (no explorer)', measured: `${Math.round(fresh.cpu)} runs/s of CPU time (${Math.round(fresh.wall)}/s wall)`, target: 'comparison', pass: true, informational: true });

  for (const entry of corpus) {
    let found = 0;
    let worst = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const result = await runExploration(entry.bug, { strategy: 'pct', depth: entry.depth, schedules: 1000, seed, shrink: false });
      if (result.failure !== null) {
        found++;
        worst = Math.max(worst, result.failure.schedule + 1);
      }
    }
    rows.push({
      name: `pct depth ${entry.depth} finds ${entry.name}`,
      measured: `${found}/20 runs, ≤ ${worst} schedules`,
      target: '20/20 within 1,000 schedules',
      pass: found === 20,
    });
  }

  for (const entry of corpus) {
    if (entry.minimalDeviations === 0) continue; // fails on the default order: nothing to shrink
    let worstMs = 0;
    let reached = 0;
    let from = 0;
    let token = 0;
    let originalToken = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const result = await runExploration(entry.bug, { strategy: 'random', schedules: 1000, seed });
      const failure = result.failure;
      if (failure?.shrink == null) continue;
      worstMs = Math.max(worstMs, failure.shrink.ms);
      from = Math.max(from, failure.shrink.fromDeviations);
      token = Math.max(token, failure.token.length);
      originalToken = Math.max(originalToken, failure.originalToken.length);
      if (failure.shrink.toDeviations === entry.minimalDeviations) reached++;
    }
    rows.push({
      name: `shrink ${entry.name} (5 random failures)`,
      measured: `${reached}/5 reach ${entry.minimalDeviations} deviation(s) (from up to ${from}), worst ${Math.round(worstMs)} ms; tokens ≤ ${token} chars (${originalToken} unshrunk)`,
      target: '5/5 minimal, ≤ 10 s, tokens ≤ 200 chars',
      pass: reached === 5 && worstMs <= 10_000 && token <= 200,
    });
  }

  {
    let reached = 0;
    let worstMs = 0;
    let most = 0;
    let token = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const t0 = performance.now();
      const result = await runExploration(fifthBuffer, { faults: { random: { seed, outOfMemory: 0.6 } }, schedules: 200, seed });
      const faults = result.failure?.faults;
      if (faults == null) continue;
      worstMs = Math.max(worstMs, performance.now() - t0);
      most = Math.max(most, faults.injected);
      token = Math.max(token, result.failure!.token.length);
      if (faults.kept.length === 1) reached++;
    }
    rows.push({
      name: 'shrink faults: fifth-buffer (5 random-fault runs)',
      measured: `${reached}/5 reach 1 fault (from up to ${most} injected), worst ${Math.round(worstMs)} ms including exploration; tokens ≤ ${token} chars`,
      target: '5/5 minimal, ≤ 10 s, tokens ≤ 200 chars',
      pass: reached === 5 && worstMs <= 10_000 && token <= 200,
    });
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runTestingBenchmarks().then(
    (rows) => {
      const width = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) console.log(`${r.informational ? 'info' : r.pass ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${r.measured}  (target ${r.target})`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
