/** Lesson: a failed semaphore fails every submission downstream of it, with the original message (docs/design.md rules 2, 5). */
import type { Queue } from '../core/queue/queue.js';
import type { Lesson } from './lesson.js';

export const failurePropagation: Lesson = {
  id: 'failure-propagation',
  title: 'Failure propagation',
  explanation:
    'A three-stage pipeline is submitted up front: "decode" (queue0) signals decoded; "process" (queue0) waits for ' +
    '"checked" and signals processed; "publish" (queue1) waits for processed and signals published. The host checks ' +
    'the decoded frame and, finding it corrupt, fails "checked" instead of signaling it. An unrelated fill on queue1 ' +
    'has no semaphore in common with the pipeline.',
  notice:
    'The failure travels along the wait lists: process never runs and fails processed, publish never runs and fails ' +
    'published, and the host\'s wait on published rejects with the original message. The unrelated fill still completes.',
  queueCount: 2,
  seed: 1,
  breakIt: { semaphore: 'checked', edge: 'process\'s wait for checked ≥ 1' },
  run: async function failurePropagation(device, log) {
    const [q0, q1] = device.queues as [Queue, Queue];
    const frame = device.createBuffer({ byteLength: 8192, label: 'frame' });
    const result = device.createBuffer({ byteLength: 8192, label: 'result' });
    const scratch = device.createBuffer({ byteLength: 4096, label: 'scratch' });
    const decoded = device.createSemaphore(0n, { label: 'decoded' });
    const checked = device.createSemaphore(0n, { label: 'checked' });
    const processed = device.createSemaphore(0n, { label: 'processed' });
    const published = device.createSemaphore(0n, { label: 'published' });
    const other = device.createSemaphore(0n, { label: 'other' });

    q0.fill({ buffer: frame, pattern: 0xff, patternLength: 1, signals: [{ semaphore: decoded, value: 1n }] });
    q0.copy({ source: frame, target: result, length: 8192, waits: [{ semaphore: checked, value: 1n }], signals: [{ semaphore: processed, value: 1n }] });
    q1.fill({ buffer: result, pattern: 0, patternLength: 1, waits: [{ semaphore: processed, value: 1n }], signals: [{ semaphore: published, value: 1n }] });
    q1.fill({ buffer: scratch, pattern: 7, patternLength: 1, signals: [{ semaphore: other, value: 1n }] });
    log('submitted: decode → (host check) → process → publish, and an unrelated fill');

    const publishedWait = published.wait(1n).then(
      () => {
        log('host: published = 1');
        throw new Error('the corrupt frame was published');
      },
      (error) => log(`host: waiting for published failed: ${error.message}`),
    );
    await decoded.wait(1n);
    log('host: the frame is decoded; its checksum does not match');
    checked.fail(new Error('frame 7 failed its checksum'));
    log('host: checked FAILED');
    await publishedWait;
    await other.wait(1n);
    log(`host: the unrelated fill completed anyway (other = ${other.query()})`);
  },
};
