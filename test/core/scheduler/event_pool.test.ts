/**
 * The scheduler's event pool against a real simulator driver: events are reused, a burst keeps as many free events
 * as it had in flight (so repeating it creates none), a smaller burst gives an eighth of the excess back, the
 * allowance never drops below the minimum, and destroyAll returns the driver's event count to zero.
 */
import { describe, expect, it } from 'vitest';
import { createSimDriver } from '../../../src/backends/sim/index.js';
import type { DriverEvent } from '../../../src/core/driver.js';
import { EventPool } from '../../../src/core/scheduler/event_pool.js';

function burst(pool: EventPool, n: number): DriverEvent[] {
  return Array.from({ length: n }, () => pool.acquire());
}

describe('event pool', () => {
  it('keeps what a burst had in flight, decays toward smaller bursts, and destroyAll leaves no events', async () => {
    const driver = await createSimDriver({ memoryBytes: 4 << 20 });
    try {
      const pool = new EventPool(driver, 16);
      const events = () => driver.outstanding().events;

      const first = burst(pool, 100);
      expect(events()).toBe(100);
      for (const event of first) pool.recycle(event);
      expect(events()).toBe(100); // all kept: the burst needed 100

      const again = burst(pool, 100);
      expect(events()).toBe(100); // the same burst again creates nothing
      expect(new Set(again)).toEqual(new Set(first));

      for (const event of again.slice(0, 99)) pool.recycle(event);
      pool.discard(again[99]!); // a faulted event is destroyed, not reused
      expect(events()).toBe(99);

      const small = burst(pool, 4);
      for (const event of small) pool.recycle(event);
      expect(events()).toBe(100 - ((100 - 4) >> 3)); // an eighth of the excess over the small burst is given back

      for (let i = 0; i < 40; i++) for (const event of burst(pool, 2)) pool.recycle(event);
      expect(events()).toBe(16); // never below the minimum

      pool.destroyAll();
      expect(events()).toBe(0);
    } finally {
      driver.destroy();
    }
  });
});
