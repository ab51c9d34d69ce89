import { describe, it, expect } from 'vitest';
import { StatusCode } from '../../../src/core/errors.js';
import { createSimDriver, DEFAULT_COST_MODEL, type SimDriver } from '../../../src/backends/sim/index.js';
import { MIB, makeDriver, expectHalError, loadTesting, readBack, asU32, u32Bytes } from '../../helpers/sim.js';

/**
 * A program with three streams, cross-stream events, a graph with independent branches and kernels whose result
 * depends on the order of unordered work. Returns everything observable about the run.
 */
async function runProgram(seed: number): Promise<{ log: string; now: bigint; result: number[] }> {
  const d = makeDriver({ seed, memoryBytes: 4 * MIB, traceGraphNodes: true });
  const { module, fn } = loadTesting(d);
  const p = d.memAlloc(64);
  const streams = [d.streamCreate(), d.streamCreate(), d.streamCreate()];
  const e = d.eventCreate();
  const append = (digit: number, element: number) => ({
    fn: fn('append_digit'), workgroupCount: [1, 1, 1] as [number, number, number], workgroupSize: [1, 1, 1] as [number, number, number],
    sharedMemoryBytes: 0, bindings: [{ ptr: p + element * 4, byteLength: 4 }], constants: new Uint32Array([digit]),
  });
  d.memsetAsync({ dst: p, value: 0, elementSize: 4, count: 16 }, streams[0]!);
  d.eventRecord(e, streams[0]!);
  for (const [i, s] of streams.entries()) {
    if (i > 0) d.streamWaitEvent(s, e);
    d.launchKernel(append(i + 1, 0), s); // three streams race for element 0
    d.memcpyHtoDAsync(p + 4 + i * 4, u32Bytes([i * 11]), s);
  }
  const g = d.graphCreate();
  const root = d.graphAddEmptyNode(g, []);
  for (let k = 1; k <= 4; k++) d.graphAddKernelNode(g, [root], append(k, 5)); // four independent nodes race
  const exec = d.graphInstantiate(g);
  d.graphLaunch(exec, streams[1]!);
  for (const s of streams) await d.streamSynchronize(s);
  const result = [...asU32(await readBack(d, p, 64))];
  const log = JSON.stringify(d.eventLog());
  const now = d.now();
  d.graphExecDestroy(exec);
  d.graphDestroy(g);
  d.eventDestroy(e);
  for (const s of streams) d.streamDestroy(s);
  d.memFree(p);
  d.moduleUnload(module);
  d.destroy();
  return { log, now, result };
}

describe('sim determinism', () => {
  it('the same seed gives identical logs, timestamps and results; seeds differ only in unordered work', async () => {
    const first = await runProgram(42);
    const again = await runProgram(42);
    expect(again).toEqual(first);
    const raceResults = new Set<number>();
    const graphResults = new Set<number>();
    for (let seed = 1; seed <= 30; seed++) {
      const run = await runProgram(seed);
      // Ordered work is the same under every seed.
      expect(run.result.slice(1, 4)).toEqual([0, 11, 22]);
      expect(run.now).toBe(first.now);
      raceResults.add(run.result[0]!);
      graphResults.add(run.result[5]!);
      // The digits are a permutation whatever the seed.
      expect([...String(run.result[0])].sort().join('')).toBe('123');
      expect([...String(run.result[5])].sort().join('')).toBe('1234');
    }
    expect(raceResults.size).toBeGreaterThan(1);
    expect(graphResults.size).toBeGreaterThan(1);
  });
});

