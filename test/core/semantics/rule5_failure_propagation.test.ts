/**
 * docs/design.md rule 5 — failure propagates per submission: a failed wait semaphore keeps the operation from running
 * and fails each of its signal semaphores with the original code and message; unrelated submissions are unaffected
 * (a failed wait that never reached the signal semaphores would leave their waiters hanging).
 */
import { describe, expect, it } from 'vitest';
import { HalError, StatusCode } from '../../../src/index.js';
import { SEEDS, expectHalError, expectRejects, testDevice } from '../../helpers/device.js';

describe.each(SEEDS)('rule 5: failure propagation (seed %i)', (seed) => {
  it('a failed wait: the operation does not run and every signal semaphore fails with the same code and message', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 8 });
    await device.upload(buffer, new Uint8Array(8).fill(1));
    const input = device.createSemaphore(0n);
    const out1 = device.createSemaphore(0n);
    const out2 = device.createSemaphore(5n);
    device.queue.fill({ buffer, pattern: 0xee, patternLength: 1, waits: [{ semaphore: input, value: 1n }], signals: [{ semaphore: out1, value: 1n }, { semaphore: out2, value: 6n }] });
    const waiting = out1.wait(1n);
    input.fail(new HalError(StatusCode.DATA_LOSS, 'upstream decoder lost frame 12'));
    await expectRejects(waiting, StatusCode.DATA_LOSS, 'upstream decoder lost frame 12');
    expectHalError(() => out2.query(), StatusCode.DATA_LOSS, 'frame 12');
    expect(device.workCounts).toEqual({ pending: 0, inFlight: 0 });
    expect(await device.download(buffer)).toEqual(new Uint8Array(8).fill(1)); // it never ran
  });

  it('a wait that already failed at submit time fails the signals at once', async () => {
    const device = await testDevice({ seed });
    const input = device.createSemaphore(0n);
    const out = device.createSemaphore(0n);
    input.fail(new HalError(StatusCode.PERMISSION_DENIED, 'no access to tile'));
    device.queue.barrier({ waits: [{ semaphore: input, value: 1n }], signals: [{ semaphore: out, value: 1n }] });
    expectHalError(() => out.query(), StatusCode.PERMISSION_DENIED, 'no access to tile');
  });

  it('failure travels down a chain across queues, submitted in reverse order', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const s = [0, 1, 2, 3].map(() => device.createSemaphore(0n));
    device.queues[1]!.barrier({ waits: [{ semaphore: s[2]!, value: 1n }], signals: [{ semaphore: s[3]!, value: 1n }] });
    device.queues[0]!.barrier({ waits: [{ semaphore: s[1]!, value: 1n }], signals: [{ semaphore: s[2]!, value: 1n }] });
    device.queues[1]!.barrier({ waits: [{ semaphore: s[0]!, value: 1n }], signals: [{ semaphore: s[1]!, value: 1n }] });
    s[0]!.fail(new HalError(StatusCode.UNAVAILABLE, 'sensor offline'));
    await expectRejects(s[3]!.wait(1n), StatusCode.UNAVAILABLE, 'sensor offline');
    for (const sem of s) expectHalError(() => sem.query(), StatusCode.UNAVAILABLE, 'sensor offline');
  });

  it('a failure after the producer was issued still reaches work waiting on the producer', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const gate = device.createSemaphore(0n);
    const mid = device.createSemaphore(0n);
    const out = device.createSemaphore(0n);
    // consumer (queue 1) waits on mid, which a barrier on queue 0 signals after `gate`.
    device.queues[1]!.barrier({ waits: [{ semaphore: mid, value: 1n }], signals: [{ semaphore: out, value: 1n }] });
    device.queues[0]!.barrier({ waits: [{ semaphore: gate, value: 1n }], signals: [{ semaphore: mid, value: 1n }] });
    gate.fail(new HalError(StatusCode.ABORTED, 'gate broke'));
    await expectRejects(out.wait(1n), StatusCode.ABORTED, 'gate broke');
  });

  it('unrelated later submissions are unaffected', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 4 });
    const bad = device.createSemaphore(0n);
    const badOut = device.createSemaphore(0n);
    const good = device.createSemaphore(0n);
    device.queue.barrier({ waits: [{ semaphore: bad, value: 1n }], signals: [{ semaphore: badOut, value: 1n }] });
    bad.fail(new HalError(StatusCode.INTERNAL, 'bad branch'));
    device.queue.fill({ buffer, pattern: 3, patternLength: 1, signals: [{ semaphore: good, value: 1n }] });
    await good.wait(1n);
    expect(Array.from(await device.download(buffer))).toEqual([3, 3, 3, 3]);
    expect(good.query()).toBe(1n);
    expectHalError(() => badOut.query(), StatusCode.INTERNAL, 'bad branch');
  });

  it('a read whose wait fails rejects with the failure', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 4 });
    const s = device.createSemaphore(0n);
    const reading = device.queue.read({ buffer, waits: [{ semaphore: s, value: 1n }] });
    s.fail(new HalError(StatusCode.CANCELLED, 'job cancelled'));
    await expectRejects(reading, StatusCode.CANCELLED, 'job cancelled');
  });
});
