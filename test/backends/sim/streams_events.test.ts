import { describe, it, expect } from 'vitest';
import { StatusCode } from '../../../src/core/errors.js';
import { makeDriver, expectHalError, readBack, asU32, u32Bytes, expectNothingOutstanding } from '../../helpers/sim.js';

describe('sim streams', () => {
  it('runs each stream in order: later writes win, readback snapshots the state when it executes', async () => {
    const d = makeDriver();
    const s = d.streamCreate();
    const p = d.memAlloc(16);
    d.memsetAsync({ dst: p, value: 1, elementSize: 4, count: 4 }, s);
    const first = d.memcpyDtoHAsync(p, 16, s);
    d.memcpyHtoDAsync(p, u32Bytes([9, 8, 7, 6]), s);
    d.memsetAsync({ dst: p + 4, value: 5, elementSize: 4, count: 1 }, s);
    const second = d.memcpyDtoHAsync(p, 16, s);
    expect(d.streamQuery(s)).toBe(false);
    await d.streamSynchronize(s);
    expect(d.streamQuery(s)).toBe(true);
    expect([...asU32(first.take())]).toEqual([1, 1, 1, 1]);
    expect([...asU32(second.take())]).toEqual([9, 5, 7, 6]);
    const into = new Uint8Array(16);
    expect(second.take(into)).toBe(into);
    const log = d.eventLog();
    expect(log.map((e) => e.op)).toEqual(['memset', 'dtoh', 'htod', 'memset', 'dtoh']);
    for (let i = 1; i < log.length; i++) expect(log[i]!.start).toBe(log[i - 1]!.end);
    first.release();
    second.release();
    expectHalError(() => second.take(), StatusCode.FAILED_PRECONDITION, 'released');
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });

  it('captures HtoD data at enqueue time', async () => {
    const d = makeDriver();
    const s = d.streamCreate();
    const p = d.memAlloc(8);
    const src = u32Bytes([1, 2]);
    d.memcpyHtoDAsync(p, src, s);
    src.fill(0xff);
    await d.streamSynchronize(s);
    expect([...asU32(await readBack(d, p, 8))]).toEqual([1, 2]);
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });

  it('readback take() is FAILED_PRECONDITION until the copy has completed', () => {
    const d = makeDriver({ mode: 'manual' });
    const s = d.streamCreate();
    const p = d.memAlloc(8);
    const rb = d.memcpyDtoHAsync(p, 8, s);
    expectHalError(() => rb.take(), StatusCode.FAILED_PRECONDITION, 'not complete', 'not run');
    expect(d.step()?.kind).toBe('start');
    expectHalError(() => rb.take(), StatusCode.FAILED_PRECONDITION, 'started but not finished');
    expect(d.step()?.kind).toBe('complete');
    expect(rb.take().length).toBe(8);
    rb.release();
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });

  it('streamDestroy keeps enqueued work running; maxStreams is enforced', async () => {
    const d = makeDriver({ maxStreams: 2 });
    const a = d.streamCreate();
    const b = d.streamCreate();
    expectHalError(() => d.streamCreate(), StatusCode.RESOURCE_EXHAUSTED, 'maxStreams', '2');
    const p = d.memAlloc(4);
    const e = d.eventCreate();
    d.memsetAsync({ dst: p, value: 0x11223344, elementSize: 4, count: 1 }, a);
    d.eventRecord(e, a);
    d.streamDestroy(a);
    while (!d.eventQuery(e)) await d.nextProgress();
    expect([...asU32(await readBack(d, p, 4))]).toEqual([0x11223344]);
    d.eventDestroy(e);
    d.streamDestroy(b);
    d.memFree(p);
    expectNothingOutstanding(d);
    d.destroy();
  });
});

