/**
 * A submission that fails on one of its waits must not stay in the wait indexes of its other semaphores: before the
 * fix, 1,000 barriers waiting on A ≥ 1 and B ≥ i all failed with A, yet B kept all 1,000 entries forever.
 */
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../src/index.js';
import { SEEDS, expectRejects, testDevice } from '../../helpers/device.js';

describe.each(SEEDS)('abandoned wait entries (seed %i)', (seed) => {
  it('1,000 submissions failed by A leave nothing in B\'s index, and B still releases what waits on it', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n, { label: 'A' });
    const b = device.createSemaphore(0n, { label: 'B' });
    const n = 1000;
    for (let i = 1; i <= n; i++) device.queue.barrier({ waits: [{ semaphore: a, value: 1n }, { semaphore: b, value: BigInt(i) }] });
    // Live waiters on B interleaved with the doomed ones: compaction must keep exactly these.
    const done = device.createSemaphore(0n, { label: 'done' });
    for (let i = 1; i <= 10; i++) device.queue.barrier({ waits: [{ semaphore: b, value: BigInt(i * 100) }], signals: [{ semaphore: done, value: BigInt(i) }] });
    expect(b.counts.submissionWaiters).toBe(n + 10);

    a.fail(new Error('A broke'));
    expect(device.workCounts.pending).toBe(10);
    expect(a.counts.submissionWaiters).toBe(0);
    expect(b.counts.submissionWaiters).toBe(10);
    // The heap itself must have shed the dead entries: compaction leaves at most 64 of them beside the live ones.
    expect(b.rawSubmissionWaiters).toBeLessThanOrEqual(10 + 64);

    // Releasing B pops whatever dead entries compaction left behind without touching their (failed) submissions.
    b.signal(500n);
    expect(b.counts.submissionWaiters).toBe(5);
    b.signal(2000n);
    await done.wait(10n);
    expect(b.counts).toEqual({ hostWaiters: 0, submissionWaiters: 0, timepoints: 0 });
    expect(b.rawSubmissionWaiters).toBe(0);
    expect(device.workCounts.pending).toBe(0);
  });

  it('failed, rejected-at-submit and cancelled submissions leave no entries on their other waits', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n, { label: 'A' });
    const b = device.createSemaphore(0n, { label: 'B' });
    const c = device.createSemaphore(0n, { label: 'C' });
    const out = device.createSemaphore(0n, { label: 'out' });
    // Two waits on B (two entries) and one on C, failed through A.
    device.queue.barrier({ waits: [{ semaphore: b, value: 3n }, { semaphore: a, value: 1n }, { semaphore: b, value: 5n }, { semaphore: c, value: 1n }], signals: [{ semaphore: out, value: 1n }] });
    expect(b.counts.submissionWaiters).toBe(2);
    a.fail(new Error('A broke'));
    expect(b.counts.submissionWaiters).toBe(0);
    expect(c.counts.submissionWaiters).toBe(0);
    await expectRejects(out.wait(1n), StatusCode.UNKNOWN, 'A broke');
    // Submitted after A failed: rejected before anything is indexed (B's count must not go negative).
    device.queue.barrier({ waits: [{ semaphore: a, value: 1n }, { semaphore: b, value: 9n }] });
    expect(b.counts.submissionWaiters).toBe(0);
    // A wait already covered by an issued signal is not indexed; only the uncovered one is.
    device.queue.barrier({ waits: [{ semaphore: c, value: 1n }], signals: [{ semaphore: b, value: 1n }] });
    const d = device.createSemaphore(0n, { label: 'D' });
    device.queue.barrier({ waits: [{ semaphore: d, value: 1n }, { semaphore: b, value: 1n }, { semaphore: c, value: 2n }] });
    expect(b.counts.submissionWaiters).toBe(1); // the c ≥ 1 barrier is pending, so b ≥ 1 is not covered yet
    c.signal(1n); // issues the b ≥ 1 signaller: its timepoint covers b ≥ 1
    expect(b.counts.submissionWaiters).toBe(0);
    expect(c.counts.submissionWaiters).toBe(1);
    d.fail(new Error('D broke'));
    expect(c.counts.submissionWaiters).toBe(0);
    expect(d.counts.submissionWaiters).toBe(0);
    await b.wait(1n);
  });
});
