/**
 * Queue alloca / dealloca (docs/design.md rule 4): alloca returns a buffer at once whose memory is usable by work ordered
 * after its signals; neither operation blocks the caller on its waits (blocking the submitting thread would deadlock
 * wait-before-signal from one thread).
 */
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../src/index.js';
import { SEEDS, expectHalError, testDevice } from '../../helpers/device.js';

describe.each(SEEDS)('alloca / dealloca (seed %i)', (seed) => {
  it('alloca → fill → copy → dealloca chain submitted before any signal, released by one host signal', async () => {
    const device = await testDevice({ seed });
    const result = device.createBuffer({ byteLength: 64 });
    const allocations = device.driver.outstanding().allocations;
    const s = device.createSemaphore(0n);
    // Everything below is submitted while nothing has been signaled; none of it blocks.
    const scratch = device.queue.alloca({ byteLength: 64, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
    expect(scratch.byteLength).toBe(64);
    device.queue.fill({ buffer: scratch, pattern: 0x11223344, patternLength: 4, waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: s, value: 3n }] });
    device.queue.copy({ source: scratch, target: result, length: 64, waits: [{ semaphore: s, value: 3n }], signals: [{ semaphore: s, value: 4n }] });
    device.queue.dealloca({ buffer: scratch, waits: [{ semaphore: s, value: 4n }], signals: [{ semaphore: s, value: 5n }] });
    expect(device.workCounts.pending).toBe(4);

    s.signal(1n);
    await s.wait(5n);
    const words = new Uint32Array((await device.download(result)).buffer.slice(0));
    expect(Array.from(words)).toEqual(new Array(16).fill(0x11223344));
    expectHalError(() => device.queue.fill({ buffer: scratch, pattern: 0, patternLength: 1 }), StatusCode.FAILED_PRECONDITION, 'destroyed');
    expect(device.driver.outstanding().allocations).toBe(allocations);
  });

  it('alloca and dealloca on different queues, dealloca submitted first', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const s = device.createSemaphore(0n);
    const out = device.createBuffer({ byteLength: 16 });
    const scratch = device.queues[0]!.alloca({ byteLength: 16, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
    device.queues[1]!.dealloca({ buffer: scratch, waits: [{ semaphore: s, value: 4n }], signals: [{ semaphore: s, value: 5n }] });
    device.queues[1]!.update({ buffer: scratch, data: new Uint8Array(16).fill(7), waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: s, value: 3n }] });
    device.queues[0]!.copy({ source: scratch, target: out, length: 16, waits: [{ semaphore: s, value: 3n }], signals: [{ semaphore: s, value: 4n }] });
    s.signal(1n);
    await s.wait(5n);
    expect(await device.download(out)).toEqual(new Uint8Array(16).fill(7));
  });

  it('bad input: byteLength, a second dealloca, a buffer not from alloca', async () => {
    const device = await testDevice({ seed });
    const plain = device.createBuffer({ byteLength: 8 });
    expectHalError(() => device.queue.alloca({ byteLength: 0 }), StatusCode.INVALID_ARGUMENT, 'byteLength', 'got 0');
    expectHalError(() => device.queue.alloca({ byteLength: 1.5 }), StatusCode.INVALID_ARGUMENT, 'byteLength', '1.5');
    expectHalError(() => device.queue.alloca({ byteLength: device.limits.maxBufferBytes + 1 }), StatusCode.OUT_OF_RANGE, 'maxBufferBytes');
    expectHalError(() => device.queue.dealloca({ buffer: plain }), StatusCode.INVALID_ARGUMENT, 'not allocated by queue.alloca');
    const s = device.createSemaphore(0n);
    const scratch = device.queue.alloca({ byteLength: 8 });
    device.queue.dealloca({ buffer: scratch, waits: [{ semaphore: s, value: 1n }] });
    expectHalError(() => device.queue.dealloca({ buffer: scratch }), StatusCode.FAILED_PRECONDITION, 'already has a dealloca');
    expect(device.workCounts.pending).toBe(1);
    s.signal(1n);
  });

  it('an alloca that cannot reserve its memory is RESOURCE_EXHAUSTED at call time and changes nothing', async () => {
    const device = await testDevice({ seed });
    const held = device.createBuffer({ byteLength: 1 << 20 });
    const s = device.createSemaphore(0n);
    const before = { work: device.workCounts, counts: device.driver.outstanding() };
    expectHalError(() => device.queue.alloca({ byteLength: device.limits.maxBufferBytes, signals: [{ semaphore: s, value: 1n }] }), StatusCode.RESOURCE_EXHAUSTED);
    expect({ work: device.workCounts, counts: device.driver.outstanding() }).toEqual(before);
    expect(s.query()).toBe(0n);
    held.destroy();
  });

  it('a dealloca whose wait fails leaves the buffer usable; destroying it frees the memory', async () => {
    const device = await testDevice({ seed });
    const allocations = device.driver.outstanding().allocations;
    const s = device.createSemaphore(0n);
    const allocated = device.createSemaphore(0n);
    const scratch = device.queue.alloca({ byteLength: 8, signals: [{ semaphore: allocated, value: 1n }] });
    device.queue.dealloca({ buffer: scratch, waits: [{ semaphore: s, value: 1n }] });
    s.fail(new Error('nope'));
    // Work on the buffer is ordered after the alloca's signal (nothing else orders it: rule 4).
    await device.queue.upload({ buffer: scratch, data: new Uint8Array(8).fill(2), waits: [{ semaphore: allocated, value: 1n }] });
    expect(await device.download(scratch)).toEqual(new Uint8Array(8).fill(2));
    scratch.destroy(); // nothing holds it any more: the memory is freed now
    expect(device.driver.outstanding().allocations).toBe(allocations);
  });
});
