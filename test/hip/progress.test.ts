// Deadline timers and the poll cadence of the hip driver (pure JS; no GPU needed).
import { describe, expect, it } from 'vitest';
import { DeadlineTimers, nowNs, PollBackoff } from '../../src/backends/hip/progress.js';

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
  it('ticks with setImmediate for 10 ms after a completion, then backs off to timers', async () => {
    const backoff = new PollBackoff();
    const t0 = performance.now();
    let eagerTicks = 0;
    while (performance.now() - t0 < 8) {
      await backoff.next();
      eagerTicks++;
    }
    expect(eagerTicks).toBeGreaterThan(50); // setImmediate ticks, not >= 1 ms timers
    while (performance.now() - t0 < 12) await backoff.next();
    const t1 = performance.now();
    for (let i = 0; i < 10; i++) await backoff.next();
    expect(performance.now() - t1).toBeGreaterThanOrEqual(9); // timer ticks of >= 1 ms once idle
    backoff.noteCompletion();
    let ticks = 0;
    const t2 = performance.now();
    while (performance.now() - t2 < 5) {
      await backoff.next();
      ticks++;
    }
    expect(ticks).toBeGreaterThan(50);
  });
});
