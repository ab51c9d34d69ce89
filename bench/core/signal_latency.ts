/**
 * Signal → waiter-resolved latency on the simulator, in real time, each against a baseline measured side by side
 * in the same run (so a loaded machine shifts both):
 * - host signal: `semaphore.signal(v)` until a pending `wait(v)` resumes, against resolving a bare Promise;
 * - queue signal: a barrier submitted with a signal until a pending `wait` resumes — issue, the simulator's
 *   completion, the poller's eventQuery round, the semaphore advance and the promise — against one bare
 *   setImmediate round trip, the floor of any event-loop-polled completion.
 * Medians of per-round samples, so a GC pause or a preempted round does not decide the result.
 */
import { type BenchRow, formatMicros, nowNs } from './bench_row.js';
import { openBenchDevice } from './submission_overhead.js';

const ROUNDS = 2_000;
const HOST_RATIO_TARGET = 10;
const QUEUE_RATIO_TARGET = 5;

function median(samples: bigint[]): number {
  const sorted = samples.map(Number).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]! / 1000;
}

async function sample(rounds: number, once: () => Promise<bigint>): Promise<number> {
  const samples: bigint[] = [];
  for (let i = 0; i < rounds; i++) samples.push(await once());
  return median(samples);
}

export async function signalLatencyBenchmarks(): Promise<BenchRow[]> {
  const device = await openBenchDevice();
  try {
    const s = device.createSemaphore(0n);
    const q = device.createSemaphore(0n);
    const hostSignal = async (): Promise<bigint> => {
      const value = s.currentValue + 1n;
      const waiting = s.wait(value);
      const start = nowNs();
      s.signal(value);
      await waiting;
      return nowNs() - start;
    };
    const barePromise = async (): Promise<bigint> => {
      let resolve!: () => void;
      const waiting = new Promise<void>((r) => (resolve = r));
      const start = nowNs();
      resolve();
      await waiting;
      return nowNs() - start;
    };
    const queueSignal = async (): Promise<bigint> => {
      const value = q.currentValue + 1n;
      const waiting = q.wait(value);
      const start = nowNs();
      device.queue.barrier({ signals: [{ semaphore: q, value }] });
      await waiting;
      return nowNs() - start;
    };
    const bareImmediate = async (): Promise<bigint> => {
      const start = nowNs();
      await new Promise((resolve) => setImmediate(resolve));
      return nowNs() - start;
    };
    for (const warm of [hostSignal, barePromise, queueSignal, bareImmediate]) await sample(200, warm);
    const host = await sample(ROUNDS, hostSignal);
    const promise = await sample(ROUNDS, barePromise);
    const queue = await sample(ROUNDS, queueSignal);
    const immediate = await sample(ROUNDS, bareImmediate);
    const hostRatio = host / promise;
    const queueRatio = queue / immediate;
    return [
      {
        name: 'core: host signal → wait resolved vs resolving a bare Promise (sim, median)',
        measured: `ratio ${hostRatio.toFixed(1)} (${formatMicros(host)} µs vs ${formatMicros(promise)} µs)`,
        target: `ratio ≤ ${HOST_RATIO_TARGET}`,
        pass: hostRatio <= HOST_RATIO_TARGET,
      },
      {
        name: 'core: queue barrier signal → wait resolved vs one setImmediate round trip (sim, median)',
        measured: `ratio ${queueRatio.toFixed(1)} (${formatMicros(queue)} µs vs ${formatMicros(immediate)} µs)`,
        target: `ratio ≤ ${QUEUE_RATIO_TARGET}`,
        pass: queueRatio <= QUEUE_RATIO_TARGET,
      },
    ];
  } finally {
    await device[Symbol.asyncDispose]();
  }
}
