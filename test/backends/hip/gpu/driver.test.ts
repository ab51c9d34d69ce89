// The hip driver on a real GPU, at the driver level (no core): memory, copies, events, stream waits, graphs,
// modules from HIP-C source (nvrtc / hiprtc) and PTX, kernel arguments, timers and teardown.
// Runs only with GPUHAL_HIP_GPU=1 (npm run gpu:test on the GPU machine); the kernel-fault test is in fault.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriverFunction, DriverModule, DriverStream, GpuDriver, KernelLaunch } from '../../../../src/core/driver.js';
import { StatusCode } from '../../../../src/core/errors.js';
import { sampleHipSource } from '../../../../src/kernels/hip_source.js';
import { drain, expectHal, GPU_ENABLED, GPU_NOTE, openGpu, PLATFORM, SPIN_SOURCE, until } from '../../../helpers/hip_gpu.js';

const PTX_FILL = `
.version 7.0
.target sm_75
.address_size 64
.visible .entry ptx_fill(.param .u64 out, .param .u32 value)
{
  .reg .b32 %r<3>;
  .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  ld.param.u32 %r1, [value];
  cvta.to.global.u64 %rd2, %rd1;
  mov.u32 %r2, %tid.x;
  mul.wide.u32 %rd3, %r2, 4;
  add.s64 %rd2, %rd2, %rd3;
  st.global.u32 [%rd2], %r1;
  ret;
}
`;