describe('sim events', () => {
  it('a never-recorded event counts as complete, and waiting on it does nothing', () => {
    const d = makeDriver({ mode: 'manual' });
    const s = d.streamCreate();
    const e = d.eventCreate();
    expect(d.eventQuery(e)).toBe(true);
    d.streamWaitEvent(s, e);
    // The wait enqueued nothing: the stream is idle and the scheduler has nothing to do.
    expect(d.streamQuery(s)).toBe(true);
    expect(d.step()).toBeNull();
    expect(d.eventLog()).toEqual([]);
    d.eventDestroy(e);
    d.streamDestroy(s);
    d.destroy();
  });

  it('recording captures the work so far; later work does not delay it; re-recording overwrites', () => {
    const d = makeDriver({ mode: 'manual' });
    const s = d.streamCreate();
    const p = d.memAlloc(1 << 20);
    const e = d.eventCreate();
    d.memsetAsync({ dst: p, value: 1, elementSize: 1, count: 1 << 20 }, s);
    d.eventRecord(e, s);
    d.memsetAsync({ dst: p, value: 2, elementSize: 1, count: 1 << 20 }, s);
    expect(d.eventQuery(e)).toBe(false);
    // Step until the event completes: the second memset must not have completed yet.
    while (!d.eventQuery(e)) d.step();
    expect(d.streamQuery(s)).toBe(false);
    const firstEnd = d.now();
    // Re-record: now the event captures the second memset too.
    d.eventRecord(e, s);
    expect(d.eventQuery(e)).toBe(false);
    d.runUntilIdle();
    expect(d.eventQuery(e)).toBe(true);
    expect(d.now()).toBeGreaterThan(firstEnd);
    d.eventDestroy(e);
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });

  it('streamWaitEvent orders work across streams (the waiting stream starts after the captured work ends)', async () => {
    for (const withWait of [true, false]) {
      const d = makeDriver();
      const producer = d.streamCreate();
      const consumer = d.streamCreate();
      const n = 1 << 20;
      const p = d.memAlloc(n);
      const q = d.memAlloc(n);
      const e = d.eventCreate();
      d.memsetAsync({ dst: p, value: 0xab, elementSize: 1, count: n }, producer);
      d.eventRecord(e, producer);
      if (withWait) d.streamWaitEvent(consumer, e);
      d.memcpyDtoDAsync({ dst: q, src: p, byteLength: n }, consumer);
      await d.streamSynchronize(consumer);
      await d.streamSynchronize(producer);
      const log = d.eventLog();
      const memset = log.find((x) => x.op === 'memset')!;
      const copy = log.find((x) => x.op === 'memcpy')!;
      if (withWait) {
        expect(log.find((x) => x.op === 'wait')!.start).toBe(memset.end);
        expect(copy.start).toBe(memset.end);
        const bytes = await readBack(d, q, n);
        expect(bytes.every((b) => b === 0xab)).toBe(true);
      } else {
        // Without the wait nothing orders the copy after the memset: it starts at once, overlapping it.
        expect(copy.start).toBe(0);
        expect(copy.start).toBeLessThan(memset.end);
      }
      d.eventDestroy(e);
      d.memFree(p);
      d.memFree(q);
      d.streamDestroy(producer);
      d.streamDestroy(consumer);
      d.destroy();
    }
  });

  it('a wait on an event re-recorded later still waits for the capture it saw', () => {
    const d = makeDriver({ mode: 'manual' });
    const a = d.streamCreate();
    const b = d.streamCreate();
    const p = d.memAlloc(1 << 20);
    const e = d.eventCreate();
    d.memsetAsync({ dst: p, value: 1, elementSize: 1, count: 1 << 20 }, a);
    d.eventRecord(e, a);
    d.streamWaitEvent(b, e);
    d.memsetAsync({ dst: p, value: 2, elementSize: 1, count: 1 << 20 }, a);
    d.memsetAsync({ dst: p, value: 3, elementSize: 1, count: 1 << 20 }, a);
    d.eventRecord(e, a);
    d.runUntilIdle();
    const log = d.eventLog();
    const wait = log.find((x) => x.op === 'wait')!;
    expect(wait.start).toBe(log[0]!.end);
    expect(wait.start).toBeLessThan(log.filter((x) => x.op === 'record')[1]!.start);
    d.eventDestroy(e);
    d.memFree(p);
    d.streamDestroy(a);
    d.streamDestroy(b);
    d.destroy();
  });
});

describe('sim host functions', () => {
  it('run in stream order at their virtual time; a throwing one fails its stream until the next record', async () => {
    const d = makeDriver();
    expect(d.info.hostFunctions).toBe(true);
    const s = d.streamCreate();
    const p = d.memAlloc(4);
    const e = d.eventCreate();
    const seen: [string, bigint][] = [];
    d.memsetAsync({ dst: p, value: 1, elementSize: 4, count: 1 }, s);
    d.launchHostFunc!(s, () => seen.push(['first', d.now()]));
    d.launchHostFunc!(s, () => { throw new Error('callback broke'); });
    d.launchHostFunc!(s, () => seen.push(['skipped', d.now()]));
    d.eventRecord(e, s);
    d.launchHostFunc!(s, () => seen.push(['after record', d.now()]));
    await expect(d.streamSynchronize(s)).resolves.toBeUndefined();
    expect(seen).toEqual([['first', 2001n], ['after record', 4001n]]);
    expectHalError(() => d.eventQuery(e), StatusCode.ABORTED, 'host function threw: callback broke');
    expectHalError(() => d.launchHostFunc!(s, 3 as never), StatusCode.INVALID_ARGUMENT, 'launchHostFunc fn');
    d.eventDestroy(e);
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });

  it('a host function cannot step the simulator that is running it (manual mode)', () => {
    const d = makeDriver({ mode: 'manual' });
    const s = d.streamCreate();
    const e = d.eventCreate();
    d.launchHostFunc!(s, () => d.runUntilIdle());
    d.eventRecord(e, s);
    d.runUntilIdle();
    expectHalError(() => d.eventQuery(e), StatusCode.ABORTED, 'cannot step from inside a host function');
    d.eventDestroy(e);
    d.streamDestroy(s);
    d.destroy();
  });
});

describe('sim stream waits on an earlier point of the same stream', () => {
  it('complete as they start (no completion step of their own) and carry the captured failure', () => {
    const d = makeDriver({ mode: 'manual' });
    const s = d.streamCreate();
    const e = d.eventCreate();
    const p = d.memAlloc(16);
    d.memsetAsync({ dst: p, value: 1, elementSize: 4, count: 4 }, s);
    d.eventRecord(e, s);
    d.streamWaitEvent(s, e);
    d.memsetAsync({ dst: p, value: 2, elementSize: 4, count: 4 }, s);
    const steps: string[] = [];
    for (let step = d.step(); step !== null; step = d.step()) steps.push(`${step.kind} ${step.op}`);
    expect(steps).toEqual(['start memset', 'complete memset', 'start record', 'complete record', 'start wait', 'start memset', 'complete memset']);
    expect(d.streamQuery(s)).toBe(true);
    d.memFree(p);
    d.eventDestroy(e);
    d.streamDestroy(s);
    expectNothingOutstanding(d);
    d.destroy();
  });
});
