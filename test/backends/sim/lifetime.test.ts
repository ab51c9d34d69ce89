import { describe, it, expect } from 'vitest';
import { StatusCode } from '../../../src/core/errors.js';
import type { DriverStream } from '../../../src/core/driver.js';
import { simProvider, SimDriver } from '../../../src/backends/sim/index.js';
import { makeDriver, expectHalError, expectRejects, loadTesting, expectNothingOutstanding } from '../../helpers/sim.js';

describe('sim handles', () => {
  it('destroyed handles, handles of another driver and non-handles are INVALID_ARGUMENT', () => {
    const d = makeDriver();
    const other = makeDriver();
    const s = d.streamCreate();
    const e = d.eventCreate();
    const foreignStream = other.streamCreate();
    const foreignEvent = other.eventCreate();
    expectHalError(() => d.eventRecord(e, foreignStream), StatusCode.INVALID_ARGUMENT, 'eventRecord stream', 'another driver');
    expectHalError(() => d.eventQuery(foreignEvent), StatusCode.INVALID_ARGUMENT, 'eventQuery event', 'another driver');
    expectHalError(() => d.streamQuery(e as unknown as DriverStream), StatusCode.INVALID_ARGUMENT, 'is a event handle, expected a stream');
    expectHalError(() => d.streamQuery(42 as unknown as DriverStream), StatusCode.INVALID_ARGUMENT, 'not a stream handle');
    d.streamDestroy(s);
    expectHalError(() => d.streamQuery(s), StatusCode.INVALID_ARGUMENT, 'destroyed stream');
    expectHalError(() => d.streamDestroy(s), StatusCode.INVALID_ARGUMENT, 'destroyed stream');
    // A new stream reusing the slot does not revive the old handle.
    const s2 = d.streamCreate();
    expectHalError(() => d.eventRecord(e, s), StatusCode.INVALID_ARGUMENT, 'destroyed stream');
    expect(d.streamQuery(s2)).toBe(true);
    d.eventDestroy(e);
    expectHalError(() => d.eventQuery(e), StatusCode.INVALID_ARGUMENT, 'destroyed event');
    const g = d.graphCreate();
    const foreignGraph = other.graphCreate();
    const foreignNode = other.graphAddEmptyNode(foreignGraph, []);
    expectHalError(() => d.graphAddEmptyNode(g, [foreignNode]), StatusCode.INVALID_ARGUMENT, 'another driver');
    expectHalError(() => d.graphInstantiate(foreignGraph), StatusCode.INVALID_ARGUMENT, 'another driver');
    const { module, fn } = loadTesting(other);
    expectHalError(() => d.launchKernel({ fn: fn('trap'), workgroupCount: [1, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0, bindings: [], constants: new Uint32Array() }, s2),
      StatusCode.INVALID_ARGUMENT, 'launch.fn', 'another driver');
    expectHalError(() => d.moduleUnload(module), StatusCode.INVALID_ARGUMENT, 'another driver');
    d.graphDestroy(g);
    d.streamDestroy(s2);
    expectNothingOutstanding(d);
    d.destroy();
    other.moduleUnload(module);
    other.graphDestroy(foreignGraph);
    other.streamDestroy(foreignStream);
    other.eventDestroy(foreignEvent);
    other.destroy();
  });
});

describe('sim lifetime', () => {
  it('outstanding() counts every kind of live object and returns to zero', () => {
    const d = makeDriver();
    const s = d.streamCreate();
    const e = d.eventCreate();
    const g = d.graphCreate();
    const x = d.graphInstantiate(g);
    const { module } = loadTesting(d);
    const p = d.memAlloc(8);
    const t = d.setTimer(10n, () => {});
    expect(d.outstanding()).toEqual({ streams: 1, events: 1, graphs: 1, graphExecs: 1, modules: 1, allocations: 1, timers: 1 });
    d.clearTimer(t);
    d.memFree(p);
    d.moduleUnload(module);
    d.graphExecDestroy(x);
    d.graphDestroy(g);
    d.eventDestroy(e);
    d.streamDestroy(s);
    expectNothingOutstanding(d);
    expect(d.heapStats().freeBytes).toBe(d.heapStats().heapBytes);
    d.destroy();
  });

  it('destroy() reports leaks (FAILED_PRECONDITION listing them) but still releases; later calls fail cleanly', async () => {
    const d = makeDriver();
    const s = d.streamCreate();
    d.memAlloc(100);
    d.memAlloc(100);
    d.eventCreate();
    const p = d.memAlloc(1 << 20);
    d.memsetAsync({ dst: p, value: 1, elementSize: 1, count: 1 << 20 }, s);
    const pending = d.streamSynchronize(s);
    expectHalError(() => d.destroy(), StatusCode.FAILED_PRECONDITION, 'leaked', '1 streams', '1 events', '3 allocations');
    await expectRejects(pending, StatusCode.CANCELLED, 'destroyed');
    expectNothingOutstanding(d);
    expectHalError(() => d.streamCreate(), StatusCode.FAILED_PRECONDITION, 'streamCreate', 'destroyed');
    expectHalError(() => d.memAlloc(4), StatusCode.FAILED_PRECONDITION, 'destroyed');
    await expectRejects(d.nextProgress(), StatusCode.FAILED_PRECONDITION, 'destroyed');
    d.destroy(); // idempotent
  });
});

describe('sim provider', () => {
  it('probes available and opens a driver with options', async () => {
    const availability = await simProvider.probe();
    expect(availability.available).toBe(true);
    const driver = await simProvider.open({ seed: 7, memoryBytes: 4 * 1024 * 1024 });
    expect(driver).toBeInstanceOf(SimDriver);
    expect(driver.info.details.seed).toBe('7');
    driver.destroy();
    await expect(simProvider.open({ ordinal: 1 })).rejects.toMatchObject({ code: StatusCode.INVALID_ARGUMENT });
    await expect(simProvider.open({ memoryBytes: -1 })).rejects.toMatchObject({ code: StatusCode.INVALID_ARGUMENT });
  });
});
