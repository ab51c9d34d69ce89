/**
 * DESIGN.md rule 2 — failure is sticky: the first failure wins; pending and future waits reject with the original
 * code and message; later signals reject; query reports the failure.
 */
import { describe, expect, it } from 'vitest';
import { HalError, StatusCode } from '../../../src/index.js';
import { SEEDS, expectHalError, expectRejects, testDevice, track } from '../../helpers/device.js';

describe.each(SEEDS)('rule 2: sticky failure (seed %i)', (seed) => {
  it('fail then wait: the wait rejects with the original code and message; query throws it', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    const failure = new HalError(StatusCode.DATA_LOSS, 'checksum mismatch in tile 7');
    s.fail(failure);
    const error = await expectRejects(s.wait(1n), StatusCode.DATA_LOSS, 'checksum mismatch in tile 7');
    expect(error).toBe(failure);
    expectHalError(() => s.query(), StatusCode.DATA_LOSS, 'tile 7');
  });

  it('wait then fail: the pending wait rejects with the failure', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    const waiting = s.wait(5n);
    s.fail(new HalError(StatusCode.ABORTED, 'producer crashed'));
    await expectRejects(waiting, StatusCode.ABORTED, 'producer crashed');
    expect(s.counts.hostWaiters).toBe(0);
  });

  it('a wait on a value reached before the failure still rejects once failed', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(4n);
    s.fail(new HalError(StatusCode.INTERNAL, 'boom'));
    await expectRejects(s.wait(1n), StatusCode.INTERNAL, 'boom');
  });

  it('the first failure wins; later ones are dropped', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    s.fail(new HalError(StatusCode.RESOURCE_EXHAUSTED, 'first'));
    s.fail(new HalError(StatusCode.INTERNAL, 'second'));
    s.fail(new Error('third'));
    expectHalError(() => s.query(), StatusCode.RESOURCE_EXHAUSTED, 'first');
    await expectRejects(s.wait(1n), StatusCode.RESOURCE_EXHAUSTED, 'first');
  });

  it('signals after a failure reject with the failure and do not change the value', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(2n);
    s.fail(new HalError(StatusCode.CANCELLED, 'user cancelled'));
    expectHalError(() => s.signal(3n), StatusCode.CANCELLED, 'user cancelled');
    expect(s.currentValue).toBe(2n);
  });

  it('plain Errors and strings become UNKNOWN failures carrying their message; bad input is rejected', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n);
    a.fail(new Error('disk on fire'));
    expectHalError(() => a.query(), StatusCode.UNKNOWN, 'disk on fire');
    const b = device.createSemaphore(0n);
    expectHalError(() => b.fail(42), StatusCode.INVALID_ARGUMENT, 'fail error', 'got 42');
    expectHalError(() => b.fail(new HalError(StatusCode.OK, 'fine')), StatusCode.INVALID_ARGUMENT, 'OK');
    expect(b.query()).toBe(0n); // the rejected call changed nothing
  });

  it('a failure leaves other semaphores untouched', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n);
    const b = device.createSemaphore(0n);
    const onB = track(b.wait(1n));
    a.fail(new HalError(StatusCode.INTERNAL, 'a only'));
    await new Promise((r) => setImmediate(r));
    expect(onB.settled).toBe(false);
    b.signal(1n);
    await new Promise((r) => setImmediate(r));
    expect(onB.settled && onB.error === undefined).toBe(true);
  });
});
