/**
 * Stall diagnosis as data (device.diagnoseStall): who waits for what, the value needed and the current one, which
 * pending submissions could signal it, and the wait cycle; undefined whenever something can still make progress by
 * itself (work in flight, a timed wait).
 */
import { describe, expect, it } from 'vitest';
import { SEEDS, expectRejects, testDevice, track } from '../../helpers/device.js';
import { StatusCode } from '../../../src/index.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe.each(SEEDS)('stall diagnosis (seed %i)', (seed) => {
  it('names every pending submission and host wait, their signalers and the cycle', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const [q0, q1] = device.queues as [typeof device.queue, typeof device.queue];
    const a = device.createSemaphore(0n, { label: 'a' });
    const b = device.createSemaphore(0n, { label: 'b' });
    const gate = device.createSemaphore(3n, { label: 'gate' });
    const buffer = device.createBuffer({ byteLength: 16 });
    q0.barrier({ waits: [{ semaphore: a, value: 1n }], signals: [{ semaphore: b, value: 1n }] }); // #1
    q1.barrier({ waits: [{ semaphore: b, value: 1n }], signals: [{ semaphore: a, value: 1n }] }); // #2
    const read = q0.read({ buffer, waits: [{ semaphore: gate, value: 5n }] }); // #3
    const waiting = track(b.wait(1n));
    await turn();
    const d = device.diagnoseStall()!;
    expect(d).toBeDefined();
    expect(d.submissions).toEqual([
      { id: 1, queue: 0, op: 'barrier', waits: [{ semaphore: 'a', needed: 1n, current: 0n, signaledBy: [2] }], signals: [{ semaphore: 'b', value: 1n }] },
      { id: 2, queue: 1, op: 'barrier', waits: [{ semaphore: 'b', needed: 1n, current: 0n, signaledBy: [1] }], signals: [{ semaphore: 'a', value: 1n }] },
      { id: 3, queue: 0, op: 'read', waits: [{ semaphore: 'gate', needed: 5n, current: 3n, signaledBy: [] }], signals: [] },
    ]);
    expect(d.hostWaits).toEqual([{ mode: 'all', waits: [{ semaphore: 'b', needed: 1n, current: 0n, signaledBy: [1] }] }]);
    expect(d.cycle).toEqual([1, 2, 1]);
    expect(d.awaitedOperations).toBe(1);
    expect(d.inFlight).toBe(0);
    expect(d.message).toContain('host wait (all) for b ≥ 1n (now 0n): could be signaled by #1');
    expect(d.message).toContain('#3 read on queue 0 waits for gate ≥ 5n (now 3n): no pending submission signals it (only the host could)');
    expect(d.message).toContain('wait cycle: #1 → #2 → #1');
    // Diagnosing changes nothing: the host can still unblock it.
    expect(waiting.settled).toBe(false);
    gate.signal(5n);
    a.signal(1n);
    await b.wait(1n);
    expect((await read).byteLength).toBe(16);
    await turn();
    expect(device.diagnoseStall()).toBeUndefined();
  });

  it('is undefined while work is in flight, a timed wait is armed, or nothing waits', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    expect(device.diagnoseStall()).toBeUndefined();
    const buffer = device.createBuffer({ byteLength: 1 << 16 });
    device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
    device.queue.barrier({ waits: [{ semaphore: s, value: 2n }] });
    if (device.workCounts.inFlight > 0) expect(device.diagnoseStall()).toBeUndefined();
    await s.wait(1n);
    await turn();
    expect(device.diagnoseStall()?.submissions.length).toBe(1);
    const timed = s.wait(2n, { timeoutMs: 1 });
    expect(device.diagnoseStall()).toBeUndefined();
    await expectRejects(timed, StatusCode.DEADLINE_EXCEEDED);
    s.signal(2n);
  });
});
