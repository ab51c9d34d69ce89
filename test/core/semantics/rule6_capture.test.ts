/**
 * docs/design.md rule 6 — capture: update data is copied at call time; buffers (and command buffers) used by a submission
 * stay alive until it completes, even if the caller releases them.
 */
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../src/index.js';
import { SEEDS, expectHalError, testDevice } from '../../helpers/device.js';

describe.each(SEEDS)('rule 6: capture (seed %i)', (seed) => {
  it('update data is copied at call time', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 4 });
    const go = device.createSemaphore(0n);
    const done = device.createSemaphore(0n);
    const data = Uint8Array.of(1, 2, 3, 4);
    device.queue.update({ buffer, data, waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
    data.fill(99); // after the call: must not matter
    go.signal(1n);
    await done.wait(1n);
    expect(Array.from(await device.download(buffer))).toEqual([1, 2, 3, 4]);
  });

  it('update copies only the view it was given (offset views of a larger ArrayBuffer)', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 4 });
    const backing = new Uint8Array([9, 9, 5, 6, 7, 8, 9, 9]);
    await device.queue.upload({ buffer, data: backing.subarray(2, 6) });
    expect(Array.from(await device.download(buffer))).toEqual([5, 6, 7, 8]);
  });

  it('buffers stay alive until the submissions that use them complete, even after destroy()', async () => {
    const device = await testDevice({ seed });
    const source = device.createBuffer({ byteLength: 32 });
    const target = device.createBuffer({ byteLength: 32 });
    await device.upload(source, new Uint8Array(32).fill(0x42));
    const before = device.driver.outstanding().allocations;
    const go = device.createSemaphore(0n);
    const done = device.createSemaphore(0n);
    device.queue.copy({ source, target, length: 32, waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
    source.destroy();
    expectHalError(() => device.queue.fill({ buffer: source, pattern: 0, patternLength: 1 }), StatusCode.FAILED_PRECONDITION, 'destroyed');
    expect(device.driver.outstanding().allocations).toBe(before); // still held by the pending copy
    go.signal(1n);
    await done.wait(1n);
    expect(await device.download(target)).toEqual(new Uint8Array(32).fill(0x42));
    expect(device.driver.outstanding().allocations).toBe(before - 1); // released after completion
  });

  it('a read keeps its buffer alive after destroy()', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 8 });
    await device.upload(buffer, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const go = device.createSemaphore(0n);
    const reading = device.queue.read({ buffer, offset: 4, length: 4, waits: [{ semaphore: go, value: 1n }] });
    buffer.destroy();
    go.signal(1n);
    expect(Array.from(await reading)).toEqual([5, 6, 7, 8]);
  });

  it('wait and signal lists are copied: editing them after the call changes nothing', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n);
    const b = device.createSemaphore(0n);
    const signals = [{ semaphore: b, value: 1n }];
    const waits = [{ semaphore: a, value: 1n }];
    device.queue.barrier({ waits, signals });
    signals[0] = { semaphore: a, value: 99n };
    waits.length = 0;
    a.signal(1n);
    await b.wait(1n);
    expect(a.query()).toBe(1n);
  });
});
