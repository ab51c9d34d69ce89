/**
 * A rejected alloca changes nothing (docs/design.md rule 10), the queue's lane rotation included: before the fix, the
 * alloca took its lane before the stream-ordered allocation threw RESOURCE_EXHAUSTED, so every later independent
 * submission landed on a different stream than in the same program without the rejected call (breaking rule 11's
 * replay on the simulator).
 */
import { expect } from 'vitest';
import type { Device } from '../../../src/index.js';
import { StatusCode } from '../../../src/index.js';
import { SEEDS, expectHalError, simOnly, testDevice } from '../../helpers/device.js';

interface SimLog {
  eventLog(): readonly { stream: number; op: string; label: string; start: number; end: number; status: string }[];
}

/** Independent work after the (possibly rejected) alloca: each op goes to the queue's next lane. */
async function program(device: Device, rejectOne: boolean): Promise<string[]> {
  const held = device.createBuffer({ byteLength: 1 << 20, label: 'held' });
  if (rejectOne) {
    const s = device.createSemaphore(0n, { label: 'never' });
    expectHalError(() => device.queue.alloca({ byteLength: device.limits.maxBufferBytes, signals: [{ semaphore: s, value: 1n }] }), StatusCode.RESOURCE_EXHAUSTED);
  }
  const done = device.createSemaphore(0n, { label: 'done' });
  const buffers = [0, 1, 2, 3, 4].map((i) => device.createBuffer({ byteLength: 256, label: `b${i}` }));
  const scratch = device.queue.alloca({ byteLength: 256, label: 'scratch', signals: [{ semaphore: done, value: 1n }] });
  buffers.forEach((buffer, i) => device.queue.fill({ buffer, pattern: i, patternLength: 1, signals: [{ semaphore: done, value: BigInt(i + 2) }] }));
  await device.waitSemaphores('all', [1, 2, 3, 4, 5, 6].map((v) => ({ semaphore: done, value: BigInt(v) })));
  device.queue.dealloca({ buffer: scratch });
  held.destroy();
  return (device.driver as unknown as SimLog).eventLog().map((e) => `${e.stream} ${e.op} ${e.label} ${e.start}-${e.end} ${e.status}`);
}

simOnly.describe.each(SEEDS)('rejected alloca (seed %i)', (seed) => {
  simOnly.it('leaves the lane rotation as it was: the same program with and without it runs identically', async () => {
    const without = await program(await testDevice({ seed }), false);
    const withRejected = await program(await testDevice({ seed }), true);
    expect(withRejected).toEqual(without);
    // The log really shows where work went: the fills used more than one stream.
    expect(new Set(without.filter((line) => line.includes('memset')).map((line) => line.split(' ')[0])).size).toBeGreaterThan(1);
  });
});
