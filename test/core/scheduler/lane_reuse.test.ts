/**
 * Lane choice when a queue is idle: every lane orders the same (nothing is in flight), so the last lane is reused and a
 * real GPU skips a stream switch. Work submitted while earlier work is in flight still goes to the lanes in turn, so
 * rule 4's freedom (and the simulator's seeds) are untouched.
 */
import { expect, it } from 'vitest';
import type { SimDriver } from '../../../src/backends/sim/index.js';
import { createDevice } from '../../../src/index.js';

const fillStreams = (driver: SimDriver): number[] => driver.eventLog().filter((entry) => entry.op === 'memset').map((entry) => entry.stream);

it('an idle queue reuses its last lane; work overlapping in-flight work goes to the next lane in turn', async () => {
  await using device = await createDevice({ backend: 'sim', seed: 1, streamsPerQueue: 4 });
  const driver = device.driver as SimDriver;
  const buffer = device.createBuffer({ byteLength: 256 });
  const done = device.createSemaphore(0n);
  // One at a time: each fill completes before the next is submitted.
  for (let i = 1; i <= 3; i++) {
    device.queue.fill({ buffer, pattern: i, patternLength: 4, signals: [{ semaphore: done, value: BigInt(i) }] });
    await done.wait(BigInt(i));
  }
  const sequential = fillStreams(driver);
  expect(new Set(sequential).size).toBe(1);
  // Three at once: each finds the queue busy, so they take three different lanes.
  // Unordered among themselves, so each signals its own semaphore (one shared value could move past a fill still running).
  const each = [0, 1, 2].map(() => device.createSemaphore(0n));
  for (const [i, semaphore] of each.entries()) device.queue.fill({ buffer, pattern: 4 + i, patternLength: 4, signals: [{ semaphore, value: 1n }] });
  await device.waitSemaphores('all', each.map((semaphore) => ({ semaphore, value: 1n })));
  const concurrent = fillStreams(driver).slice(3);
  expect(new Set(concurrent).size).toBe(3);
  buffer.destroy();
});
