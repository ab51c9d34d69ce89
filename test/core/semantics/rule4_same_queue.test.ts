/**
 * DESIGN.md rules 4 and 11 on one queue: two submissions without a semaphore between them may run in either order,
 * also when they share a queue — each queue issues to several driver streams (`streamsPerQueue`, 4 by default), so
 * on the simulator a different seed can reorder them, which is how a missing semaphore shows. A semaphore between
 * them always orders them, whichever lanes they land on; `streamsPerQueue: 1` restores strict submission order.
 */
import { describe, expect, it } from 'vitest';
import type { Device, DeviceOptions } from '../../../src/index.js';
import { SEEDS, simOnly, testDevice } from '../../helpers/device.js';
import { countStreamWaits, sameLaneWaits } from '../../helpers/stream_waits.js';

/** Seeds tried where an outcome depends on the seed (the simulator is deterministic per seed). */
const MANY_SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);
const BYTES = 4096;

/** Every byte of the buffer, which must hold one fill's pattern throughout; returns that pattern. */
async function wholeBufferPattern(device: Device, buffer: ReturnType<Device['createBuffer']>): Promise<number> {
  const bytes = await device.download(buffer);
  expect(new Set(bytes).size, 'one fill ran entirely after the other').toBe(1);
  return bytes[0]!;
}

/** fill 1 then fill 2 of one buffer on one queue, with no semaphore between them; returns the pattern left. */
async function unorderedFills(options: DeviceOptions): Promise<number> {
  const device = await testDevice(options);
  const buffer = device.createBuffer({ byteLength: BYTES });
  const first = device.createSemaphore(0n);
  const second = device.createSemaphore(0n);
  device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: first, value: 1n }] });
  device.queue.fill({ buffer, pattern: 2, patternLength: 1, signals: [{ semaphore: second, value: 1n }] });
  await device.waitSemaphores('all', [{ semaphore: first, value: 1n }, { semaphore: second, value: 1n }]);
  const pattern = await wholeBufferPattern(device, buffer);
  device.destroy();
  return pattern;
}

describe('rule 4 on one queue: only semaphores order submissions', () => {
  simOnly.it('two fills of one buffer on one queue without a semaphore end in both orders across seeds', async () => {
    const outcomes = new Map<number, number[]>();
    for (const seed of MANY_SEEDS) {
      const pattern = await unorderedFills({ seed });
      outcomes.set(pattern, [...(outcomes.get(pattern) ?? []), seed]);
    }
    // Both fills ran to completion either way; which one wrote last is the seed's choice.
    expect([...outcomes.keys()].sort()).toEqual([1, 2]);
    // And each seed replays its own order (rule 11).
    for (const [pattern, seeds] of outcomes) expect(await unorderedFills({ seed: seeds[0]! })).toBe(pattern);
  });

  simOnly.it('with streamsPerQueue: 1 the same two fills always run in submission order', async () => {
    for (const seed of MANY_SEEDS) expect(await unorderedFills({ seed, streamsPerQueue: 1 })).toBe(2);
  });

  it.each(SEEDS)('a semaphore between the fills always orders them (seed %i)', async (seed) => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: BYTES });
    const s = device.createSemaphore(0n);
    device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
    device.queue.fill({ buffer, pattern: 2, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
    await s.wait(2n);
    expect(await wholeBufferPattern(device, buffer)).toBe(2);
  });

  simOnly.it('a semaphore orders the fills across seeds also when the second one lands on another lane of the queue', async () => {
    // The first fill's second consumer cannot follow it on its lane (the first consumer already does), so it is
    // issued to another lane of the same queue: only a stream wait on the first fill's event orders it. Without
    // that wait the seed would decide, as in the unordered test above.
    for (const seed of MANY_SEEDS) {
      const device = await testDevice({ seed });
      const streamWaits = countStreamWaits(device);
      const buffer = device.createBuffer({ byteLength: BYTES });
      const other = device.createBuffer({ byteLength: BYTES });
      const s = device.createSemaphore(0n);
      const done = device.createSemaphore(0n);
      device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
      device.queue.fill({ buffer: other, pattern: 3, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
      device.queue.fill({ buffer, pattern: 2, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: done, value: 2n }] });
      expect(streamWaits()).toEqual({ sameStream: sameLaneWaits(device, 1), crossStream: 1 });
      await device.waitSemaphores('all', [{ semaphore: done, value: 1n }, { semaphore: done, value: 2n }]);
      expect(await wholeBufferPattern(device, buffer)).toBe(2);
      expect(await wholeBufferPattern(device, other)).toBe(3);
      device.destroy();
    }
  });

  it.each(SEEDS)('a chain on one queue stays on one lane: only same-stream waits, strict dependency order (seed %i)', async (seed) => {
    const device = await testDevice({ seed });
    const streamWaits = countStreamWaits(device);
    const n = 16;
    const buffer = device.createBuffer({ byteLength: BYTES });
    const s = device.createSemaphore(0n);
    for (let i = 1; i <= n; i++) {
      device.queue.fill({ buffer, pattern: i, patternLength: 1, waits: [{ semaphore: s, value: BigInt(i - 1) }], signals: [{ semaphore: s, value: BigInt(i) }] });
    }
    await s.wait(BigInt(n));
    expect(await wholeBufferPattern(device, buffer)).toBe(n);
    expect(streamWaits()).toEqual({ sameStream: sameLaneWaits(device, n - 1), crossStream: 0 });
  });
});
