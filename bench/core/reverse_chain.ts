/**
 * Wait-before-signal at scale: N executes submitted in reverse dependency order (the last link first), then one
 * host signal releases the whole chain, which runs to completion on the simulator. Timed from the first submit to
 * the last link's signal (best of five per size). The ratio of N = 10,000 to N = 1,000 shows the scheduler's cost per pending submission:
 * ~10 when linear, ~100 if each release rescanned every pending submission.
 */
import type { Device } from '../../src/index.js';
import { type BenchRow, nowNs } from './bench_row.js';
import { openBenchDevice, smallCommandBuffer } from './submission_overhead.js';

const TARGET_RATIO = 15;
const ROUNDS = 5;

/** Returns [ns for submit + release + run, ns for the submit loop plus the host signal alone]. */
async function reverseChain(device: Device, n: number): Promise<[bigint, bigint]> {
  const cb = smallCommandBuffer(device);
  const s = device.createSemaphore(0n);
  const queue = device.queue;
  const commandBuffers = [cb];
  const start = nowNs();
  for (let i = n; i >= 1; i--) {
    queue.execute({ commandBuffers, waits: [{ semaphore: s, value: BigInt(i) }], signals: [{ semaphore: s, value: BigInt(i + 1) }] });
  }
  s.signal(1n); // issues the whole chain: each link's recorded event covers the next link's wait
  const hostDone = nowNs();
  await s.wait(BigInt(n + 1));
  const end = nowNs();
  cb.destroy();
  s.destroy();
  return [end - start, hostDone - start];
}

export async function reverseChainBenchmarks(): Promise<BenchRow[]> {
  const device = await openBenchDevice();
  try {
    await reverseChain(device, 10_000); // warm-up: JIT tiers, event pool
    // Alternate sizes and keep each size's best of five, so one preempted run on a shared machine does not decide.
    let small = BigInt(Number.MAX_SAFE_INTEGER);
    let smallHost = small;
    let large = small;
    let largeHost = small;
    for (let round = 0; round < ROUNDS; round++) {
      const [s1, h1] = await reverseChain(device, 1_000);
      const [s2, h2] = await reverseChain(device, 10_000);
      if (s1 < small) small = s1;
      if (h1 < smallHost) smallHost = h1;
      if (s2 < large) large = s2;
      if (h2 < largeHost) largeHost = h2;
    }
    const ratio = Number(large) / Number(small);
    const hostRatio = Number(largeHost) / Number(smallHost);
    return [
      {
        name: 'core: 10,000 vs 1,000 executes in reverse dependency order, one host signal, run to completion (sim)',
        measured: `ratio ${ratio.toFixed(1)} (${(Number(large) / 1e6).toFixed(1)} ms vs ${(Number(small) / 1e6).toFixed(1)} ms)`,
        target: `ratio ≤ ${TARGET_RATIO}`,
        pass: ratio <= TARGET_RATIO,
      },
      {
        name: 'core: same, host side only (submit loop + the signal that issues the chain)',
        measured: `ratio ${hostRatio.toFixed(1)} (${(Number(largeHost) / 1e6).toFixed(1)} ms vs ${(Number(smallHost) / 1e6).toFixed(1)} ms)`,
        target: `ratio ≤ ${TARGET_RATIO}`,
        pass: hostRatio <= TARGET_RATIO,
      },
    ];
  } finally {
    await device[Symbol.asyncDispose]();
  }
}
