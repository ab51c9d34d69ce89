/**
 * Lesson: a timeline value orders nothing by itself (docs/design.md rule 4). Two queues signal one semaphore, to 1
 * and to 2; a host that saw 2 may assume 1's work is done only if the signal of 2 waited for 1. No seed shows the
 * bug when that wait is missing (the two fills take the same time and the first-created stream completes first),
 * which is what the Explore control is for.
 */
import type { Queue } from '../core/queue/queue.js';
import type { Lesson } from './lesson.js';

export const valueOrder: Lesson = {
  id: 'value-order',
  title: 'A semaphore value orders only what waited for it',
  explanation:
    'queue0 fills "a" and signals progress = 1; queue1 fills "b", waiting for progress ≥ 1 first, and signals ' +
    'progress = 2. The host waits for progress ≥ 2 and reads a. That is correct only because queue1 waits for 1 ' +
    'before it signals 2: a timeline only moves up, but nothing makes the signal of 1 land before the signal of 2 ' +
    'unless a wait says so. Break it deletes that wait: every seed still prints 7s, the race checker reports the ' +
    'race, and Explore finds a schedule where the host reads zeros.',
  notice:
    'The arrow from progress = 1 to queue1\'s fill is the edge that matters. After Break it, Explore plays back a ' +
    'schedule where queue1\'s fill starts and completes before queue0\'s fill, so progress reaches 2 while a is still empty.',
  queueCount: 2,
  seed: 1,
  breakIt: { semaphore: 'progress', edge: 'queue1\'s wait for progress ≥ 1' },
  run: async function valueOrder(device, log) {
    const [q0, q1] = device.queues as [Queue, Queue];
    const a = device.createBuffer({ byteLength: 64, label: 'a' });
    const b = device.createBuffer({ byteLength: 64, label: 'b' });
    const progress = device.createSemaphore(0n, { label: 'progress' });

    q0.fill({ buffer: a, pattern: 7, patternLength: 1, signals: [{ semaphore: progress, value: 1n }] });
    q1.fill({ buffer: b, pattern: 9, patternLength: 1, waits: [{ semaphore: progress, value: 1n }], signals: [{ semaphore: progress, value: 2n }] });
    log('queue0 fills a, then progress = 1; queue1 fills b, then progress = 2');

    await progress.wait(2n);
    const bytes = await q1.read({ buffer: a, length: 4 });
    if (bytes[0] !== 7) throw new Error(`a starts with ${Array.from(bytes).join(', ')} although progress reached 2`);
    log(`host: progress reached 2 and a starts with ${Array.from(bytes).join(', ')}`);
  },
};
