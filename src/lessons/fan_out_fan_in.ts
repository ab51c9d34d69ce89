/** Lesson: one signal releases work on three queues at once (fan-out); one submission waits for all three (fan-in). */
import type { Queue } from '../core/queue/queue.js';
import type { Lesson } from './lesson.js';

export const fanOutFanIn: Lesson = {
  id: 'fan-out-fan-in',
  title: 'Fan-out / fan-in across queues',
  explanation:
    'queue0 fills an input buffer and signals "ready" = 1. Three copies on queue1, queue2 and queue3 all wait for ' +
    'ready ≥ 1, each copying a different amount, and each signals its own semaphore. A final fill on queue0 waits for ' +
    'all three (a wait list with three entries) before it signals "joined".',
  notice:
    'One signal (ready = 1) has three arrows: the three copies start at the same moment on three lanes and run side ' +
    'by side. They finish at different times; the join starts only after the slowest one, and its arrows come from all three.',
  queueCount: 4,
  seed: 1,
  breakIt: { semaphore: 'ready', edge: 'the three copies\' wait for ready ≥ 1' },
  run: async function fanOutFanIn(device, log) {
    const [q0, q1, q2, q3] = device.queues as [Queue, Queue, Queue, Queue];
    const sizes = [16384, 65536, 32768];
    const input = device.createBuffer({ byteLength: 65536, label: 'input' });
    const parts = sizes.map((size, i) => device.createBuffer({ byteLength: size, label: `part${i + 1}` }));
    const summary = device.createBuffer({ byteLength: 256, label: 'summary' });
    const ready = device.createSemaphore(0n, { label: 'ready' });
    const done = sizes.map((_, i) => device.createSemaphore(0n, { label: `part${i + 1}-done` }));
    const joined = device.createSemaphore(0n, { label: 'joined' });

    q0.fill({ buffer: input, pattern: 0x11, patternLength: 1, signals: [{ semaphore: ready, value: 1n }] });
    [q1, q2, q3].forEach((queue, i) => {
      queue.copy({ source: input, target: parts[i]!, length: sizes[i]!, waits: [{ semaphore: ready, value: 1n }], signals: [{ semaphore: done[i]!, value: 1n }] });
    });
    log('fan-out: three copies wait for ready ≥ 1, on queue1, queue2 and queue3');
    q0.fill({ buffer: summary, pattern: 0x99, patternLength: 1, waits: done.map((semaphore) => ({ semaphore, value: 1n })), signals: [{ semaphore: joined, value: 1n }] });
    log('fan-in: the join on queue0 waits for part1-done, part2-done and part3-done ≥ 1');

    await joined.wait(1n);
    // Each part's last bytes: a copy that started before the fill completed would hold zeros there.
    for (const [i, part] of parts.entries()) {
      const tail = await q0.read({ buffer: part, offset: sizes[i]! - 4, length: 4 });
      if (!tail.every((b) => b === 0x11)) throw new Error(`${part.label} ends with ${Array.from(tail).join(', ')}: its copy ran before the fill`);
    }
    log(`host: joined = ${joined.query()}; every part was copied (${done.map((s) => `${s.label} = ${s.query()}`).join(', ')})`);
  },
};
