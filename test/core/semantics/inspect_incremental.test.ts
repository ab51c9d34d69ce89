/**
 * device.inspect() folds the trace incrementally: after every step of a session it reads only the events recorded
 * since the previous call. Before the fix it re-folded the whole trace on every call (O(n²) over a stepped session).
 * The snapshot stays exactly what folding the whole trace gives (inspectTrace).
 */
import { expect } from 'vitest';
import { inspectDevice, inspectTrace } from '../../../src/core/inspection.js';
import type { TraceEvent } from '../../../src/trace/model.js';
import { simOnly, testDevice } from '../../helpers/device.js';

simOnly.describe('incremental inspection', () => {
  simOnly.it('reads each trace event once across calls, and matches a fold of the whole trace', async () => {
    const device = await testDevice({ backend: 'sim', sim: { mode: 'manual' }, trace: true });
    const real = device.trace!.events;
    let reads = 0;
    // The same events, counting every indexed read the inspector makes.
    const counted = new Proxy(real, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    }) as TraceEvent[];
    const view = { label: device.label, driver: device.driver, trace: { events: counted } };

    const s = device.createSemaphore(0n, { label: 's' });
    const buffer = device.createBuffer({ byteLength: 64 });
    for (let i = 0; i < 8; i++) {
      device.queue.fill({ buffer, pattern: i, patternLength: 1, waits: [{ semaphore: s, value: BigInt(i) }], signals: [{ semaphore: s, value: BigInt(i + 1) }] });
    }
    let steps = 0;
    let folded = 0; // events the inspector has read so far
    for (;;) {
      const before = reads;
      const total = real.length;
      const snapshot = inspectDevice(view);
      // Only the events recorded since the previous call are read, each once.
      expect(reads - before).toBe(total - folded);
      folded = total;
      expect({ ...snapshot, streams: [] }).toEqual(inspectTrace(real, device.driver.now()));
      const outcome = await device.step();
      steps++;
      if (outcome.event === null) break;
    }
    expect(steps).toBeGreaterThan(8);
    expect(inspectDevice(view).completed).toBe(8);
  });
});
