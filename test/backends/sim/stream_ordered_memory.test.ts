/**
 * Stream-ordered memory (memAllocAsync / memFreeAsync) is usable only inside its lifetime: from the moment its
 * allocation executes on its stream until its free executes. On a real GPU, work that runs outside that window
 * (another stream with no event wait, a submission not ordered after the allocation) is undefined behaviour; the
 * simulator must turn it into a deterministic failure of the work, as for any other failed device work.
 */
import { describe, it, expect } from 'vitest';
import { StatusCode } from '../../../src/core/errors.js';
import type { DriverStream } from '../../../src/core/driver.js';
import type { SimDriver } from '../../../src/backends/sim/index.js';
import { MIB, makeDriver, expectHalError, loadTesting, readBack, upload, u32Bytes, asU32, expectNothingOutstanding } from '../../helpers/sim.js';

const SIZE = 256;
/** What `other` holds before the work runs (so a copy into `p` changes it, and a failed write leaves it). */
const OTHER_FILL = 0x77;
const SEEDS = [1, 2, 3, 7, 42];
const range = (p: number): string => `[0x${p.toString(16)}, 0x${(p + SIZE).toString(16)}) (${SIZE} bytes)`;

/** Keeps `stream` busy for a few virtual µs (a 1 MiB memset of `scratch`), so what follows on it runs later. */
function busy(d: SimDriver, stream: DriverStream, scratch: number): void {
  d.memsetAsync({ dst: scratch, value: 0, elementSize: 1, count: MIB }, stream);
}

interface Use {
  /** The operation kind as the log and the error name it. */
  readonly op: string;
  /** Enqueues work on `stream` that touches `p` (SIZE bytes); `other` is a plain allocation of SIZE bytes. */
  enqueue(d: SimDriver, p: number, other: number, stream: DriverStream): () => void;
  /** Whether the work writes `p` (so a failed run must leave it untouched). */
  readonly writesP: boolean;
}

