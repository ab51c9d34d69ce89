/** Lesson: a submission may wait for a value nobody has signaled yet (docs/design.md rule 4, wait-before-signal). */
import type { Queue } from '../core/queue/queue.js';
import type { Lesson } from './lesson.js';

export const waitBeforeSignal: Lesson = {
  id: 'wait-before-signal',
  title: 'Wait before signal',
  explanation:
    'The copy on queue1 is submitted first, waiting for "filled" ≥ 1 — a value nobody has signaled, by work nobody has ' +
    'submitted yet. The fill on queue0 comes next and itself waits for the host\'s "go". Submitting never blocks the ' +
    'host: both calls return at once and the device sorts the order out from the semaphores.',
  notice:
    'Both submissions appear before anything runs. The fill starts only after the host signals go = 1; its signal ' +
    'filled = 1 releases the copy (the arrow from the fill to the copy), whose signal copied = 1 lets the host read.',
  queueCount: 2,
  seed: 1,
  breakIt: { semaphore: 'filled', edge: 'the copy\'s wait for filled ≥ 1' },
  run: async function waitBeforeSignal(device, log) {
    const [transfer, compute] = device.queues as [Queue, Queue];
    const data = device.createBuffer({ byteLength: 4096, label: 'data' });
    const copy = device.createBuffer({ byteLength: 4096, label: 'copy' });
    const go = device.createSemaphore(0n, { label: 'go' });
    const filled = device.createSemaphore(0n, { label: 'filled' });
    const copied = device.createSemaphore(0n, { label: 'copied' });

    // Submitted first: the copy waits for "filled" ≥ 1, which nothing has signaled yet.
    compute.copy({ source: data, target: copy, length: 4096, waits: [{ semaphore: filled, value: 1n }], signals: [{ semaphore: copied, value: 1n }] });
    log('queue1: copy submitted, waiting for filled ≥ 1 (nobody has submitted the fill yet)');
    transfer.fill({ buffer: data, pattern: 0x2a, patternLength: 1, waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: filled, value: 1n }] });
    log('queue0: fill submitted, waiting for go ≥ 1');
    log(`the host was not blocked: go = ${go.query()}, filled = ${filled.query()}, copied = ${copied.query()}`);

    go.signal(1n);
    log('host: go = 1');
    const bytes = await transfer.read({ buffer: copy, length: 4, waits: [{ semaphore: copied, value: 1n }] });
    if (!bytes.every((b) => b === 0x2a)) throw new Error(`copy starts with ${Array.from(bytes).join(', ')}: the copy ran before the fill`);
    log(`host: copy starts with ${Array.from(bytes).join(', ')} (the fill's 42s, copied after the fill)`);
  },
};
