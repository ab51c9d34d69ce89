/**
 * Lesson: a missing semaphore is a race the simulator's seed exposes (docs/design.md rules 4 and 11) and the race checker
 * reports on every seed. The copy should wait for the fill but does not; with nothing ordering them, the seed decides
 * which starts first, while the checker, which looks only at the waits and signals, reports the race either way.
 */
import type { Queue } from '../core/queue/queue.js';
import type { Lesson } from './lesson.js';

export const missingSemaphore: Lesson = {
  id: 'missing-semaphore',
  title: 'A missing semaphore, exposed by the seed',
  explanation:
    'queue0 fills "src" with 42s; queue1 copies src to "dst". The copy was meant to wait for "filled" ≥ 1 but its ' +
    'wait list is empty, so nothing orders the two: both become ready at the same virtual moment and the simulator\'s ' +
    'seeded scheduler picks which starts first. Seed 1 happens to run the fill first and the program looks correct; ' +
    'seed 5 runs the copy first, dst holds zeros and the program throws. The race checker (lessons run with createDevice({ check: true })) ' +
    'reports the race on every seed, the lucky one included, and names the edge that fixes it.',
  notice:
    'With seed 1 the fill starts first and dst starts with 42s; with seed 5 the copy starts first (no arrow points at it: ' +
    'nothing released it) and dst starts with 0s. Both seeds print the race checker\'s report: read-after-write on src, ' +
    'fix: make copy #2 wait on filled ≥ 1. Add waits: [{ semaphore: filled, value: 1n }] to the copy and run again: ' +
    'every seed then gives 42s and the checker reports nothing.',
  queueCount: 2,
  seed: 1,
  seeds: { correct: 1, buggy: 5 },
  breakIt: { semaphore: 'copied', edge: 'the read\'s wait for copied ≥ 1' },
  run: async function missingSemaphore(device, log) {
    const [q0, q1] = device.queues as [Queue, Queue];
    const src = device.createBuffer({ byteLength: 4096, label: 'src' });
    const dst = device.createBuffer({ byteLength: 4096, label: 'dst' });
    const filled = device.createSemaphore(0n, { label: 'filled' });
    const copied = device.createSemaphore(0n, { label: 'copied' });

    q0.fill({ buffer: src, pattern: 0x2a, patternLength: 1, signals: [{ semaphore: filled, value: 1n }] });
    // BUG: this copy reads src, so it must wait for filled ≥ 1 — but its wait list is empty.
    q1.copy({ source: src, target: dst, length: 4096, signals: [{ semaphore: copied, value: 1n }] });

    const bytes = await q1.read({ buffer: dst, length: 4, waits: [{ semaphore: copied, value: 1n }] });
    const ok = bytes.every((b) => b === 0x2a);
    log(`dst starts with ${Array.from(bytes).join(', ')}: ${ok ? 'correct (the fill happened to run first)' : 'WRONG: the copy ran before the fill'}`);
    if (!ok) throw new Error(`dst starts with ${Array.from(bytes).join(', ')}, not 42s`);
  },
};