/** Every kind of operation that can touch device memory; each returns a cleanup for what it created. */
const USES: readonly Use[] = [
  { op: 'memset', writesP: true, enqueue: (d, p, _o, s) => (d.memsetAsync({ dst: p, value: 0xab, elementSize: 1, count: SIZE }, s), () => {}) },
  { op: 'memcpy', writesP: true, enqueue: (d, p, o, s) => (d.memcpyDtoDAsync({ dst: p, src: o, byteLength: SIZE }, s), () => {}) },
  { op: 'memcpy', writesP: false, enqueue: (d, p, o, s) => (d.memcpyDtoDAsync({ dst: o, src: p, byteLength: SIZE }, s), () => {}) },
  { op: 'htod', writesP: true, enqueue: (d, p, _o, s) => (d.memcpyHtoDAsync(p, new Uint8Array(SIZE).fill(0xcd), s), () => {}) },
  {
    op: 'dtoh', writesP: false, enqueue: (d, p, _o, s) => {
      const rb = d.memcpyDtoHAsync(p, SIZE, s);
      return () => rb.release();
    },
  },
  {
    op: 'kernel', writesP: true, enqueue: (d, p, _o, s) => {
      const { module, fn } = loadTesting(d);
      d.launchKernel({ fn: fn('append_digit'), workgroupCount: [1, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0,
        bindings: [{ ptr: p, byteLength: SIZE }], constants: new Uint32Array([5]) }, s);
      return () => d.moduleUnload(module);
    },
  },
  {
    // Node #0 writes `other`, node #1 writes `p`: the launch is checked once, before any node runs.
    op: 'graph', writesP: true, enqueue: (d, p, o, s) => {
      const g = d.graphCreate();
      const first = d.graphAddMemsetNode(g, [], { dst: o, value: 0x11, elementSize: 1, count: SIZE });
      d.graphAddMemsetNode(g, [first], { dst: p, value: 0x22, elementSize: 1, count: SIZE });
      const exec = d.graphInstantiate(g);
      d.graphLaunch(exec, s);
      return () => {
        d.graphExecDestroy(exec);
        d.graphDestroy(g);
      };
    },
  },
];

const describeUse = (u: Use, i: number): string => `${u.op}${u.op === 'memcpy' ? (u.writesP ? ' (dst)' : ' (src)') : ''} #${i}`;

/**
 * Stream 1 is busy, then allocates `p` with memAllocAsync; stream 2 uses `p` at once (optionally after waiting
 * for an event recorded after the allocation). Returns the error of stream 2's work, and what p and other hold.
 */
async function useBeforeAlloc(seed: number, use: Use, waitForAlloc: boolean) {
  const d = makeDriver({ mode: 'manual', seed });
  const s1 = d.streamCreate();
  const s2 = d.streamCreate();
  const scratch = d.memAlloc(MIB);
  const other = d.memAlloc(SIZE);
  await upload(d, other, new Uint8Array(SIZE).fill(OTHER_FILL));
  d.clearEventLog();
  const allocated = d.eventCreate();
  const done = d.eventCreate();
  busy(d, s1, scratch);
  const p = d.memAllocAsync(SIZE, s1);
  d.eventRecord(allocated, s1);
  if (waitForAlloc) d.streamWaitEvent(s2, allocated);
  const cleanup = use.enqueue(d, p, other, s2);
  d.eventRecord(done, s2);
  d.runUntilIdle();
  let error: unknown = null;
  try {
    expect(d.eventQuery(done)).toBe(true);
  } catch (e) {
    error = e;
  }
  const log = d.eventLog().map((e) => `${e.stream}:${e.op}:${e.status}`);
  const bytesP = await readBack(d, p, SIZE);
  const bytesOther = await readBack(d, other, SIZE);
  cleanup();
  d.memFreeAsync(p, s1);
  d.runUntilIdle();
  for (const ptr of [scratch, other]) d.memFree(ptr);
  for (const e of [allocated, done]) d.eventDestroy(e);
  for (const s of [s1, s2]) d.streamDestroy(s);
  expect(d.heapStats().integrity).toBe(0);
  expectNothingOutstanding(d);
  d.destroy();
  return { p, error, log, bytesP, bytesOther };
}

describe('sim stream-ordered memory: use before the allocation executed', () => {
  USES.forEach((use, i) => {
    it(`${describeUse(use, i)} from another stream without an event wait fails, naming the operation and the range, under every seed`, async () => {
      for (const seed of SEEDS) {
        const r = await useBeforeAlloc(seed, use, false);
        expectHalError(() => { throw r.error; }, StatusCode.FAILED_PRECONDITION,
          `${use.op} `, 'on stream 2', range(r.p), 'memAllocAsync on stream 1', 'had not executed yet');
        expect((r.error as { driver?: { name: string } }).driver?.name).toBe('SIM_ALLOCATION_NOT_EXECUTED');
        // The use ran (and failed) before the allocation: the order is fixed by virtual time, not by the seed.
        expect(r.log.indexOf(`2:${use.op}:failed`)).toBeGreaterThanOrEqual(0);
        expect(r.log.indexOf(`2:${use.op}:failed`)).toBeLessThan(r.log.indexOf('1:alloc:ok'));
        // Failing work touches nothing.
        expect(r.bytesP).toEqual(new Uint8Array(SIZE));
        expect(r.bytesOther).toEqual(new Uint8Array(SIZE).fill(OTHER_FILL));
      }
    });

    it(`${describeUse(use, i)} from another stream after an event wait on the allocation runs, under every seed`, async () => {
      for (const seed of SEEDS) {
        const r = await useBeforeAlloc(seed, use, true);
        expect(r.error).toBeNull();
        expect(r.log).toContain(`2:${use.op}:ok`);
        expect(r.log.indexOf('1:alloc:ok')).toBeLessThan(r.log.indexOf(`2:${use.op}:ok`));
        if (use.writesP) expect(r.bytesP).not.toEqual(new Uint8Array(SIZE));
      }
    });
  });

  it('work on the allocation\'s own stream after memAllocAsync runs (memset, htod, kernel, graph, dtoh)', async () => {
    const d = makeDriver({ mode: 'manual' });
    const { module, fn } = loadTesting(d);
    const s = d.streamCreate();
    const free0 = d.heapStats().freeBytes;
    const p = d.memAllocAsync(SIZE, s);
    d.memsetAsync({ dst: p, value: 0, elementSize: 1, count: SIZE }, s);
    d.memcpyHtoDAsync(p, u32Bytes([4]), s);
    d.launchKernel({ fn: fn('append_digit'), workgroupCount: [1, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0,
      bindings: [{ ptr: p, byteLength: 4 }], constants: new Uint32Array([2]) }, s);
    const g = d.graphCreate();
    d.graphAddMemsetNode(g, [], { dst: p + 4, value: 9, elementSize: 4, count: 1 });
    const exec = d.graphInstantiate(g);
    d.graphLaunch(exec, s);
    const rb = d.memcpyDtoHAsync(p, 8, s);
    d.memFreeAsync(p, s);
    d.runUntilIdle();
    expect([...asU32(rb.take())]).toEqual([42, 9]);
    expect(d.eventLog().map((e) => `${e.op}:${e.status}`)).toEqual(['alloc:ok', 'memset:ok', 'htod:ok', 'kernel:ok', 'graph:ok', 'dtoh:ok', 'free:ok']);
    rb.release();
    d.graphExecDestroy(exec);
    d.graphDestroy(g);
    expect(d.heapStats().freeBytes).toBe(free0);
    d.moduleUnload(module);
    d.streamDestroy(s);
    expectNothingOutstanding(d);
    d.destroy();
  });

  it('the failure poisons the using stream until its next event record, like any failed device work', () => {
    const d = makeDriver({ mode: 'manual' });
    const s1 = d.streamCreate();
    const s2 = d.streamCreate();
    const scratch = d.memAlloc(MIB);
    const other = d.memAlloc(SIZE);
    const e = d.eventCreate();
    busy(d, s1, scratch);
    const p = d.memAllocAsync(SIZE, s1);
    d.memsetAsync({ dst: p, value: 1, elementSize: 1, count: SIZE }, s2);
    d.memsetAsync({ dst: other, value: 2, elementSize: 1, count: SIZE }, s2); // skipped: s2 is poisoned
    d.eventRecord(e, s2);
    d.memsetAsync({ dst: other, value: 3, elementSize: 1, count: SIZE }, s2); // runs: the record healed s2
    const rb = d.memcpyDtoHAsync(other, 1, s2);
    d.runUntilIdle();
    expectHalError(() => d.eventQuery(e), StatusCode.FAILED_PRECONDITION, 'memset', range(p), 'had not executed yet');
    expect(d.eventLog().filter((x) => x.stream === 2).map((x) => `${x.op}:${x.status}`))
      .toEqual(['memset:failed', 'memset:skipped', 'record:ok', 'memset:ok', 'dtoh:ok']);
    expect([...rb.take()]).toEqual([3]);
    rb.release();
    d.memFreeAsync(p, s1);
    d.runUntilIdle();
    for (const ptr of [scratch, other]) d.memFree(ptr);
    d.eventDestroy(e);
    d.streamDestroy(s1);
    d.streamDestroy(s2);
    expectNothingOutstanding(d);
    d.destroy();
  });

  it('a stream-ordered allocation on a poisoned stream still takes effect, so work after the next record can use it', () => {
    const d = makeDriver({ mode: 'manual' });
    const s = d.streamCreate();
    const e = d.eventCreate();
    d.launchHostFunc(s, () => {
      throw new Error('boom');
    });
    const p = d.memAllocAsync(SIZE, s);
    d.eventRecord(e, s);
    d.memsetAsync({ dst: p, value: 5, elementSize: 1, count: SIZE }, s);
    const rb = d.memcpyDtoHAsync(p, 2, s);
    d.runUntilIdle();
    expectHalError(() => d.eventQuery(e), StatusCode.ABORTED, 'boom');
    expect(d.eventLog().map((x) => `${x.op}:${x.status}`)).toEqual(['host:failed', 'alloc:ok', 'record:ok', 'memset:ok', 'dtoh:ok']);
    expect([...rb.take()]).toEqual([5, 5]);
    rb.release();
    d.memFreeAsync(p, s);
    d.runUntilIdle();
    d.eventDestroy(e);
    d.streamDestroy(s);
    expectNothingOutstanding(d);
    d.destroy();
  });

  it('a memFreeAsync that runs before the allocation executed fails the same way, and still releases the memory', () => {
    const d = makeDriver({ mode: 'manual' });
    const s1 = d.streamCreate();
    const s2 = d.streamCreate();
    const scratch = d.memAlloc(MIB);
    const e = d.eventCreate();
    const free0 = d.heapStats().freeBytes;
    busy(d, s1, scratch);
    const p = d.memAllocAsync(SIZE, s1);
    d.memFreeAsync(p, s2);
    d.eventRecord(e, s2);
    d.runUntilIdle();
    expectHalError(() => d.eventQuery(e), StatusCode.FAILED_PRECONDITION, 'free ', 'on stream 2', range(p), 'memAllocAsync on stream 1', 'had not executed yet');
    const log = d.eventLog().map((x) => `${x.stream}:${x.op}:${x.status}`);
    expect(log.indexOf('2:free:failed')).toBeGreaterThanOrEqual(0);
    expect(log.indexOf('2:free:failed')).toBeLessThan(log.indexOf('1:alloc:ok'));
    expect(d.heapStats().freeBytes).toBe(free0);
    expect(d.outstanding().allocations).toBe(1);
    d.memFree(scratch);
    d.eventDestroy(e);
    d.streamDestroy(s1);
    d.streamDestroy(s2);
    expectNothingOutstanding(d);
    d.destroy();
  });

  it('with nothing ordering the two streams, the seed decides: both outcomes occur, and each seed repeats its own', () => {
    const run = (seed: number): { outcome: string; log: string } => {
      const d = makeDriver({ mode: 'manual', seed, memoryBytes: 4 * MIB });
      const s1 = d.streamCreate();
      const s2 = d.streamCreate();
      const e = d.eventCreate();
      const p = d.memAllocAsync(SIZE, s1); // both operations become runnable at virtual time 0
      d.memsetAsync({ dst: p, value: 1, elementSize: 1, count: SIZE }, s2);
      d.eventRecord(e, s2);
      d.runUntilIdle();
      let outcome = 'ok';
      try {
        d.eventQuery(e);
      } catch (error) {
        expect((error as Error).message).toContain(range(p));
        expect((error as Error).message).toContain('had not executed yet');
        outcome = 'failed';
      }
      const log = JSON.stringify(d.eventLog());
      d.memFreeAsync(p, s1);
      d.runUntilIdle();
      d.eventDestroy(e);
      d.streamDestroy(s1);
      d.streamDestroy(s2);
      expectNothingOutstanding(d);
      d.destroy();
      return { outcome, log };
    };
    const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
    const first = seeds.map(run);
    expect(new Set(first.map((r) => r.outcome))).toEqual(new Set(['ok', 'failed']));
    // Same seed, same order, same log.
    seeds.forEach((seed, i) => expect(run(seed)).toEqual(first[i]));
  });
});

describe('sim stream-ordered memory: use after the free executed', () => {
  /**
   * `p` is allocated on stream 1 and made visible to stream 2 by an event; stream 2 is busy, then uses `p`; stream 1
   * frees `p` (after the use was enqueued), optionally waiting for an event recorded after the use.
   */
  function useAfterFree(seed: number, use: Use, waitForUse: boolean) {
    const d = makeDriver({ mode: 'manual', seed });
    const s1 = d.streamCreate();
    const s2 = d.streamCreate();
    const scratch = d.memAlloc(MIB);
    const other = d.memAlloc(SIZE);
    const allocated = d.eventCreate();
    const used = d.eventCreate();
    const p = d.memAllocAsync(SIZE, s1);
    d.eventRecord(allocated, s1);
    d.streamWaitEvent(s2, allocated);
    busy(d, s2, scratch);
    const cleanup = use.enqueue(d, p, other, s2);
    d.eventRecord(used, s2);
    if (waitForUse) d.streamWaitEvent(s1, used);
    d.memFreeAsync(p, s1);
    d.runUntilIdle();
    let error: unknown = null;
    try {
      expect(d.eventQuery(used)).toBe(true);
    } catch (e) {
      error = e;
    }
    const log = d.eventLog().map((e) => `${e.stream}:${e.op}:${e.status}`);
    cleanup();
    for (const ptr of [scratch, other]) d.memFree(ptr);
    expect(d.heapStats().integrity).toBe(0);
    expect(d.heapStats().freeBytes).toBe(d.heapStats().heapBytes);
    for (const e of [allocated, used]) d.eventDestroy(e);
    for (const s of [s1, s2]) d.streamDestroy(s);
    expectNothingOutstanding(d);
    d.destroy();
    return { p, error, log };
  }

  USES.forEach((use, i) => {
    it(`${describeUse(use, i)} that runs after memFreeAsync executed on another stream fails, naming the range, under every seed`, () => {
      for (const seed of SEEDS) {
        const r = useAfterFree(seed, use, false);
        expectHalError(() => { throw r.error; }, StatusCode.FAILED_PRECONDITION,
          `${use.op} `, 'on stream 2', range(r.p), 'already freed', 'memFreeAsync on stream 1 executed before the operation ran');
        expect(r.log.indexOf('1:free:ok')).toBeLessThan(r.log.indexOf(`2:${use.op}:failed`));
      }
    });
  });

  it('the same work runs when the free waits for an event recorded after it, under every seed', () => {
    for (const use of USES) {
      for (const seed of SEEDS) {
        const r = useAfterFree(seed, use, true);
        expect(r.error).toBeNull();
        expect(r.log.indexOf(`2:${use.op}:ok`)).toBeLessThan(r.log.indexOf('1:free:ok'));
      }
    }
  });

  it('memory freed with memFree keeps its message; an async free of memAlloc memory names the async free', () => {
    const d = makeDriver({ mode: 'manual' });
    const s1 = d.streamCreate();
    const s2 = d.streamCreate();
    const scratch = d.memAlloc(MIB);
    const p = d.memAlloc(SIZE);
    const e = d.eventCreate();
    busy(d, s2, scratch);
    d.memsetAsync({ dst: p, value: 1, elementSize: 1, count: SIZE }, s2);
    d.eventRecord(e, s2);
    d.memFreeAsync(p, s1);
    d.runUntilIdle();
    expectHalError(() => d.eventQuery(e), StatusCode.FAILED_PRECONDITION, range(p), 'memFreeAsync on stream 1');
    d.memFree(scratch);
    d.eventDestroy(e);
    d.streamDestroy(s1);
    d.streamDestroy(s2);
    expectNothingOutstanding(d);
    d.destroy();
  });
});
