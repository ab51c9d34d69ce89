/**
 * Rule 5 when the host fails a semaphore that an issued (in-flight) operation will signal. The contract, the same on
 * every backend (docs/design.md, rule 5): the failure is immediate for the host (waits reject at once) and for
 * everything not yet handed to the driver (pending or later submissions never run); work already issued behind the
 * producer cannot be recalled from a GPU, so it may run, and its signals fail with the host's code and message; the
 * producer itself runs and its other signals advance. The simulator runs issued work as a GPU does, so the two
 * backends leave the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { HalError, StatusCode } from '../../../src/index.js';
import { ON_SIM, SEEDS, expectHalError, expectRejects, testDevice, track } from '../../helpers/device.js';

describe.each(SEEDS)('rule 5: the host fails a semaphore whose producer is in flight (seed %i)', (seed) => {
  it('issued consumers fail with the host error, unissued ones never run, the producer completes', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const [q0, q1] = device.queues as [typeof device.queue, typeof device.queue];
    const bytes = 64;
    const buffers = [0, 1, 2, 3, 4].map(() => device.createBuffer({ byteLength: bytes }));
    const [x, y, z, late, pending] = buffers as [typeof buffers[0], typeof buffers[0], typeof buffers[0], typeof buffers[0], typeof buffers[0]];
    for (const b of buffers) await device.upload(b, new Uint8Array(bytes).fill(1));
    const s = device.createSemaphore(0n);
    const t = device.createSemaphore(0n);
    const u = device.createSemaphore(0n);
    const v = device.createSemaphore(0n);
    const w = device.createSemaphore(0n);
    const p = device.createSemaphore(0n);
    // The producer signals s and t; consumers issued behind it on its queue and on another queue.
    q0.fill({ buffer: x, pattern: 7, patternLength: 1, signals: [{ semaphore: s, value: 1n }, { semaphore: t, value: 1n }] });
    q0.fill({ buffer: y, pattern: 9, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: u, value: 1n }] });
    q1.fill({ buffer: z, pattern: 3, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: v, value: 1n }] });
    // A value nobody has issued a signal for: this one is still pending, not handed to the driver.
    q1.fill({ buffer: pending, pattern: 5, patternLength: 1, waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: p, value: 1n }] });
    expect(device.workCounts).toEqual({ pending: 1, inFlight: 3 });

    const hostWait = track(s.wait(1n));
    s.fail(new HalError(StatusCode.ABORTED, 'request cancelled by the host'));
    await Promise.resolve();
    await Promise.resolve();
    expect(hostWait.settled, 'a host wait rejects as soon as the host fails the semaphore').toBe(true);
    expectHalError(() => { throw hostWait.error; }, StatusCode.ABORTED, 'request cancelled by the host');
    expectHalError(() => p.query(), StatusCode.ABORTED, 'request cancelled by the host');
    q0.fill({ buffer: late, pattern: 4, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: w, value: 1n }] });
    expectHalError(() => w.query(), StatusCode.ABORTED, 'request cancelled by the host');

    await t.wait(1n); // the producer ran: its other signal advances
    await expectRejects(u.wait(1n), StatusCode.ABORTED, 'request cancelled by the host');
    await expectRejects(v.wait(1n), StatusCode.ABORTED, 'request cancelled by the host');
    expect(device.workCounts).toEqual({ pending: 0, inFlight: 0 });
    expect(await device.download(x)).toEqual(new Uint8Array(bytes).fill(7));
    expect(await device.download(late)).toEqual(new Uint8Array(bytes).fill(1));
    expect(await device.download(pending)).toEqual(new Uint8Array(bytes).fill(1));
    if (ON_SIM) {
      // Issued work runs on the simulator as on a GPU (where it cannot be recalled): same bytes on both backends.
      expect(await device.download(y)).toEqual(new Uint8Array(bytes).fill(9));
      expect(await device.download(z)).toEqual(new Uint8Array(bytes).fill(3));
    }
  });
});