describe('sim scheduler: virtual time', () => {
  it('follows the documented cost model', async () => {
    const d = makeDriver();
    const s = d.streamCreate();
    const p = d.memAlloc(1 << 20);
    d.memsetAsync({ dst: p, value: 0, elementSize: 1, count: 1 << 20 }, s);
    d.memcpyHtoDAsync(p, new Uint8Array(1000), s);
    d.memcpyDtoDAsync({ dst: p, src: p + 4096, byteLength: 4096 }, s);
    await d.streamSynchronize(s);
    const [memset, htod, memcpy] = d.eventLog();
    const m = DEFAULT_COST_MODEL;
    expect([memset!.start, memset!.end]).toEqual([0, m.opOverheadNs + Math.ceil((1 << 20) / m.deviceBytesPerNs)]);
    expect(htod!.end - htod!.start).toBe(m.opOverheadNs + 1000 / m.hostBytesPerNs);
    expect(memcpy!.end - memcpy!.start).toBe(m.opOverheadNs + Math.ceil(4096 / m.deviceBytesPerNs));
    expect(d.now()).toBe(BigInt(memcpy!.end));
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });

  it('cost model overrides are applied and validated', async () => {
    const d = makeDriver({ costModel: { opOverheadNs: 0, deviceBytesPerNs: 1 } });
    const s = d.streamCreate();
    const p = d.memAlloc(100);
    d.memsetAsync({ dst: p, value: 0, elementSize: 1, count: 100 }, s);
    await d.streamSynchronize(s);
    expect(d.now()).toBe(100n);
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
    expectHalError(() => createSimDriver({ costModel: { deviceBytesPerNs: 0 } }), StatusCode.INVALID_ARGUMENT, 'options.costModel.deviceBytesPerNs', '> 0');
    expectHalError(() => createSimDriver({ costModel: { warpNs: 3 } as never }), StatusCode.INVALID_ARGUMENT, 'options.costModel.warpNs is not a cost model field');
    expectHalError(() => createSimDriver({ costModel: { workgroupNS: 3 } as never }), StatusCode.INVALID_ARGUMENT, 'options.costModel.workgroupNS', 'did you mean "workgroupNs"?');
  });

  it('overlapping streams run concurrently in virtual time', async () => {
    const d = makeDriver();
    const a = d.streamCreate();
    const b = d.streamCreate();
    const p = d.memAlloc(1 << 20);
    const q = d.memAlloc(1 << 20);
    d.memsetAsync({ dst: p, value: 1, elementSize: 1, count: 1 << 20 }, a);
    d.memsetAsync({ dst: q, value: 1, elementSize: 1, count: 1 << 20 }, b);
    await Promise.all([d.streamSynchronize(a), d.streamSynchronize(b)]);
    const [x, y] = d.eventLog();
    expect(x!.start).toBe(0);
    expect(y!.start).toBe(0);
    expect(d.now()).toBe(BigInt(x!.end));
    d.memFree(p);
    d.memFree(q);
    d.streamDestroy(a);
    d.streamDestroy(b);
    d.destroy();
  });

  it('timers fire when virtual time reaches them, between device completions; clearTimer cancels, idempotently', async () => {
    const d = makeDriver();
    const s = d.streamCreate();
    const p = d.memAlloc(1 << 20);
    const fired: [string, bigint][] = [];
    d.memsetAsync({ dst: p, value: 0, elementSize: 1, count: 1 << 20 }, s); // ends at 3049
    const t1 = d.setTimer(1000n, () => fired.push(['t1', d.now()]));
    const t2 = d.setTimer(2000n, () => fired.push(['t2', d.now()]));
    const t3 = d.setTimer(1_000_000n, () => fired.push(['t3', d.now()]));
    d.clearTimer(t2);
    d.clearTimer(t2);
    expect(d.outstanding().timers).toBe(2);
    await d.streamSynchronize(s);
    expect(fired).toEqual([['t1', 1000n]]);
    // No device work is left: time jumps to the next timer.
    while (fired.length < 2) await d.nextProgress();
    expect(fired).toEqual([['t1', 1000n], ['t3', 1_000_000n]]);
    expect(d.now()).toBe(1_000_000n);
    d.clearTimer(t1); // harmless after it fired
    d.clearTimer(t3);
    expect(d.outstanding().timers).toBe(0);
    expectHalError(() => d.setTimer(-1n, () => {}), StatusCode.INVALID_ARGUMENT, 'deadline');
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });

  it('a timer set in the past fires at the current time, without moving time back', async () => {
    const d = makeDriver({ mode: 'manual' });
    const s = d.streamCreate();
    const p = d.memAlloc(4);
    d.memsetAsync({ dst: p, value: 0, elementSize: 4, count: 1 }, s);
    d.runUntilIdle();
    const at = d.now();
    let when = -1n;
    d.setTimer(0n, () => { when = d.now(); });
    expect(d.step()?.kind).toBe('timer');
    expect(when).toBe(at);
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });
});

