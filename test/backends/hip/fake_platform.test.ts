/**
 * The real HipDriver over a scripted platform (test/helpers/fake_platform.ts): pinned staging, readback fences, the
 * stream-ordered allocation fallback, injected driver statuses and device loss, checked without a GPU.
 */
import { describe, expect, it } from 'vitest';
import { HalError, StatusCode } from '../../../src/index.js';
import type { DriverStream } from '../../../src/core/driver.js';
import { HipDriver } from '../../../src/backends/hip/driver.js';
import { FakePlatform, STATUS, type FakePlatformOptions } from '../../helpers/fake_platform.js';
import { expectHalError } from '../../helpers/hal_errors.js';

function open(options: FakePlatformOptions = {}): { fake: FakePlatform; driver: HipDriver } {
  const fake = new FakePlatform(options);
  return { fake, driver: new HipDriver(fake, 0, fake.facts()) };
}

/** The platform's handle behind a driver stream (the driver's handle objects keep it as `raw`). */
const raw = (stream: DriverStream): number => (stream as unknown as { raw: number }).raw;

/** One poll of the driver's internal fences (what every completion-poller round does first). */
const poll = (driver: HipDriver): Promise<void> => driver.nextProgress();

function bytes(fake: FakePlatform, ptr: number, length: number): number[] {
  return [...fake.memory.get(ptr)!.subarray(0, length)];
}

