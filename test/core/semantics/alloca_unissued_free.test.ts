/**
 * An alloca that never completed (its host wait failed, it was cancelled, or it was aborted in flight) may still
 * have its stream-ordered allocation queued on its lane's stream. Its memory must then be freed stream-ordered on
 * that stream, after the allocation: before the fix the core called a synchronous memFree as soon as nothing was in
 * flight, and the simulator ran the queued `alloc` after the memory had been freed.
 */
import { expect } from 'vitest';
import { StatusCode, type Device } from '../../../src/index.js';
import { SEEDS, expectRejects, simOnly, testDevice } from '../../helpers/device.js';

interface SimLog {
  eventLog(): readonly { op: string; label: string; start: number; end: number; status: string }[];
}

/** The log's stream-ordered memory operations on the allocation at `ptr`. */
function memoryOps(device: Device, ptr: number): { op: string; start: number; end: number; status: string }[] {
  const prefix = `0x${ptr.toString(16)} `;
  return (device.driver as unknown as SimLog).eventLog()
    .filter((e) => (e.op === 'alloc' || e.op === 'free') && e.label.startsWith(prefix))
    .map(({ op, start, end, status }) => ({ op, start, end, status }));
}

simOnly.describe.each(SEEDS)('memory of an alloca that never completed (seed %i)', (seed) => {
  simOnly.it('a failed host wait: the free is ordered after the queued allocation, and the memory comes back', async () => {
    const device = await testDevice({ seed });
    const baseline = device.driver.outstanding().allocations;
    const gate = device.createSemaphore(0n, { label: 'gate' });
    const out = device.createSemaphore(0n, { label: 'out' });
    const scratch = device.queue.alloca({ byteLength: 4096, label: 'scratch', waits: [{ semaphore: gate, value: 1n }], signals: [{ semaphore: out, value: 1n }] });
    const ptr = scratch.devicePtr;
    scratch.destroy(); // only the pending alloca holds it now
    gate.fail(new Error('gate broke')); // fails the alloca before issue: its last reference goes, nothing is in flight
    await expectRejects(out.wait(1n), StatusCode.UNKNOWN, 'gate broke');
    for (let i = 0; i < 1000 && device.driver.outstanding().allocations !== baseline; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(device.driver.outstanding().allocations).toBe(baseline);
    const ops = memoryOps(device, ptr);
    expect(ops.map((e) => `${e.op} ${e.status}`)).toEqual(['alloc ok', 'free ok']);
    expect(ops[1]!.start).toBeGreaterThanOrEqual(ops[0]!.end);
  });

  simOnly.it('cancelled or aborted by device destroy: teardown frees it without a leak report', async () => {
    const device = await testDevice({ backend: 'sim', seed, sim: { mode: 'manual' } });
    const gate = device.createSemaphore(0n, { label: 'gate' });
    device.queue.alloca({ byteLength: 4096, label: 'pending', waits: [{ semaphore: gate, value: 1n }] });
    device.queue.alloca({ byteLength: 4096, label: 'in flight' }); // issued; the manual simulator never runs it
    expect(device.workCounts).toEqual({ pending: 1, inFlight: 1 });
    expect(() => device.destroy()).not.toThrow();
    expect(Object.values(device.driver.outstanding()).every((n) => n === 0)).toBe(true);
  });
});
