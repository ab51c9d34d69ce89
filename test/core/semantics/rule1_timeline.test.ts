/**
 * DESIGN.md rule 1 — timeline semaphores: u64 bigint payloads, strictly increasing host signals, waits that never
 * change the value and resolve at ≥, polls and finite timeouts that reject with DEADLINE_EXCEEDED.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD, StatusCode } from '../../../src/index.js';
import { SEEDS, expectHalError, expectRejects, simOnly, testDevice, track } from '../../helpers/device.js';

describe.each(SEEDS)('rule 1: timeline semaphores (seed %i)', (seed) => {
  it('signal moves the value forward and query reports it', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(5n);
    expect(s.query()).toBe(5n);
    s.signal(6n);
    s.signal(100n);
    expect(s.query()).toBe(100n);
    s.signal(MAX_PAYLOAD);
    expect(s.query()).toBe(MAX_PAYLOAD);
  });

  it('a signal not strictly greater is OUT_OF_RANGE and changes nothing', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(3n);
    expectHalError(() => s.signal(3n), StatusCode.OUT_OF_RANGE, '3n', 'current value 3n');
    expectHalError(() => s.signal(1n), StatusCode.OUT_OF_RANGE, '1n');
    expect(s.query()).toBe(3n);
  });

  it('payloads must be u64 bigints (INVALID_ARGUMENT naming the value)', async () => {
    const device = await testDevice({ seed });
    expectHalError(() => device.createSemaphore(-1n), StatusCode.INVALID_ARGUMENT, 'initialValue', '-1n');
    expectHalError(() => device.createSemaphore(MAX_PAYLOAD + 1n), StatusCode.INVALID_ARGUMENT, '18446744073709551616n');
    expectHalError(() => device.createSemaphore(3 as unknown as bigint), StatusCode.INVALID_ARGUMENT, 'bigint', 'got 3');
    const s = device.createSemaphore(0n);
    expectHalError(() => s.signal(-5n), StatusCode.INVALID_ARGUMENT, 'signal value', '-5n');
    expectHalError(() => s.signal(2 ** 70 as unknown as bigint), StatusCode.INVALID_ARGUMENT, 'signal value');
    await expectRejects(s.wait(-1n), StatusCode.INVALID_ARGUMENT, 'wait value', '-1n');
    expect(s.query()).toBe(0n);
  });

  it('wait(v) resolves once the value is ≥ v: a signal to 3 releases waits on 1, 2 and 3 but not 4', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    const w1 = track(s.wait(1n));
    const w2 = track(s.wait(2n));
    const w3 = track(s.wait(3n));
    const w4 = track(s.wait(4n));
    await Promise.resolve();
    expect([w1.settled, w2.settled, w3.settled, w4.settled]).toEqual([false, false, false, false]);
    s.signal(3n);
    await new Promise((r) => setImmediate(r));
    expect([w1.settled, w2.settled, w3.settled, w4.settled]).toEqual([true, true, true, false]);
    expect(w1.error ?? w2.error ?? w3.error).toBeUndefined();
    expect(s.query()).toBe(3n); // waits never change the value
    s.signal(4n);
    await new Promise((r) => setImmediate(r));
    expect(w4.settled && w4.error === undefined).toBe(true);
  });

  it('a wait on a value already reached or exceeded resolves at once', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(10n);
    await expect(s.wait(3n)).resolves.toBeUndefined();
    await expect(s.wait(10n)).resolves.toBeUndefined();
    await expect(s.wait(0n, { timeoutMs: 0 })).resolves.toBeUndefined();
    expect(s.query()).toBe(10n);
  });

  it('a zero timeout is a poll: DEADLINE_EXCEEDED when not reached, value unchanged', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(1n);
    await expectRejects(s.wait(2n, { timeoutMs: 0 }), StatusCode.DEADLINE_EXCEEDED, 'poll', '≥ 2n', 'now 1n');
    expect(s.query()).toBe(1n);
    expect(s.counts.hostWaiters).toBe(0);
  });

  it('a finite timeout rejects with DEADLINE_EXCEEDED and leaves no waiter or timer behind', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    await expectRejects(s.wait(1n, { timeoutMs: 5 }), StatusCode.DEADLINE_EXCEEDED, 'timed out after 5 ms');
    expect(s.counts.hostWaiters).toBe(0);
    expect(device.driver.outstanding().timers).toBe(0);
    expect(s.query()).toBe(0n);
  });

  it('a wait that is satisfied before its timeout resolves and cancels the timer', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    const waiting = s.wait(1n, { timeoutMs: 1_000_000 });
    expect(device.driver.outstanding().timers).toBe(1);
    s.signal(1n);
    await expect(waiting).resolves.toBeUndefined();
    expect(device.driver.outstanding().timers).toBe(0);
  });

  it('bad timeouts are INVALID_ARGUMENT naming the value', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    await expectRejects(s.wait(1n, { timeoutMs: -1 }), StatusCode.INVALID_ARGUMENT, 'timeoutMs', 'got -1');
    await expectRejects(s.wait(1n, { timeoutMs: Number.NaN }), StatusCode.INVALID_ARGUMENT, 'timeoutMs', 'NaN');
    expect(s.counts.hostWaiters).toBe(0);
  });

  simOnly.it('on the simulator a timeout is virtual: the clock advances by exactly the timeout', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    const start = device.driver.now();
    await expectRejects(s.wait(1n, { timeoutMs: 250 }), StatusCode.DEADLINE_EXCEEDED);
    expect(device.driver.now() - start).toBe(250_000_000n);
  });
});