describe('hip driver over a fake platform', () => {
  it('uploads capture the source at call time and keep each pinned block until its copy ran', async () => {
    const { fake, driver } = open();
    const stream = driver.streamCreate();
    const ptr = driver.memAlloc(8);
    const source = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    driver.memcpyHtoDAsync(ptr, source, stream);
    source.fill(0xee); // the caller may reuse its array at once
    driver.memcpyHtoDAsync(ptr + 4, new Uint8Array([9, 9, 9, 9]), stream);
    await poll(driver);
    // Neither copy has run: both staging blocks are still leased, so the second upload got a block of its own.
    expect(fake.live().hostBlocks).toBe(2);
    expect(bytes(fake, ptr, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    fake.run(raw(stream));
    expect(bytes(fake, ptr, 8)).toEqual([1, 2, 3, 4, 9, 9, 9, 9]);
    await poll(driver);
    // Both blocks are back in the pool: further uploads reuse them instead of allocating.
    for (let i = 0; i < 4; i++) {
      driver.memcpyHtoDAsync(ptr, new Uint8Array([i]), stream);
      fake.run(raw(stream));
      await poll(driver);
    }
    expect(fake.live().hostBlocks).toBe(2);
    expect(fake.calls.filter((c) => c === 'hostAlloc')).toHaveLength(2);
    driver.memFree(ptr);
    driver.streamDestroy(stream);
    driver.destroy();
    expect(fake.live()).toMatchObject({ hostBlocks: 0, memory: 0, streams: 0, events: 0 });
  });

  it('a readback refuses take() until its fence completed, and its block outlives an early release()', async () => {
    const { fake, driver } = open();
    const stream = driver.streamCreate();
    const ptr = driver.memAlloc(4);
    driver.memsetAsync({ dst: ptr, value: 0xab, elementSize: 1, count: 4 }, stream);
    const readback = driver.memcpyDtoHAsync(ptr, 4, stream);
    expectHalError(() => readback.take(), StatusCode.FAILED_PRECONDITION, 'before its copy completed');
    fake.run(raw(stream));
    expect([...readback.take()]).toEqual([0xab, 0xab, 0xab, 0xab]);
    readback.release();

    // Released before its copy ran: the block must not be reused until the copy is done.
    const early = driver.memcpyDtoHAsync(ptr, 4, stream);
    early.release();
    driver.memcpyHtoDAsync(ptr, new Uint8Array([1, 2, 3, 4]), stream);
    expect(fake.live().hostBlocks).toBe(2);
    fake.run(raw(stream));
    await poll(driver);
    driver.memFree(ptr);
    driver.streamDestroy(stream);
    driver.destroy();
    expect(fake.live().hostBlocks).toBe(0);
  });

  it.each([
    { why: 'the library lacks the stream-ordered symbols', options: { asyncAllocation: false }, note: 'library lacks stream-ordered allocation' },
    { why: 'the device has no memory pools', options: { memoryPools: false }, note: 'device has no memory pools' },
  ])('falls back to ordered allocation when $why', async ({ options, note }) => {
    const { fake, driver } = open(options);
    expect(driver.info.streamOrderedAllocation).toBe(false);
    expect(driver.info.details.streamOrderedAllocation).toContain(note);
    if (options.asyncAllocation === false) expect(driver.info.details.missingSymbols).toContain('cuMemAllocAsync');
    const stream = driver.streamCreate();
    const ptr = driver.memAllocAsync(64, stream);
    expect(fake.calls).not.toContain('memAllocAsync');
    driver.memsetAsync({ dst: ptr, value: 7, elementSize: 1, count: 64 }, stream);
    driver.memFreeAsync(ptr, stream);
    await poll(driver);
    // Work enqueued before the free has not run: the memory must still be there for it.
    expect(fake.memory.has(ptr)).toBe(true);
    expect(driver.outstanding().allocations).toBe(0);
    fake.run(raw(stream));
    expect(fake.memory.has(ptr)).toBe(true); // freed at the next polling tick, never inside the stream
    await poll(driver);
    expect(fake.memory.has(ptr)).toBe(false);
    expect(fake.calls).not.toContain('memFreeAsync');
    driver.streamDestroy(stream);
    driver.destroy();
  });

  it('uses the stream-ordered calls where the platform has them', () => {
    const { fake, driver } = open();
    const stream = driver.streamCreate();
    const ptr = driver.memAllocAsync(64, stream);
    driver.memFreeAsync(ptr, stream);
    expect(fake.calls).toContain('memAllocAsync');
    expect(fake.calls).toContain('memFreeAsync');
    fake.runAll();
    driver.streamDestroy(stream);
    driver.destroy();
  });

  it('out of memory is RESOURCE_EXHAUSTED with the driver status, and the device stays usable', () => {
    const { fake, driver } = open();
    fake.failNext('memAlloc', STATUS.OUT_OF_MEMORY);
    const error = expectHalError(() => driver.memAlloc(16), StatusCode.RESOURCE_EXHAUSTED, 'CUDA_ERROR_OUT_OF_MEMORY');
    expect(error.driver).toMatchObject({ api: 'cuda', name: 'CUDA_ERROR_OUT_OF_MEMORY', number: 2, call: 'memAlloc' });
    expect(driver.lostError()).toBeUndefined();
    expect(driver.outstanding().allocations).toBe(0);
    driver.memFree(driver.memAlloc(16));
    driver.destroy();
  });

  it('an illegal address in running work loses the device: queries throw it, later calls fail fast, teardown never waits', () => {
    const { fake, driver } = open();
    const stream = driver.streamCreate();
    const event = driver.eventCreate();
    const ptr = driver.memAlloc(16);
    fake.faultNextOp(raw(stream), STATUS.ILLEGAL_ADDRESS);
    driver.memsetAsync({ dst: ptr, value: 1, elementSize: 1, count: 16 }, stream);
    driver.eventRecord(event, stream);
    expect(driver.lostError()).toBeUndefined();
    fake.run(raw(stream));
    const fault = expectHalError(() => driver.eventQuery(event), StatusCode.INTERNAL, 'CUDA_ERROR_ILLEGAL_ADDRESS');
    expect(fault.driver?.name).toBe('CUDA_ERROR_ILLEGAL_ADDRESS');
    const lost = driver.lostError();
    expect(lost).toBeInstanceOf(HalError);
    expect(lost!.message).toContain('device lost');
    const callsBefore = fake.calls.length;
    expect(() => driver.memAlloc(16)).toThrow(lost!);
    expect(() => driver.streamQuery(stream)).toThrow(lost!);
    expect(fake.calls.length).toBe(callsBefore); // failing fast: the platform is not even asked
    // Releasing objects of a lost device still works (bookkeeping), and destroy neither waits nor throws a leak.
    driver.eventDestroy(event);
    driver.memFree(ptr);
    driver.streamDestroy(stream);
    driver.quiesce();
    driver.destroy();
    expect(fake.calls).not.toContain('synchronizeDevice');
    expect(driver.outstanding()).toMatchObject({ streams: 0, events: 0, allocations: 0 });
  });

  it('a device-losing status from any call marks the device lost', () => {
    const { fake, driver } = open();
    const stream = driver.streamCreate();
    fake.failNext('streamQuery', STATUS.LAUNCH_FAILED);
    expectHalError(() => driver.streamQuery(stream), StatusCode.INTERNAL, 'CUDA_ERROR_LAUNCH_FAILED');
    expect(driver.lostError()?.driver?.number).toBe(STATUS.LAUNCH_FAILED);
    driver.streamDestroy(stream);
    driver.destroy();
  });

  it('a status that does not lose the device fails only that call', () => {
    const { fake, driver } = open();
    const stream = driver.streamCreate();
    fake.failNext('streamCreate', STATUS.INVALID_HANDLE);
    expectHalError(() => driver.streamCreate(), StatusCode.INVALID_ARGUMENT, 'CUDA_ERROR_INVALID_HANDLE');
    expect(driver.lostError()).toBeUndefined();
    expect(driver.outstanding().streams).toBe(1);
    driver.streamDestroy(stream);
    driver.destroy();
  });

  it('64-bit push constants reach a kernel whole where the driver gives the parameter layout; too few words are refused', () => {
    // k(unsigned long long* out, unsigned tag, size_t n, double x): the layout cuFuncGetParamInfo reports.
    const parameters = [{ offset: 0, size: 8 }, { offset: 8, size: 4 }, { offset: 16, size: 8 }, { offset: 24, size: 8 }];
    const { fake, driver } = open({ platform: 'nvidia', parameters: { k: parameters } });
    const module = driver.moduleLoad({ format: 'ptx', source: '.version 8.0', label: 'm' });
    const fn = driver.moduleGetFunction(module, 'k');
    const out = driver.memAlloc(64);
    const stream = driver.streamCreate();
    const x = new DataView(new ArrayBuffer(8));
    x.setFloat64(0, 2.5, true);
    const launch = (constants: number[]) => driver.launchKernel({
      fn, workgroupCount: [1, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0,
      bindings: [{ ptr: out, byteLength: 64 }], constants: Uint32Array.from(constants),
    }, stream);
    launch([7, 0, 0x9abcdef0, 0x1234, x.getUint32(0, true), x.getUint32(4, true)]);
    const [ptr, tag, n, value] = fake.argumentBytes[0]!.map((b) => new DataView(b.buffer));
    expect(ptr!.getBigUint64(0, true)).toBe(BigInt(out));
    expect(tag!.getUint32(0, true)).toBe(7);
    expect(n!.getBigUint64(0, true)).toBe(0x1234_9abc_def0n);
    expect(value!.getFloat64(0, true)).toBe(2.5);
    const launches = fake.calls.filter((c) => c === 'launchKernel').length;
    expectHalError(() => launch([7, 0, 1, 0]), StatusCode.INVALID_ARGUMENT, "launch of 'k'", 'needs 6 push-constant words');
    expect(fake.calls.filter((c) => c === 'launchKernel').length).toBe(launches);
    driver.streamDestroy(stream);
    driver.memFree(out);
    driver.moduleUnload(module);
    driver.destroy();
  });

  it('a function missing from a module is NOT_FOUND', () => {
    const { driver } = open({ platform: 'nvidia' });
    const module = driver.moduleLoad({ format: 'ptx', source: '.version 8.0', label: 'm' });
    expectHalError(() => driver.moduleGetFunction(module, 'missing_kernel'), StatusCode.NOT_FOUND, "module 'm' has no function 'missing_kernel'");
    driver.moduleUnload(module);
    driver.destroy();
  });

  it('quiesce blocks on the device only while work is running; destroy waits for it and reports leaks', () => {
    const { fake, driver } = open();
    const stream = driver.streamCreate();
    driver.quiesce();
    expect(fake.calls).not.toContain('synchronizeDevice');
    const ptr = driver.memAlloc(8);
    driver.memsetAsync({ dst: ptr, value: 3, elementSize: 1, count: 8 }, stream);
    driver.quiesce();
    expect(fake.calls).toContain('synchronizeDevice');
    expect(bytes(fake, ptr, 8)).toEqual([3, 3, 3, 3, 3, 3, 3, 3]);
    // Leaked objects are released and reported.
    driver.memsetAsync({ dst: ptr, value: 4, elementSize: 1, count: 8 }, stream);
    expectHalError(() => driver.destroy(), StatusCode.FAILED_PRECONDITION, '1 streams', '1 allocations');
    expect(fake.calls.filter((c) => c === 'synchronizeDevice')).toHaveLength(2);
    expect(fake.live()).toMatchObject({ streams: 0, memory: 0, hostBlocks: 0 });
  });

  it('handle bookkeeping: counts each kind, refuses a destroyed handle, and releases and reports every kind at destroy', () => {
    const { fake, driver } = open({ platform: 'nvidia' });
    const stream = driver.streamCreate();
    const event = driver.eventCreate();
    const graph = driver.graphCreate();
    driver.graphAddEmptyNode(graph, []);
    const exec = driver.graphInstantiate(graph);
    const module = driver.moduleLoad({ format: 'ptx', source: '.version 8.0', label: 'm' });
    expect(driver.outstanding()).toMatchObject({ streams: 1, events: 1, graphs: 1, graphExecs: 1, modules: 1 });
    driver.eventDestroy(event);
    driver.graphExecDestroy(exec);
    expect(driver.outstanding()).toMatchObject({ streams: 1, events: 0, graphs: 1, graphExecs: 0, modules: 1 });
    expectHalError(() => driver.eventQuery(event), StatusCode.INVALID_ARGUMENT, 'eventQuery event (a event) was already destroyed');
    expectHalError(() => driver.graphLaunch(exec, stream), StatusCode.INVALID_ARGUMENT, 'graphLaunch exec (a graph exec) was already destroyed');
    expectHalError(() => driver.eventDestroy(event), StatusCode.INVALID_ARGUMENT, 'already destroyed');
    // What the caller still holds is released, counted in the error, and dead afterwards.
    expectHalError(() => driver.destroy(), StatusCode.FAILED_PRECONDITION, '1 streams', '1 graphs', '1 modules');
    expect(driver.outstanding()).toMatchObject({ streams: 0, events: 0, graphs: 0, graphExecs: 0, modules: 0 });
    expect(fake.calls).toEqual(expect.arrayContaining(['graphDestroy', 'moduleUnload', 'streamDestroy']));
    expectHalError(() => driver.moduleUnload(module), StatusCode.INVALID_ARGUMENT, 'moduleUnload module (a module) was already destroyed');
  });

  it('a destroyed stream with unfinished work keeps destroy() waiting for that work', () => {
    const { fake, driver } = open();
    const stream = driver.streamCreate();
    const ptr = driver.memAlloc(8);
    driver.memsetAsync({ dst: ptr, value: 5, elementSize: 1, count: 8 }, stream);
    driver.streamDestroy(stream);
    expect(fake.queuedOps).toBeGreaterThan(0);
    // The allocation is left to destroy(), which must let the destroyed stream's memset finish before freeing it.
    expectHalError(() => driver.destroy(), StatusCode.FAILED_PRECONDITION, '1 allocations');
    expect(fake.calls.indexOf('synchronizeDevice')).toBeGreaterThan(-1);
    expect(fake.calls.indexOf('synchronizeDevice')).toBeLessThan(fake.calls.lastIndexOf('memFree'));
    expect(fake.queuedOps).toBe(0);
  });

  it('internal fences: a polling round queries only the oldest fence per stream, and idle events stay bounded', async () => {
    const { fake, driver } = open();
    const stream = driver.streamCreate();
    const ptr = driver.memAlloc(4);
    for (let i = 0; i < 500; i++) driver.memcpyHtoDAsync(ptr, new Uint8Array([i & 0xff]), stream);
    const queries = (): number => fake.calls.filter((c) => c === 'eventQuery').length;
    const before = queries();
    await poll(driver);
    expect(queries() - before).toBe(1); // nothing completed: the oldest fence answers for all 500
    fake.run(raw(stream));
    await poll(driver);
    expect(fake.live().events).toBeLessThanOrEqual(64);
    expect(bytes(fake, ptr, 1)).toEqual([499 & 0xff]);
    driver.memFree(ptr);
    driver.streamDestroy(stream);
    driver.destroy();
    expect(fake.live().events).toBe(0);
  });
});
