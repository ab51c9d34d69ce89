/**
 * Rule 10 for execute: an execute rejected for any command buffer of its list changes nothing — in particular it
 * does not lower (and cache) a graph for the binding table of a command buffer listed before the bad one.
 */
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../src/index.js';
import { SEEDS, expectHalError, testDevice } from '../../helpers/device.js';

describe.each(SEEDS)('a rejected execute lowers nothing (seed %i)', (seed) => {
  it('a slotted command buffer before one that was never ended gets no graph', async () => {
    const device = await testDevice({ seed, commandBufferMode: 'graph' });
    const a = device.createBuffer({ byteLength: 256 });
    await device.upload(a, new Uint8Array(256));
    const slotted = device.createCommandBuffer({ bindingCapacity: 1 });
    slotted.begin();
    slotted.fill({ buffer: { slot: 0 }, pattern: 7, patternLength: 1 });
    slotted.end();
    const notEnded = device.createCommandBuffer();
    notEnded.begin();
    const before = device.driver.outstanding();
    expectHalError(
      () => device.queue.execute({ commandBuffers: [slotted, notEnded], bindingTables: [[{ buffer: a, offset: 64 }], undefined] }),
      StatusCode.FAILED_PRECONDITION,
      notEnded.label,
      'before end()',
    );
    expect(device.driver.outstanding()).toEqual(before);
    expect(device.workCounts).toEqual({ pending: 0, inFlight: 0 });
    // The same table then lowers exactly one graph when an execute is accepted.
    const done = device.createSemaphore(0n);
    device.queue.execute({ commandBuffers: [slotted], bindingTables: [[{ buffer: a, offset: 64 }]], signals: [{ semaphore: done, value: 1n }] });
    expect(device.driver.outstanding().graphExecs).toBe(before.graphExecs + 1);
    await done.wait(1n);
    const bytes = await device.download(a);
    expect(Array.from(bytes.subarray(0, 64)).every((b) => b === 0)).toBe(true);
    expect(Array.from(bytes.subarray(64)).every((b) => b === 7)).toBe(true);
  });
});
