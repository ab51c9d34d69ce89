/**
 * Scheduling hazards a HIP-style driver invites, each pinned by a test:
 *   - waiting on a fresh, never-recorded event (a no-op wait on HIP/CUDA, so the wait silently does nothing),
 *   - alloca/dealloca blocking the caller on their waits (a deadlock when the same thread signals them),
 *   - completion learned through host-function callbacks (driver threads calling into JS),
 *   - a failed wait semaphore never reaching the submission's signal semaphores (waiters hang).
 */
import { describe, expect, it, vi } from 'vitest';
import { HalError, StatusCode } from '../../../src/index.js';
import { ON_SIM, SEEDS, expectHalError, expectRejects, settle, testDevice } from '../../helpers/device.js';

describe.each(SEEDS)('scheduling hazards (seed %i)', (seed) => {
  it('unrecorded events: streams only ever wait on events that were recorded, and nothing waits on unissued values', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const driver = device.driver;
    const record = vi.spyOn(driver, 'eventRecord');
    const streamWait = vi.spyOn(driver, 'streamWaitEvent');
    /** Every streamWaitEvent call's event was recorded by an earlier eventRecord call. */
    const everyWaitWasRecorded = (): boolean =>
      streamWait.mock.calls.every(([, event], i) =>
        record.mock.calls.some(([recorded], j) => recorded === event && record.mock.invocationCallOrder[j]! < streamWait.mock.invocationCallOrder[i]!),
      );

    const buffer = device.createBuffer({ byteLength: 64 });
    await device.upload(buffer, new Uint8Array(64));
    const go = device.createSemaphore(0n);
    const produced = device.createSemaphore(0n);
    const consumed = device.createSemaphore(0n);
    // Consumer first, on queue 1, waiting on a value no one has issued: it must be held, not issued with a no-op wait.
    device.queues[1]!.fill({ buffer, pattern: 2, patternLength: 1, waits: [{ semaphore: produced, value: 1n }], signals: [{ semaphore: consumed, value: 1n }] });
    device.queues[0]!.fill({ buffer, length: 32, pattern: 1, patternLength: 1, waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: produced, value: 1n }] });
    expect(device.workCounts).toEqual({ pending: 2, inFlight: 0 });
    await settle(device);
    expect(streamWait).not.toHaveBeenCalled();
    expect(Array.from(await device.download(buffer))).toEqual(new Array(64).fill(0));

    go.signal(1n);
    // The producer is issued; its recorded completion event covers the consumer's wait, so both go to the device now.
    expect(device.workCounts).toEqual({ pending: 0, inFlight: 2 });
    expect(streamWait).toHaveBeenCalledTimes(1);
    expect(everyWaitWasRecorded()).toBe(true);
    await consumed.wait(1n);
    expect(Array.from(await device.download(buffer))).toEqual(new Array(64).fill(2)); // the consumer ran second
  });

  it('unrecorded events: a wait satisfied by a host signal needs no stream wait at all', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const streamWait = vi.spyOn(device.driver, 'streamWaitEvent');
    const s = device.createSemaphore(0n);
    const done = device.createSemaphore(0n);
    device.queues[1]!.barrier({ waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
    s.signal(1n);
    await done.wait(1n);
    expect(streamWait).not.toHaveBeenCalled();
  });

  it('non-blocking alloca: alloca and dealloca return at once while their waits are unsignaled; the same thread then signals', async () => {
    const device = await testDevice({ seed });
    const gate = device.createSemaphore(0n);
    const s = device.createSemaphore(0n);
    const scratch = device.queue.alloca({ byteLength: 4096, waits: [{ semaphore: gate, value: 1n }], signals: [{ semaphore: s, value: 1n }] });
    device.queue.dealloca({ buffer: scratch, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
    expect(device.workCounts.pending).toBe(2);
    gate.signal(1n); // would deadlock if alloca had blocked the thread above
    await s.wait(2n);
  });

  it('no host functions: completion never uses host functions; it polls events between nextProgress ticks', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const driver = device.driver;
    const hostFunc = driver.launchHostFunc ? vi.spyOn(driver as Required<typeof driver>, 'launchHostFunc') : undefined;
    const progress = vi.spyOn(driver, 'nextProgress');
    const query = vi.spyOn(driver, 'eventQuery');
    const buffer = device.createBuffer({ byteLength: 256 });
    const s = device.createSemaphore(0n);
    device.queues[0]!.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
    device.queues[1]!.update({ buffer, data: new Uint8Array(16), waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
    const scratch = device.queues[0]!.alloca({ byteLength: 256, waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: s, value: 3n }] });
    device.queues[1]!.copy({ source: buffer, target: scratch, length: 256, waits: [{ semaphore: s, value: 3n }], signals: [{ semaphore: s, value: 4n }] });
    device.queues[0]!.dealloca({ buffer: scratch, waits: [{ semaphore: s, value: 4n }], signals: [{ semaphore: s, value: 5n }] });
    const bytes = await device.queues[1]!.read({ buffer, waits: [{ semaphore: s, value: 5n }] });
    expect(bytes[0]).toBe(0);
    expect(bytes[255]).toBe(1);
    if (hostFunc) expect(hostFunc).not.toHaveBeenCalled();
    expect(query).toHaveBeenCalled(); // completion was learned by polling events
    // The simulator's work takes virtual time, so the poller had to wait for progress between rounds (a GPU may
    // have finished these small operations before the first round looked).
    if (ON_SIM) expect(progress).toHaveBeenCalled();
  });

  it('failure propagation: a failed wait reaches the signal semaphores of a long pending chain without recursion limits', async () => {
    const device = await testDevice({ seed });
    const n = 5000;
    const chain = device.createSemaphore(0n);
    const root = device.createSemaphore(0n);
    device.queue.barrier({ waits: [{ semaphore: root, value: 1n }], signals: [{ semaphore: chain, value: 1n }] });
    for (let i = 1; i < n; i++) {
      device.queue.barrier({ waits: [{ semaphore: chain, value: BigInt(i) }], signals: [{ semaphore: chain, value: BigInt(i + 1) }] });
    }
    const tail = device.createSemaphore(0n);
    device.queue.barrier({ waits: [{ semaphore: chain, value: BigInt(n) }], signals: [{ semaphore: tail, value: 1n }] });
    root.fail(new HalError(StatusCode.DATA_LOSS, 'root input corrupt'));
    await expectRejects(tail.wait(1n), StatusCode.DATA_LOSS, 'root input corrupt');
    expectHalError(() => chain.query(), StatusCode.DATA_LOSS, 'root input corrupt');
    expect(device.workCounts).toEqual({ pending: 0, inFlight: 0 });
  });
});
