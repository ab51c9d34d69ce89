// Deadline timers and the poll cadence of the hip driver (pure JS; no GPU needed).
import { describe, expect, it, vi } from 'vitest';
import { DeadlineTimers, nowNs, PollBackoff } from '../../../src/backends/hip/progress.js';

describe('DeadlineTimers', () => {
  it('fires at or after a nanosecond deadline, from the event loop', async () => {
    const timers = new DeadlineTimers();
    const deadline = nowNs() + 3_500_000n; // 3.5 ms: not a whole number of setTimeout milliseconds
    let firedAt = 0n;
    const fired = new Promise<void>((resolve) => {
      timers.set(deadline, () => {
        firedAt = nowNs();
        resolve();
      });
    });
    expect(timers.count).toBe(1);
    await fired;
    expect(firedAt >= deadline).toBe(true);
    expect(timers.count).toBe(0);
  });

  it('a deadline past setTimeout\'s 2^31 - 1 ms range waits in the largest steps instead of firing every millisecond', async () => {
    const timers = new DeadlineTimers();
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    let fired = false;
    const t = timers.set(nowNs() + 10n ** 19n, () => (fired = true)); // about 317 years
    await new Promise((r) => setImmediate(r));
    expect(fired).toBe(false);
    expect(setTimeoutSpy.mock.calls.map((call) => call[1])).toEqual([2 ** 31 - 1]);
    setTimeoutSpy.mockRestore();
    timers.clear(t);
    expect(timers.count).toBe(0);
  });

  it('a past deadline still fires asynchronously, never inside set()', async () => {
    const timers = new DeadlineTimers();
    let fired = false;
    timers.set(nowNs() - 1_000_000n, () => (fired = true));
    expect(fired).toBe(false);
    await new Promise((r) => setTimeout(r, 5));
    expect(fired).toBe(true);
  });

  it('clear is idempotent, harmless after firing, and cancels', async () => {
    const timers = new DeadlineTimers();
    let fired = 0;
    const t = timers.set(nowNs() + 2_000_000n, () => fired++);
    timers.clear(t);
    timers.clear(t);
    expect(timers.count).toBe(0);
    await new Promise((r) => setTimeout(r, 10));
    expect(fired).toBe(0);
    expect(timers.clear({} as never)).toBe(false);
  });
});

describe('PollBackoff', () => {
  /** A PollBackoff on a clock the test moves by hand (milliseconds). */
  const onFakeTime = () => {
    const clock = { now: 1000 };
    return { clock, backoff: new PollBackoff(() => clock.now) };
  };

  it('ticks with setImmediate for 10 ms after the first tick, then with timers growing from 1 ms to 4 ms', () => {
    const { clock, backoff } = onFakeTime();
    expect(backoff.nextTick()).toEqual({ mechanism: 'immediate' }); // idle time starts here
    clock.now += 9.9;
    expect(backoff.nextTick()).toEqual({ mechanism: 'immediate' });
    clock.now += 0.1; // 10 ms idle
    expect(backoff.nextTick()).toEqual({ mechanism: 'timeout', ms: 1 });
    clock.now += 34; // 44 ms idle: a third of the 100 ms ramp
    expect(backoff.nextTick()).toEqual({ mechanism: 'timeout', ms: 2 });
    clock.now += 34; // 78 ms
    expect(backoff.nextTick()).toEqual({ mechanism: 'timeout', ms: 3 });
    clock.now += 32; // 110 ms: the end of the ramp
    expect(backoff.nextTick()).toEqual({ mechanism: 'timeout', ms: 4 });
    clock.now += 60_000;
    expect(backoff.nextTick()).toEqual({ mechanism: 'timeout', ms: 4 }); // never longer
  });

  it('a completion makes ticks immediate again, for another 10 ms', () => {
    const { clock, backoff } = onFakeTime();
    backoff.nextTick();
    clock.now += 500;
    expect(backoff.nextTick()).toEqual({ mechanism: 'timeout', ms: 4 });
    backoff.noteCompletion();
    expect(backoff.nextTick()).toEqual({ mechanism: 'immediate' });
    clock.now += 9;
    expect(backoff.nextTick()).toEqual({ mechanism: 'immediate' });
    clock.now += 1;
    expect(backoff.nextTick()).toEqual({ mechanism: 'timeout', ms: 1 });
  });

  it('next() waits with the mechanism nextTick() chose', async () => {
    const { clock, backoff } = onFakeTime();
    const immediate = vi.spyOn(globalThis, 'setImmediate');
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    try {
      await backoff.next();
      expect(immediate).toHaveBeenCalledTimes(1);
      expect(timeout).not.toHaveBeenCalled();
      clock.now += 200;
      await backoff.next();
      expect(immediate).toHaveBeenCalledTimes(1);
      expect(timeout).toHaveBeenCalledTimes(1);
      expect(timeout.mock.calls[0]![1]).toBe(4);
    } finally {
      immediate.mockRestore();
      timeout.mockRestore();
    }
  });
});
