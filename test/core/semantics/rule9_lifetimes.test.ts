/**
 * docs/design.md rule 9 — lifetimes: idempotent destroy(); using a destroyed object is FAILED_PRECONDITION; device
 * destroy fails pending work (CANCELLED) and in-flight work (ABORTED) and releases every driver object;
 * Symbol.asyncDispose drains in-flight work first.
 */
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../src/index.js';
import { SEEDS, expectHalError, expectNoDriverObjects, expectRejects, testDevice } from '../../helpers/device.js';

describe.each(SEEDS)('rule 9: lifetimes (seed %i)', (seed) => {
  it('destroy() with pending work: its signals fail with CANCELLED, host waits reject, nothing leaks', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const buffer = device.createBuffer({ byteLength: 1024 });
    const go = device.createSemaphore(0n);
    const done = device.createSemaphore(0n);
    const other = device.createSemaphore(0n);
    device.queue.fill({ buffer, pattern: 1, patternLength: 1, waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
    const reading = device.queues[1]!.read({ buffer, waits: [{ semaphore: done, value: 1n }] });
    const waiting = done.wait(1n);
    const unrelated = other.wait(1n);
    device.queue.alloca({ byteLength: 256, waits: [{ semaphore: go, value: 1n }] });
    device.destroy();
    await expectRejects(waiting, StatusCode.CANCELLED, 'destroyed');
    await expectRejects(reading, StatusCode.CANCELLED);
    await expectRejects(unrelated, StatusCode.CANCELLED, 'destroyed');
    expectNoDriverObjects(device);
    device.destroy(); // idempotent
  });

  it('destroy() with work in flight: its signals fail with ABORTED', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 1 << 20 });
    const done = device.createSemaphore(0n);
    device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });
    expect(device.workCounts.inFlight).toBe(1);
    const waiting = done.wait(1n);
    device.destroy();
    await expectRejects(waiting, StatusCode.ABORTED, 'in flight');
    expectNoDriverObjects(device);
  });

  it('Symbol.asyncDispose drains in-flight work, then destroys', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 4096 });
    const done = device.createSemaphore(0n);
    const reading = device.queue.read({ buffer, waits: [{ semaphore: done, value: 2n }] });
    device.queue.fill({ buffer, pattern: 0x77, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });
    device.queue.barrier({ waits: [{ semaphore: done, value: 1n }], signals: [{ semaphore: done, value: 2n }] });
    await device[Symbol.asyncDispose]();
    expect(await reading).toEqual(new Uint8Array(4096).fill(0x77));
    expect(done.currentValue).toBe(2n);
    expect(device.destroyed).toBe(true);
    expectNoDriverObjects(device);
  });

  it('await using disposes the device', async () => {
    let captured;
    {
      await using device = await testDevice({ seed });
      captured = device;
      device.createBuffer({ byteLength: 64 });
    }
    expect(captured.destroyed).toBe(true);
    expectNoDriverObjects(captured);
  });

  it('objects: destroy() is idempotent and later use is FAILED_PRECONDITION', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 8 });
    const semaphore = device.createSemaphore(0n, { label: 'gate' });
    buffer.destroy();
    buffer.destroy();
    semaphore[Symbol.dispose]();
    semaphore.destroy();
    expectHalError(() => device.queue.fill({ buffer, pattern: 0, patternLength: 1 }), StatusCode.FAILED_PRECONDITION, 'destroyed');
    expectHalError(() => semaphore.signal(1n), StatusCode.FAILED_PRECONDITION, 'gate', 'destroyed');
    expectHalError(() => semaphore.query(), StatusCode.FAILED_PRECONDITION, 'gate');
    expectHalError(() => device.queue.barrier({ signals: [{ semaphore, value: 1n }] }), StatusCode.FAILED_PRECONDITION, 'gate');
    expect(device.driver.outstanding().allocations).toBe(0);
  });

  it('the device after destroy(): every call is FAILED_PRECONDITION', async () => {
    const device = await testDevice({ seed });
    const semaphore = device.createSemaphore(0n);
    device.destroy();
    expectHalError(() => device.createBuffer({ byteLength: 8 }), StatusCode.FAILED_PRECONDITION, 'destroyed');
    expectHalError(() => device.createSemaphore(), StatusCode.FAILED_PRECONDITION, 'destroyed');
    expectHalError(() => device.queue.barrier(), StatusCode.FAILED_PRECONDITION, 'destroyed');
    await expectRejects(device.waitSemaphores('all', []), StatusCode.FAILED_PRECONDITION, 'destroyed');
    expectHalError(() => semaphore.signal(1n), StatusCode.FAILED_PRECONDITION);
  });

  it('a wait on a semaphore the user destroyed still settles: device destroy rejects it', async () => {
    const device = await testDevice({ seed });
    const semaphore = device.createSemaphore(0n);
    const waiting = semaphore.wait(1n);
    semaphore.destroy();
    device.destroy();
    await expectRejects(waiting, StatusCode.CANCELLED, 'destroyed');
    expectNoDriverObjects(device);
  });

  it('buffers the user never destroyed are freed by device destroy', async () => {
    const device = await testDevice({ seed });
    for (let i = 0; i < 5; i++) device.createBuffer({ byteLength: 4096 });
    device.queue.alloca({ byteLength: 4096 });
    expect(device.driver.outstanding().allocations).toBeGreaterThanOrEqual(6);
    device.destroy();
    expectNoDriverObjects(device);
  });
});
