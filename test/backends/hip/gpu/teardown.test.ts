// destroy() with a kernel still running: the driver waits for the device before it frees memory and unloads
// modules, so the kernel's late store can land neither in memory the next driver of this process is given (the
// primary context and its memory pool outlive a driver) nor anywhere else. Its own file (own process), so nothing
// else shares the context while it runs. (cuModuleUnload itself waits for a running kernel of its module on CUDA 13,
// so the kernel tests guard the order; the memset test shows the hazard: without the wait it faults.)
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../../src/core/errors.js';
import { sampleHipSource } from '../../../../src/kernels/hip_source.js';
import type { DevicePtr, DriverModule, DriverStream, GpuDriver } from '../../../../src/core/driver.js';
import { drain, expectHal, GPU_ENABLED, GPU_NOTE, openGpu, SPIN_SOURCE } from '../../../helpers/hip_gpu.js';

const SPIN_NS = 500_000_000; // 0.5 s of device time: still running when destroy() is called
const MARK = 0xdead0001;
const WORDS = 1 << 16;

/** One thread that spins for `ns` of device time, then stores `value` at `ptr`. */
function spinThenStore(driver: GpuDriver, stream: DriverStream, spin: DriverModule, ptr: DevicePtr, value: number, ns: number): void {
  driver.launchKernel(
    { fn: driver.moduleGetFunction(spin, 'spin_then_store'), workgroupCount: [1, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0, bindings: [{ ptr, byteLength: 4 }], constants: Uint32Array.of(value, ns) },
    stream,
  );
}

async function readWords(driver: GpuDriver, stream: DriverStream, ptr: DevicePtr, words: number): Promise<Uint32Array> {
  const rb = driver.memcpyDtoHAsync(ptr, words * 4, stream);
  await drain(driver, stream);
  const bytes = rb.take();
  rb.release();
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

describe.skipIf(!GPU_ENABLED)(`hip driver teardown with work in flight${GPU_NOTE}`, () => {
  it('destroy() waits for a running kernel; the next device of the process gets intact memory and works', async () => {
    const first = await openGpu();
    const stream = first.streamCreate();
    const spin = first.moduleLoad({ format: 'hip-source', source: SPIN_SOURCE, label: 'spin' });
    // Stream-ordered memory where the device has pools: cuMemFree / hipFree of it does not wait for running work.
    const target = first.info.streamOrderedAllocation ? first.memAllocAsync(WORDS * 4, stream) : first.memAlloc(WORDS * 4);
    const plain = first.memAlloc(WORDS * 4);
    spinThenStore(first, stream, spin, target, MARK, SPIN_NS);
    spinThenStore(first, stream, spin, plain, MARK, 1_000);
    expect(first.streamQuery(stream)).toBe(false); // the kernel is running
    // Everything is still live: destroy releases it all (reporting the leak) after the device finished the kernel.
    expectHal(() => first.destroy(), StatusCode.FAILED_PRECONDITION, 'live objects (now released): 1 streams, 1 modules, 2 allocations');
    expect(first.outstanding()).toEqual({ streams: 0, events: 0, graphs: 0, graphExecs: 0, modules: 0, allocations: 0, timers: 0 });

    // The next device of this process: same primary context, same memory pool, so likely the same addresses.
    const second = await openGpu();
    const s2 = second.streamCreate();
    const samples = second.moduleLoad({ format: 'hip-source', source: sampleHipSource, label: 'samples' });
    const a = second.info.streamOrderedAllocation ? second.memAllocAsync(WORDS * 4, s2) : second.memAlloc(WORDS * 4);
    const b = second.memAlloc(WORDS * 4);
    console.log(`[gpu] freed 0x${target.toString(16)} / 0x${plain.toString(16)}; the next driver got 0x${a.toString(16)} / 0x${b.toString(16)}`);
    for (const p of [a, b]) {
      second.memsetAsync({ dst: p, value: 0, elementSize: 4, count: WORDS }, s2);
      second.launchKernel(
        { fn: second.moduleGetFunction(samples, 'fill_u32'), workgroupCount: [WORDS / 64, 1, 1], workgroupSize: [64, 1, 1], sharedMemoryBytes: 0, bindings: [{ ptr: p, byteLength: WORDS * 4 }], constants: Uint32Array.of(7, WORDS) },
        s2,
      );
    }
    await drain(second, s2);
    // Had the first kernel outlived destroy(), its store of MARK (at the end of its 0.5 s spin) would land here now.
    const spinAgain = second.moduleLoad({ format: 'hip-source', source: SPIN_SOURCE, label: 'spin' });
    const marker = second.memAlloc(4);
    spinThenStore(second, s2, spinAgain, marker, 1, SPIN_NS);
    await drain(second, s2); // another 0.5 s of device time has passed
    for (const p of [a, b]) {
      const words = await readWords(second, s2, p, WORDS);
      expect(words.length).toBe(WORDS);
      expect(words.findIndex((w) => w !== 7)).toBe(-1);
    }
    expect((await readWords(second, s2, marker, 1))[0]).toBe(1);
    if (second.info.streamOrderedAllocation) second.memFreeAsync(a, s2);
    else second.memFree(a);
    second.memFree(b);
    second.memFree(marker);
    second.moduleUnload(samples);
    second.moduleUnload(spinAgain);
    await drain(second, s2);
    second.streamDestroy(s2);
    expect(second.outstanding()).toEqual({ streams: 0, events: 0, graphs: 0, graphExecs: 0, modules: 0, allocations: 0, timers: 0 });
    second.destroy();
  }, 60_000);

  it('a destroyed stream whose kernel still runs is waited for too', async () => {
    const driver = await openGpu();
    const stream = driver.streamCreate();
    const spin = driver.moduleLoad({ format: 'hip-source', source: SPIN_SOURCE, label: 'spin' });
    const target = driver.memAlloc(4);
    spinThenStore(driver, stream, spin, target, MARK, SPIN_NS);
    driver.streamDestroy(stream); // the library lets the work finish after the handle is gone
    expectHal(() => driver.destroy(), StatusCode.FAILED_PRECONDITION, 'live objects (now released): 1 modules, 1 allocations');
    // A fresh driver works, and the word it is given keeps what it wrote past the old kernel's store time.
    const next = await openGpu();
    const s = next.streamCreate();
    const spinAgain = next.moduleLoad({ format: 'hip-source', source: SPIN_SOURCE, label: 'spin' });
    const p = next.memAlloc(4);
    const marker = next.memAlloc(4);
    console.log(`[gpu] freed 0x${target.toString(16)}; the next driver got 0x${p.toString(16)}`);
    next.memsetAsync({ dst: p, value: 3, elementSize: 4, count: 1 }, s);
    spinThenStore(next, s, spinAgain, marker, 1, SPIN_NS);
    await drain(next, s);
    expect((await readWords(next, s, p, 1))[0]).toBe(3);
    expect((await readWords(next, s, marker, 1))[0]).toBe(1);
    next.memFree(p);
    next.memFree(marker);
    next.moduleUnload(spinAgain);
    next.streamDestroy(s);
    next.destroy();
  }, 60_000);

  // Last in the file: without the wait the old memsets hit freed pool memory, an illegal-address fault that breaks
  // the context for everything after it in this process (seen on an H200, CUDA 13.0 driver 580).
  it('destroy() waits for memsets still writing stream-ordered memory (no module unload that would wait too)', async () => {
    const first = await openGpu();
    if (!first.info.streamOrderedAllocation) {
      first.destroy();
      console.log('[gpu] no stream-ordered allocation on this device: nothing to check');
      return;
    }
    const stream = first.streamCreate();
    const bytes = 1 << 30;
    const p = first.memAllocAsync(bytes, stream);
    // Many passes of 1 GiB memsets (tens of milliseconds): still writing when destroy() frees p.
    for (let i = 0; i < 200; i++) first.memsetAsync({ dst: p, value: 0xaa, elementSize: 1, count: bytes }, stream);
    expect(first.streamQuery(stream)).toBe(false);
    expectHal(() => first.destroy(), StatusCode.FAILED_PRECONDITION, 'live objects (now released): 1 streams, 1 allocations');

    const second = await openGpu();
    const s = second.streamCreate();
    const q = second.memAllocAsync(bytes, s);
    console.log(`[gpu] freed 0x${p.toString(16)} while memsets were queued; the next driver got 0x${q.toString(16)}`);
    second.memsetAsync({ dst: q, value: 0x55, elementSize: 1, count: bytes }, s);
    await drain(second, s);
    // Had destroy() not waited, the old stream's queued memsets would still be writing 0xaa over q now.
    const head = await readWords(second, s, q, (64 << 20) / 4);
    expect(head.findIndex((w) => w !== 0x55555555)).toBe(-1);
    second.memFreeAsync(q, s);
    await drain(second, s);
    second.streamDestroy(s);
    second.destroy();
  }, 60_000);
});