describe('sim scheduler: manual mode', () => {
  it('nothing runs until step(); each step reports one event', () => {
    const d = makeDriver({ mode: 'manual' });
    const s = d.streamCreate();
    const p = d.memAlloc(1000);
    const e = d.eventCreate();
    d.memsetAsync({ dst: p, value: 3, elementSize: 1, count: 1000 }, s);
    d.eventRecord(e, s);
    expect(d.eventQuery(e)).toBe(false);
    expect(d.now()).toBe(0n);
    expect(d.step()).toMatchObject({ kind: 'start', time: 0n, stream: 1, op: 'memset', status: 'ok' });
    expect(d.step()).toMatchObject({ kind: 'complete', time: 2001n, op: 'memset' });
    expect(d.now()).toBe(2001n);
    expect(d.eventQuery(e)).toBe(false);
    expect(d.step()).toMatchObject({ kind: 'start', time: 2001n, op: 'record' });
    expect(d.step()).toMatchObject({ kind: 'complete', time: 2001n, op: 'record' });
    expect(d.eventQuery(e)).toBe(true);
    expect(d.step()).toBeNull();
    expect(d.runUntilIdle()).toBe(0);
    d.eventDestroy(e);
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });

  it('streamSynchronize and nextProgress resolve through step() / runUntilIdle()', async () => {
    const d = makeDriver({ mode: 'manual' });
    const s = d.streamCreate();
    const p = d.memAlloc(4);
    d.memcpyHtoDAsync(p, u32Bytes([5]), s);
    let synced = false;
    const sync = d.streamSynchronize(s).then(() => { synced = true; });
    const progress = d.nextProgress();
    await new Promise((r) => setImmediate(r));
    expect(synced).toBe(false);
    expect(d.runUntilIdle()).toBe(2);
    await progress;
    await sync;
    expect(synced).toBe(true);
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });

  it('ties between streams are broken by the seed, and an event makes the order fixed', () => {
    const order = (seed: number, ordered: boolean): string => {
      const d = makeDriver({ mode: 'manual', seed, memoryBytes: 4 * MIB });
      const a = d.streamCreate();
      const b = d.streamCreate();
      const p = d.memAlloc(4);
      const e = d.eventCreate();
      d.memcpyHtoDAsync(p, u32Bytes([1]), a);
      d.eventRecord(e, a);
      if (ordered) d.streamWaitEvent(b, e);
      d.memcpyHtoDAsync(p, u32Bytes([2]), b);
      d.runUntilIdle();
      const ops = d.eventLog().filter((x) => x.op === 'htod').map((x) => x.stream).join('');
      d.eventDestroy(e);
      d.memFree(p);
      d.streamDestroy(a);
      d.streamDestroy(b);
      d.destroy();
      return ops;
    };
    const unordered = new Set(Array.from({ length: 30 }, (_, i) => order(i + 1, false)));
    const ordered = new Set(Array.from({ length: 30 }, (_, i) => order(i + 1, true)));
    expect(unordered).toEqual(new Set(['12', '21']));
    expect(ordered).toEqual(new Set(['12']));
  });
});

describe('sim event log', () => {
  it('is bounded and counts what it dropped', async () => {
    const d = makeDriver({ logLimit: 10 });
    const s = d.streamCreate();
    const p = d.memAlloc(4);
    for (let i = 0; i < 50; i++) d.memsetAsync({ dst: p, value: i, elementSize: 4, count: 1 }, s);
    await d.streamSynchronize(s);
    const log = d.eventLog();
    expect(log.length).toBe(10);
    expect(log[0]!.seq).toBe(40);
    expect(d.droppedLogEntries).toBe(40);
    expect(asU32(await readBack(d, p, 4))[0]).toBe(49);
    d.memFree(p);
    d.streamDestroy(s);
    d.destroy();
  });
});

describe('sim options', () => {
  it('validates every option with a message naming it', () => {
    expectHalError(() => createSimDriver({ seed: -1 }), StatusCode.INVALID_ARGUMENT, 'options.seed');
    expectHalError(() => createSimDriver({ seed: 1n << 64n }), StatusCode.INVALID_ARGUMENT, 'options.seed');
    expectHalError(() => createSimDriver({ seed: 0.5 }), StatusCode.INVALID_ARGUMENT, 'options.seed');
    expectHalError(() => createSimDriver({ memoryBytes: 5 * MIB + 1 }), StatusCode.INVALID_ARGUMENT, 'options.memoryBytes');
    expectHalError(() => createSimDriver({ memoryBytes: 1024 }), StatusCode.INVALID_ARGUMENT, 'options.memoryBytes');
    expectHalError(() => createSimDriver({ mode: 'fast' as never }), StatusCode.INVALID_ARGUMENT, "options.mode must be 'auto' or 'manual'");
    expectHalError(() => createSimDriver({ maxStreams: 0 }), StatusCode.INVALID_ARGUMENT, 'options.maxStreams');
    expectHalError(() => createSimDriver({ sead: 1 } as never), StatusCode.INVALID_ARGUMENT, 'options.sead is not a sim driver option');
    expectHalError(() => createSimDriver({ kernelMemoryChecks: 'yes' as never }), StatusCode.INVALID_ARGUMENT, 'options.kernelMemoryChecks must be a boolean');
    const d: SimDriver = createSimDriver({ seed: 0xffff_ffff_ffff_ffffn, memoryBytes: 8 * MIB });
    expect(d.info).toMatchObject({ platform: 'sim', formats: ['hip-source', 'sim-wasm'], details: { seed: '18446744073709551615' } });
    expect(d.info.totalMemoryBytes).toBeLessThan(8 * MIB);
    expect(d.heapStats().memoryBytes).toBe(8 * MIB);
    d.destroy();
  });
});
