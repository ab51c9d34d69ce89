/**
 * `await device[Symbol.asyncDispose]()` drains in-flight work (docs/design.md rule 9) on a manual-mode simulator too.
 * Before the fix it awaited the completion poller, whose `nextProgress()` only resolves on `step()`, so it hung
 * forever; now it steps the simulator until the in-flight work has finished, then destroys.
 */
import { expect } from 'vitest';
import { StatusCode } from '../../../src/index.js';
import { expectNoDriverObjects, expectRejects, simOnly, testDevice } from '../../helpers/device.js';

/** Rejects if `promise` has not settled within `ms` of real time (a hang fails the test instead of timing it out). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

simOnly.describe('Symbol.asyncDispose on a manual-mode simulator', () => {
  simOnly.it('steps the simulator until in-flight work completes, then destroys; host-blocked work is cancelled', async () => {
    const device = await testDevice({ backend: 'sim', sim: { mode: 'manual' } });
    const buffer = device.createBuffer({ byteLength: 64 });
    const s = device.createSemaphore(0n);
    const gate = device.createSemaphore(0n);
    device.queue.fill({ buffer, pattern: 0xab, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
    const read = device.queue.read({ buffer, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
    const blocked = device.queue.read({ buffer, waits: [{ semaphore: gate, value: 1n }] });
    await new Promise((resolve) => setImmediate(resolve)); // the poller's first round: both issued, nothing stepped
    expect(device.workCounts).toEqual({ pending: 1, inFlight: 2 });

    await within(device[Symbol.asyncDispose](), 5000, 'asyncDispose');

    expect(device.destroyed).toBe(true);
    // Drained, not aborted: the read completed with the filled bytes and the signal arrived.
    expect(await read).toEqual(new Uint8Array(64).fill(0xab));
    await expectRejects(blocked, StatusCode.CANCELLED, 'destroyed');
    expectNoDriverObjects(device);
  });
});
