/**
 * Signal → waiter-resolved latency on the simulator, in real time:
 * - host signal: `semaphore.signal(v)` until a pending `wait(v)` resolves (waiter index + promise resolution);
 * - queue signal: a barrier submitted with a signal until a pending `wait` resolves (issue, the simulator's
 *   completion, the completion poller's eventQuery round, the semaphore advance and promise resolution).
 * Targets: host signals should cost about a microtask; a device round trip on the simulator should stay within
 * the same order as a real GPU's launch + event-poll round trip (DESIGN.md measured ≈ 5.8 µs on an H200), so ≤ 50 µs.
 */
import { type BenchRow, formatMicros, microseconds, nowNs } from './bench_row.js';
import { openBenchDevice } from './submission_overhead.js';

const ROUNDS = 2_000;
const HOST_TARGET_US = 10;
const QUEUE_TARGET_US = 50;

export async function signalLatencyBenchmarks(): Promise<BenchRow[]> {
  const device = await openBenchDevice();
  try {
    const s = device.createSemaphore(0n);
    const measureHost = async (rounds: number): Promise<bigint> => {
      let total = 0n;
      for (let i = 0; i < rounds; i++) {
        const value = s.currentValue + 1n;
        const waiting = s.wait(value);
        const start = nowNs();
        s.signal(value);
        await waiting;
        total += nowNs() - start;
      }
      return total;
    };
    const q = device.createSemaphore(0n);
    const measureQueue = async (rounds: number): Promise<bigint> => {
      let total = 0n;
      for (let i = 0; i < rounds; i++) {
        const value = q.currentValue + 1n;
        const waiting = q.wait(value);
        const start = nowNs();
        device.queue.barrier({ signals: [{ semaphore: q, value }] });
        await waiting;
        total += nowNs() - start;
      }
      return total;
    };
    await measureHost(200);
    await measureQueue(200);
    const host = microseconds(await measureHost(ROUNDS), ROUNDS);
    const queue = microseconds(await measureQueue(ROUNDS), ROUNDS);
    return [
      {
        name: 'core: host signal → wait resolved (sim)',
        measured: `${formatMicros(host)} µs`,
        target: `≤ ${HOST_TARGET_US} µs`,
        pass: host <= HOST_TARGET_US,
      },
      {
        name: 'core: queue barrier signal → wait resolved, submit to resolution (sim)',
        measured: `${formatMicros(queue)} µs`,
        target: `≤ ${QUEUE_TARGET_US} µs`,
        pass: queue <= QUEUE_TARGET_US,
      },
    ];
  } finally {
    await device[Symbol.asyncDispose]();
  }
}
