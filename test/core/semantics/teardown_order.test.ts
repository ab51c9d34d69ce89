/**
 * Rule 9 on a real GPU: destroy() must not free memory that aborted-but-still-running device work may touch. The core
 * calls the driver's quiesce() (on hip: a device synchronize) before any free. The simulator has no quiesce (its
 * work cannot outlive destroy), so the test lends the real sim driver one that records when it was called.
 */
import { expect, it } from 'vitest';
import { createDevice } from '../../../src/index.js';

it('destroy() with work in flight and user-destroyed buffers quiesces the driver before it frees any memory', async () => {
  const device = await createDevice({ backend: 'sim', seed: 1, label: 'teardown-order' });
  const driver = device.driver as typeof device.driver & { quiesce?: () => void };
  const calls: string[] = [];
  const memFree = driver.memFree.bind(driver);
  driver.memFree = (ptr) => {
    calls.push('memFree');
    memFree(ptr);
  };
  driver.quiesce = () => {
    calls.push('quiesce');
  };
  const a = device.createBuffer({ byteLength: 1 << 20 });
  const b = device.createBuffer({ byteLength: 1 << 20 });
  device.queue.fill({ buffer: a, pattern: 1, patternLength: 4 });
  device.queue.fill({ buffer: b, pattern: 2, patternLength: 4 });
  a.destroy(); // the submissions still hold them: freed only when the core lets go of them
  b.destroy();
  expect(device.workCounts.inFlight).toBe(2);
  device.destroy();
  expect(calls[0]).toBe('quiesce');
  expect(calls.filter((c) => c === 'memFree')).toHaveLength(2);
  expect(driver.outstanding().allocations).toBe(0);
});
