/**
 * Host overhead of queue.execute: 10,000 submissions forming one chain (each waits on the previous one's signal),
 * each with one wait, one signal and one small command buffer, on the simulator. The timed loop is the submit
 * calls themselves — validation, capture, scheduling and issuing to the driver stream (each link's wait is
 * covered by the previous link's recorded event, so every call issues) — not the simulated device time.
 */
import { createDevice, type Device, type CommandBuffer, type Semaphore } from '../../src/index.js';
import { type BenchRow, formatMicros, microseconds, nowNs } from './bench_row.js';

const CHAIN = 10_000;
const TARGET_US = 5;
const ROUNDS = 7;

export async function openBenchDevice(): Promise<Device> {
  // No event log: the benchmark measures the core, not the simulator's tracing.
  return createDevice({ backend: 'sim', seed: 1, sim: { logLimit: 0 } });
}

/** A command buffer with one small fill, the "small command buffer" of the benchmark. */
export function smallCommandBuffer(device: Device): CommandBuffer {
  const buffer = device.createBuffer({ byteLength: 256 });
  const cb = device.createCommandBuffer({ label: 'small' });
  cb.begin();
  cb.fill({ buffer, offset: 0, length: 256, pattern: 0x01020304, patternLength: 4 });
  cb.end();
  buffer.destroy(); // the command buffer holds it
  return cb;
}

/** Submits `count` chained executes starting at the semaphore's current value; returns the ns the loop took. */
function submitChain(device: Device, cb: CommandBuffer, s: Semaphore, count: number): bigint {
  const base = s.currentValue;
  const queue = device.queue;
  const commandBuffers = [cb];
  const start = nowNs();
  for (let i = 0n; i < BigInt(count); i++) {
    queue.execute({ commandBuffers, waits: [{ semaphore: s, value: base + i }], signals: [{ semaphore: s, value: base + i + 1n }] });
  }
  return nowNs() - start;
}

export async function submissionOverheadBenchmarks(): Promise<BenchRow[]> {
  const device = await openBenchDevice();
  try {
    const cb = smallCommandBuffer(device);
    const s = device.createSemaphore(0n);
    // Several rounds, reporting the best and the median: the first rounds carry JIT warm-up, and on a shared
    // machine any round can be stretched by other processes; the best round is the overhead itself.
    const perRound: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const elapsed = submitChain(device, cb, s, CHAIN);
      await s.wait(s.currentValue + BigInt(CHAIN));
      perRound.push(microseconds(elapsed, CHAIN));
    }
    const sorted = [...perRound].sort((a, b) => a - b);
    const best = sorted[0]!;
    const median = sorted[Math.floor(sorted.length / 2)]!;
    return [
      {
        name: 'core: execute host overhead (1 wait, 1 signal, 1 small command buffer; 10,000-submission chain, sim)',
        measured: `${formatMicros(best)} µs/submission best of ${ROUNDS} rounds (median ${formatMicros(median)})`,
        target: `≤ ${TARGET_US} µs/submission`,
        pass: best <= TARGET_US,
      },
    ];
  } finally {
    await device[Symbol.asyncDispose]();
  }
}
