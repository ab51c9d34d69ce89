/**
 * A dealloca that fails (its wait failed, so it never ran) leaves its buffer as it was: still allocated, usable
 * and deallocable by a later dealloca (rule 5: a failed operation has no effect). Runs on every backend.
 */
import { describe, expect, it } from 'vitest';
import { HalError, StatusCode } from '../../../src/index.js';
import { SEEDS, expectHalError, expectRejects, testDevice } from '../../helpers/device.js';

describe.each(SEEDS)('dealloca whose wait failed (seed %i)', (seed) => {
  it('leaves the buffer allocated, usable and deallocable', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n);
    const f = device.createSemaphore(0n);
    const done = device.createSemaphore(0n);
    const freed = device.createSemaphore(0n);
    const buffer = device.queue.alloca({ byteLength: 256, signals: [{ semaphore: a, value: 1n }] });
    await a.wait(1n);
    f.fail(new HalError(StatusCode.CANCELLED, 'dealloca wait failed'));
    device.queue.dealloca({ buffer, waits: [{ semaphore: f, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
    expectHalError(() => done.query(), StatusCode.CANCELLED, 'dealloca wait failed');
    // Still allocated and usable: the failed dealloca had no effect.
    device.queue.fill({ buffer, pattern: 0x5a, patternLength: 1, signals: [{ semaphore: a, value: 2n }] });
    expect(await device.queue.read({ buffer, waits: [{ semaphore: a, value: 2n }] })).toEqual(new Uint8Array(256).fill(0x5a));
    device.queue.dealloca({ buffer, signals: [{ semaphore: freed, value: 1n }] });
    await freed.wait(1n);
    expectHalError(() => device.queue.fill({ buffer, pattern: 1, patternLength: 1 }), StatusCode.FAILED_PRECONDITION, buffer.label);
  });

  it('a dealloca whose wait fails later (it was pending) also leaves the buffer deallocable', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n);
    const gate = device.createSemaphore(0n);
    const done = device.createSemaphore(0n);
    const freed = device.createSemaphore(0n);
    const buffer = device.queue.alloca({ byteLength: 64, signals: [{ semaphore: a, value: 1n }] });
    device.queue.dealloca({ buffer, waits: [{ semaphore: gate, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
    // While that dealloca is pending, a second one is refused.
    expectHalError(() => device.queue.dealloca({ buffer }), StatusCode.FAILED_PRECONDITION, 'already has a dealloca submitted');
    gate.fail(new HalError(StatusCode.ABORTED, 'gate broke'));
    await expectRejects(done.wait(1n), StatusCode.ABORTED, 'gate broke');
    device.queue.dealloca({ buffer, waits: [{ semaphore: a, value: 1n }], signals: [{ semaphore: freed, value: 1n }] });
    await freed.wait(1n);
  });
});
