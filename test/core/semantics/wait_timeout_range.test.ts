/**
 * Host-wait timeouts of any length (rule 1): a timeout whose deadline lies beyond what the driver's clock can reach
 * never fires, so it behaves as no timeout; it is never an error about internals, and a wait that is rejected for
 * a bad timeout registers nothing on the semaphore (rule 10: bad input never changes state).
 */
import { describe, expect, it, vi } from 'vitest';
import { HalError, StatusCode } from '../../../src/index.js';
import { SEEDS, expectRejects, testDevice, track } from '../../helpers/device.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe.each(SEEDS)('host wait timeouts (seed %i)', (seed) => {
  it.each([1e10, 2 ** 53, 1e300, Number.MAX_VALUE])('timeoutMs %d waits until the value arrives', async (timeoutMs) => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    const waiting = track(s.wait(1n, { timeoutMs }));
    const any = track(device.waitSemaphores('any', [{ semaphore: s, value: 2n }], { timeoutMs }));
    for (let i = 0; i < 5; i++) await settle();
    expect(waiting.settled).toBe(false);
    expect(any.settled).toBe(false);
    s.signal(2n);
    for (let i = 0; i < 3 && !(waiting.settled && any.settled); i++) await settle();
    expect([waiting.settled, waiting.error, any.settled, any.error]).toEqual([true, undefined, true, undefined]);
    expect(s.counts.hostWaiters).toBe(0);
    expect(device.driver.outstanding().timers).toBe(0);
  });

  it('a huge timeout still waits after the clock has advanced', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    const buffer = device.createBuffer({ byteLength: 1 << 20 });
    for (let i = 0; i < 4; i++) await device.upload(buffer, new Uint8Array(1 << 20)); // moves driver time forward
    const waiting = track(s.wait(1n, { timeoutMs: 2 ** 53 / 1e6 }));
    await settle();
    s.signal(1n);
    await settle();
    expect([waiting.settled, waiting.error]).toEqual([true, undefined]);
  });

  it('a rejected timeout registers no waiter', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    for (const timeoutMs of [-1, Number.NaN, '5', Number.NEGATIVE_INFINITY]) {
      await expectRejects(s.wait(1n, { timeoutMs: timeoutMs as number }), StatusCode.INVALID_ARGUMENT, 'timeoutMs');
    }
    expect(s.counts.hostWaiters).toBe(0);
    expect(device.driver.outstanding().timers).toBe(0);
  });

  it('a wait whose timer the driver refuses registers no waiter', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    const refused = new HalError(StatusCode.RESOURCE_EXHAUSTED, 'no timers left');
    vi.spyOn(device.driver, 'setTimer').mockImplementationOnce(() => {
      throw refused;
    });
    await expectRejects(s.wait(1n, { timeoutMs: 5 }), StatusCode.RESOURCE_EXHAUSTED, 'no timers left');
    expect(s.counts.hostWaiters).toBe(0);
    s.signal(1n); // nothing left behind to settle
    expect(s.query()).toBe(1n);
  });
});