describe.skipIf(!GPU_ENABLED)(`hip driver on a GPU${GPU_NOTE}`, () => {
  let driver: GpuDriver;
  let stream: DriverStream;
  let samples: DriverModule;
  let spin: DriverModule;
  const fn = (name: string): DriverFunction => driver.moduleGetFunction(name.startsWith('spin') ? spin : samples, name);
  const u32 = (bytes: Uint8Array) => new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const read = async (ptr: number, bytes: number, s = stream): Promise<Uint8Array> => {
    const rb = driver.memcpyDtoHAsync(ptr, bytes, s);
    await drain(driver, s);
    const out = rb.take();
    rb.release();
    return out;
  };
  const launch = (name: string, count: number, bindings: number[], constants: number[], extra: Partial<KernelLaunch> = {}): KernelLaunch => ({
    fn: fn(name),
    workgroupCount: [Math.ceil(count / 64), 1, 1],
    workgroupSize: [64, 1, 1],
    sharedMemoryBytes: 0,
    bindings: bindings.map((ptr) => ({ ptr, byteLength: count * 4 })),
    constants: Uint32Array.from(constants),
    ...extra,
  });

  beforeAll(async () => {
    driver = await openGpu();
    stream = driver.streamCreate();
    const t0 = performance.now();
    samples = driver.moduleLoad({ format: 'hip-source', source: sampleHipSource, label: 'samples' });
    spin = driver.moduleLoad({ format: 'hip-source', source: SPIN_SOURCE, label: 'spin' });
    console.log(`[gpu] ${driver.info.name} (${driver.info.platform}) modules compiled+loaded in ${(performance.now() - t0).toFixed(0)} ms`);
    console.log(`[gpu] info ${JSON.stringify({ ...driver.info, limits: driver.info.limits })}`);
  }, 120_000);

  afterAll(() => {
    if (!driver) return;
    driver.moduleUnload(samples);
    driver.moduleUnload(spin);
    driver.streamDestroy(stream);
    expect(driver.outstanding()).toEqual({ streams: 0, events: 0, graphs: 0, graphExecs: 0, modules: 0, allocations: 0, timers: 0 });
    driver.destroy();
  });

  it("probe lists this GPU; 'auto' passes over a platform that cannot initialize", async () => {
    const { hipProvider } = await import('../../../../src/backends/hip/index.js');
    const result = await hipProvider.probe({ platform: PLATFORM });
    expect(result.available).toBe(true);
    if (!result.available) return;
    expect(result.devices[0]).toMatchObject({ ordinal: 0, platform: driver.info.platform, name: driver.info.name, totalMemoryBytes: driver.info.totalMemoryBytes });
    console.log(`[gpu] probe: ${JSON.stringify(result.devices)}`);
  });

  it('reports the device', () => {
    expect(driver.info.name.length).toBeGreaterThan(0);
    expect(driver.info.totalMemoryBytes).toBeGreaterThan(1 << 30);
    expect(driver.info.formats).toContain('hip-source');
    expect(driver.info.indirectDispatch).toBe(false);
    expect(driver.info.hostFunctions).toBe(false);
    expect(driver.info.details.library).toMatch(/libcuda|libamdhip64/);
    expect(driver.now()).toBeTypeOf('bigint');
  });

  it('alloc, memset 8/16/32, HtoD (captured at call time), DtoD, DtoH readback', async () => {
    const a = driver.memAlloc(4096);
    const b = driver.memAlloc(4096);
    driver.memsetAsync({ dst: a, value: 0xab, elementSize: 1, count: 4096 }, stream);
    driver.memsetAsync({ dst: a + 16, value: 0x1234, elementSize: 2, count: 4 }, stream);
    driver.memsetAsync({ dst: a + 64, value: 0xdeadbeef, elementSize: 4, count: 2 }, stream);
    const host = Uint8Array.from({ length: 256 }, (_, i) => i);
    driver.memcpyHtoDAsync(a + 1024, host, stream);
    host.fill(0); // the copy captured the bytes at call time
    driver.memcpyDtoDAsync({ dst: b, src: a, byteLength: 4096 }, stream);
    const out = await read(b, 4096);
    expect(out[0]).toBe(0xab);
    expect([...out.subarray(16, 24)]).toEqual([0x34, 0x12, 0x34, 0x12, 0x34, 0x12, 0x34, 0x12]);
    expect(new DataView(out.buffer).getUint32(64, true)).toBe(0xdeadbeef);
    expect(new DataView(out.buffer).getUint32(68, true)).toBe(0xdeadbeef);
    expect(out[72]).toBe(0xab);
    expect([...out.subarray(1024, 1024 + 256)]).toEqual(Array.from({ length: 256 }, (_, i) => i));
    driver.memFree(a);
    driver.memFree(b);
    expectHal(() => driver.memFree(a), StatusCode.INVALID_ARGUMENT, 'not a live allocation');
  });

  it('a readback taken before its copy completed is FAILED_PRECONDITION, then succeeds', async () => {
    const a = driver.memAlloc(4);
    driver.launchKernel(launch('spin_then_store', 1, [a], [77, 200_000_000]), stream); // 200 ms
    const rb = driver.memcpyDtoHAsync(a, 4, stream);
    expectHal(() => rb.take(), StatusCode.FAILED_PRECONDITION, 'before its copy completed');
    await drain(driver, stream);
    expect(u32(rb.take())[0]).toBe(77);
    rb.release();
    rb.release();
    expectHal(() => rb.take(), StatusCode.FAILED_PRECONDITION, 'after release');
    driver.memFree(a);
  });

  it('sample kernels from HIP-C source: bindings then 32-bit constants', async () => {
    const n = 1000;
    const a = driver.memAlloc(n * 4);
    const b = driver.memAlloc(n * 4);
    const c = driver.memAlloc(n * 4);
    driver.launchKernel(launch('fill_u32', n, [a], [5, n]), stream);
    driver.launchKernel(launch('fill_u32', n, [b], [0xfffffffe, n]), stream);
    driver.launchKernel(launch('add_i32', n, [a, b, c], [n]), stream);
    driver.launchKernel(launch('scale_i32', n, [c], [3, n - 1]), stream);
    const out = u32(await read(c, n * 4));
    expect(out[0]).toBe(9); // (5 + -2) * 3
    expect(out[n - 2]).toBe(9);
    expect(out[n - 1]).toBe(3); // outside count n-1: not scaled
    // histogram_u8 uses 1024 bytes of dynamic shared memory.
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => i % 7);
    const src = driver.memAlloc(bytes.length);
    const bins = driver.memAlloc(1024);
    driver.memcpyHtoDAsync(src, bytes, stream);
    driver.memsetAsync({ dst: bins, value: 0, elementSize: 4, count: 256 }, stream);
    driver.launchKernel(launch('histogram_u8', bytes.length, [src, bins], [bytes.length], { sharedMemoryBytes: 1024 }), stream);
    const hist = u32(await read(bins, 1024));
    expect([...hist.subarray(0, 8)]).toEqual([586, 585, 585, 585, 585, 585, 585, 0]);
    for (const p of [a, b, c, src, bins]) driver.memFree(p);
  });

  it('zero workgroups is a no-op; indirect dispatch is UNIMPLEMENTED; missing function is NOT_FOUND', () => {
    const a = driver.memAlloc(4);
    driver.launchKernel({ ...launch('fill_u32', 1, [a], [1, 1]), workgroupCount: [0, 1, 1] }, stream);
    expectHal(() => driver.launchKernel({ ...launch('fill_u32', 1, [a], [1, 1]), indirectWorkgroupCount: a }, stream), StatusCode.UNIMPLEMENTED, 'indirect');
    expectHal(() => driver.moduleGetFunction(samples, 'no_such_kernel'), StatusCode.NOT_FOUND, "module 'samples' has no function 'no_such_kernel'");
    driver.memFree(a);
  });

  it("formats of another platform or backend are UNIMPLEMENTED, naming the format", () => {
    const other = driver.info.platform === 'nvidia' ? 'amdgcn' : 'ptx';
    expectHal(() => driver.moduleLoad({ format: other, bytes: new Uint8Array(8), source: 'x', label: 'foreign' }), StatusCode.UNIMPLEMENTED, `'${other}'`);
    expectHal(() => driver.moduleLoad({ format: 'sim-wasm', bytes: new Uint8Array(8), label: 'wasm' }), StatusCode.UNIMPLEMENTED, "format 'sim-wasm'");
    expect(driver.outstanding().modules).toBe(2); // samples + spin: nothing was created by the rejected loads
  });

  it('PTX modules load through the driver JIT', async () => {
    if (driver.info.platform !== 'nvidia') return;
    const m = driver.moduleLoad({ format: 'ptx', source: PTX_FILL, label: 'ptx-fill' });
    const a = driver.memAlloc(256);
    driver.launchKernel({ fn: driver.moduleGetFunction(m, 'ptx_fill'), workgroupCount: [1, 1, 1], workgroupSize: [64, 1, 1], sharedMemoryBytes: 0, bindings: [{ ptr: a, byteLength: 256 }], constants: Uint32Array.of(42) }, stream);
    expect([...u32(await read(a, 256))].every((v) => v === 42)).toBe(true);
    driver.memFree(a);
    driver.moduleUnload(m);
    expectHal(() => driver.moduleLoad({ format: 'ptx', source: '.version 7.0\n garbage', label: 'bad-ptx' }), StatusCode.INVALID_ARGUMENT, "module 'bad-ptx'");
  });

  it('events: query, cross-stream waits order work, and a never-recorded event is refused', async () => {
    const other = driver.streamCreate();
    const e = driver.eventCreate();
    const fresh = driver.eventCreate();
    expect(driver.eventQuery(fresh)).toBe(true); // as in HIP/CUDA: never recorded counts as complete
    expectHal(() => driver.streamWaitEvent(other, fresh), StatusCode.FAILED_PRECONDITION, 'never recorded');
    const a = driver.memAlloc(4);
    const b = driver.memAlloc(4);
    driver.memsetAsync({ dst: a, value: 0, elementSize: 4, count: 1 }, stream);
    driver.launchKernel(launch('spin_then_store', 1, [a], [1234, 100_000_000]), stream); // 100 ms, then a = 1234
    driver.eventRecord(e, stream);
    expect(driver.eventQuery(e)).toBe(false);
    driver.streamWaitEvent(other, e);
    driver.memcpyDtoDAsync({ dst: b, src: a, byteLength: 4 }, other);
    expect(driver.streamQuery(other)).toBe(false);
    const out = u32(await read(b, 4, other));
    expect(out[0]).toBe(1234);
    expect(driver.eventQuery(e)).toBe(true);
    await driver.streamSynchronize(stream);
    expect(driver.streamQuery(stream)).toBe(true);
    for (const p of [a, b]) driver.memFree(p);
    driver.eventDestroy(e);
    driver.eventDestroy(fresh);
    driver.streamDestroy(other);
    expectHal(() => driver.eventQuery(e), StatusCode.INVALID_ARGUMENT, 'already destroyed');
  });

  it('graphs: memset → kernel → memcpy with a join node, launched twice', async () => {
    const n = 256;
    const a = driver.memAlloc(n * 4);
    const b = driver.memAlloc(n * 4);
    const g = driver.graphCreate();
    const set = driver.graphAddMemsetNode(g, [], { dst: a, value: 1, elementSize: 4, count: n });
    const scale = driver.graphAddKernelNode(g, [set], launch('scale_i32', n, [a], [7, n]));
    const noop = driver.graphAddKernelNode(g, [set], { ...launch('scale_i32', n, [a], [0, n]), workgroupCount: [0, 1, 1] });
    const join = driver.graphAddEmptyNode(g, [scale, noop]);
    driver.graphAddMemcpyNode(g, [join], { dst: b, src: a, byteLength: n * 4 });
    const exec = driver.graphInstantiate(g);
    driver.memsetAsync({ dst: b, value: 0, elementSize: 4, count: n }, stream);
    driver.graphLaunch(exec, stream);
    expect([...u32(await read(b, n * 4))].every((v) => v === 7)).toBe(true);
    driver.memsetAsync({ dst: b, value: 0, elementSize: 4, count: n }, stream);
    driver.graphLaunch(exec, stream);
    expect([...u32(await read(b, n * 4))].every((v) => v === 7)).toBe(true);
    const other = driver.graphCreate();
    expectHal(() => driver.graphAddEmptyNode(other, [set]), StatusCode.INVALID_ARGUMENT, 'node of another graph');
    driver.graphDestroy(other);
    driver.graphExecDestroy(exec);
    driver.graphDestroy(g);
    driver.memFree(a);
    driver.memFree(b);
  });

  it('stream-ordered alloc/free (or its ordered fallback)', async () => {
    const p = driver.memAllocAsync(1 << 20, stream);
    driver.memsetAsync({ dst: p, value: 9, elementSize: 4, count: 4 }, stream);
    const rb = driver.memcpyDtoHAsync(p, 16, stream);
    driver.memFreeAsync(p, stream);
    await drain(driver, stream);
    expect([...u32(rb.take())]).toEqual([9, 9, 9, 9]);
    rb.release();
    expect(driver.outstanding().allocations).toBe(0);
  });

  it('the ordered fallback for stream-ordered allocation (a device without memory pools) frees after the stream passes', async () => {
    const { initPlatform } = await import('../../../../src/backends/hip/provider.js');
    const { HipDriver } = await import('../../../../src/backends/hip/driver.js');
    const { api } = initPlatform(driver.info.platform as 'amd' | 'nvidia');
    const fallback = new HipDriver(api, 0, { ...api.openDevice(0), memoryPools: false });
    expect(fallback.info.streamOrderedAllocation).toBe(false);
    expect(fallback.info.details.streamOrderedAllocation).toMatch(/memFreeAsync frees once the stream passes it/);
    const s = fallback.streamCreate();
    const m = fallback.moduleLoad({ format: 'hip-source', source: SPIN_SOURCE, label: 'spin' });
    const p = fallback.memAllocAsync(4096, s);
    // The kernel still writes p for 50 ms after memFreeAsync returns: the fallback must not free it before then.
    fallback.launchKernel({ fn: fallback.moduleGetFunction(m, 'spin_then_store'), workgroupCount: [1, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0, bindings: [{ ptr: p, byteLength: 4 }], constants: Uint32Array.of(5, 50_000_000) }, s);
    fallback.memFreeAsync(p, s);
    expect(fallback.outstanding().allocations).toBe(0);
    await fallback.streamSynchronize(s);
    await fallback.nextProgress(); // the deferred free runs on a progress tick
    // Destroying with live objects releases them and reports the leak.
    expectHal(() => fallback.destroy(), StatusCode.FAILED_PRECONDITION, 'live objects (now released): 1 streams, 1 modules');
    expect(fallback.outstanding()).toEqual({ streams: 0, events: 0, graphs: 0, graphExecs: 0, modules: 0, allocations: 0, timers: 0 });
    expect(() => fallback.destroy()).not.toThrow(); // idempotent
    expectHal(() => fallback.streamCreate(), StatusCode.FAILED_PRECONDITION, 'destroyed');
  });

  it('timers fire on a ns deadline and clearTimer cancels', async () => {
    let fired = 0n;
    const deadline = driver.now() + 2_000_000n;
    await new Promise<void>((resolve) => driver.setTimer(deadline, () => ((fired = driver.now()), resolve())));
    expect(fired >= deadline).toBe(true);
    let cancelled = false;
    const t = driver.setTimer(driver.now() + 1_000_000n, () => (cancelled = true));
    driver.clearTimer(t);
    driver.clearTimer(t);
    await new Promise((r) => setTimeout(r, 5));
    expect(cancelled).toBe(false);
    expect(driver.outstanding().timers).toBe(0);
  });

  it('1 GiB fill and copy complete, and polling never blocks the event loop', async () => {
    const size = 1 << 30;
    const a = driver.memAlloc(size);
    const b = driver.memAlloc(size);
    const flag = driver.memAlloc(4);
    driver.memsetAsync({ dst: a, value: 0x5a5a5a5a, elementSize: 4, count: size / 4 }, stream);
    driver.memcpyDtoDAsync({ dst: b, src: a, byteLength: size }, stream);
    driver.launchKernel(launch('spin_then_store', 1, [flag], [1, 50_000_000]), stream); // then 50 ms of device time
    // A 1 ms interval counts the ticks it gets while the wait is still pending: with the event loop blocked by the
    // poll it would get none before completion. Counts only, no wall-clock bounds (poll latency is measured in
    // bench/hip: launch + event-poll round trip).
    let pending = true;
    let ticksWhilePending = 0;
    const ticker = setInterval(() => {
      if (pending) ticksWhilePending++;
    }, 1);
    const e = driver.eventCreate();
    driver.eventRecord(e, stream);
    let polls = 0;
    await until(driver, () => (polls++, driver.eventQuery(e)));
    pending = false;
    clearInterval(ticker);
    console.log(`[gpu] ${polls} polls; a 1 ms interval ticked ${ticksWhilePending} times while fill+copy+spin was pending`);
    expect(polls).toBeGreaterThan(1); // the 50 ms spin was not complete at the first query
    expect(ticksWhilePending).toBeGreaterThanOrEqual(1); // timers kept running while the driver polled
    const tail = u32(await read(b + size - 16, 16));
    expect([...tail]).toEqual([0x5a5a5a5a, 0x5a5a5a5a, 0x5a5a5a5a, 0x5a5a5a5a]);
    driver.eventDestroy(e);
    for (const p of [a, b, flag]) driver.memFree(p);
  });
});
