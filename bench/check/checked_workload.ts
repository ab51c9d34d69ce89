/**
 * The race checker's overhead: one workload run unchecked and checked, side by side, in alternating rounds.
 *
 * The workload: 10,000 submissions over 3 queues; each executes a command buffer with 4 binding slots (a dispatch of
 * add_i32 reading slots 0 and 1 and writing slot 2, then a copy of slot 2 into slot 3). Each queue's submissions
 * form a chain on its own timeline, every fourth one also waits on another queue's latest value, and the host waits
 * for all three timelines every 100 submissions (a frame loop). Timed end to end: submission, the simulated device
 * work and completion — what a user's checked test run costs.
 */
import { createDevice, type BufferOrSlot, type DeviceOptions, type SemaphoreValue } from '../../src/index.js';
import { sampleExecutableManifestInput } from '../../src/kernels/samples.js';
import { nowNs } from '../core/bench_row.js';

export const SUBMISSIONS = 10_000;
const QUEUES = 3;
const FRAME = 100;
const ELEMENTS = 64;

/** Runs the workload once on a fresh device; returns the nanoseconds it took (device creation excluded). */
export async function runWorkload(options: DeviceOptions, submissions = SUBMISSIONS): Promise<{ ns: bigint; reports: number }> {
  const device = await createDevice({ seed: 1, ...options, queueCount: QUEUES });
  try {
    const executable = await device.createExecutable(sampleExecutableManifestInput());
    const add = executable.entryPoint('add_i32');
    const bytes = ELEMENTS * 4;
    const cb = device.createCommandBuffer({ bindingCapacity: 4, label: 'add-then-copy' });
    const slot = (n: number): BufferOrSlot => ({ slot: n });
    cb.begin();
    cb.pushDescriptorSet({ layout: add.layout, set: 0, bindings: [{ binding: 0, buffer: slot(0) }, { binding: 1, buffer: slot(1) }, { binding: 2, buffer: slot(2) }] });
    cb.pushConstants({ layout: add.layout, values: [ELEMENTS] });
    cb.dispatch({ executable, entryPoint: 'add_i32', workgroupCount: [1, 1, 1] });
    cb.executionBarrier();
    cb.copy({ source: slot(2), target: slot(3), length: bytes });
    cb.end();
    // Inputs shared by every queue (read only); outputs per queue.
    const inputs = [0, 1].map((i) => device.createBuffer({ byteLength: bytes, label: `in${i}` }));
    const outputs = Array.from({ length: QUEUES }, (_, q) => [0, 1].map((i) => device.createBuffer({ byteLength: bytes, label: `out${q}.${i}` })));
    const timelines = Array.from({ length: QUEUES }, (_, q) => device.createSemaphore(0n, { label: `timeline${q}` }));
    const values = new Array<bigint>(QUEUES).fill(0n);
    const tables = outputs.map(([mid, out]) => [{ buffer: inputs[0]! }, { buffer: inputs[1]! }, { buffer: mid! }, { buffer: out! }]);
    const start = nowNs();
    for (let i = 0; i < submissions; i++) {
      const q = i % QUEUES;
      const waits: SemaphoreValue[] = [];
      if (values[q]! > 0n) waits.push({ semaphore: timelines[q]!, value: values[q]! });
      const other = (q + 1) % QUEUES;
      if (i % 4 === 0 && values[other]! > 0n) waits.push({ semaphore: timelines[other]!, value: values[other]! });
      device.queues[q]!.execute({ commandBuffers: [cb], bindingTables: [tables[q]!], waits, signals: [{ semaphore: timelines[q]!, value: ++values[q]! }] });
      if ((i + 1) % FRAME === 0) await device.waitSemaphores('all', timelines.map((semaphore, t) => ({ semaphore, value: values[t]! })));
    }
    await device.waitSemaphores('all', timelines.map((semaphore, t) => ({ semaphore, value: values[t]! })));
    const ns = nowNs() - start;
    return { ns, reports: device.checker?.reports.length ?? 0 };
  } finally {
    await device[Symbol.asyncDispose]();
  }
}
