import { describe, it, expect } from 'vitest';
import { HalError, StatusCode } from '../../../src/core/errors.js';
import type { KernelLaunch } from '../../../src/core/driver.js';
import { makeDriver, expectHalError, expectRejects, loadTesting, readBack, upload, u32Bytes, asU32, expectNothingOutstanding } from '../../helpers/sim.js';
import { withDataSegment, withoutMemoryImport, withStrayImport, withStart, minimalKernel } from '../../helpers/wasm_bytes.js';

const launch = (fn: KernelLaunch['fn'], count: [number, number, number], size: [number, number, number], bindings: { ptr: number; byteLength: number }[], constants: number[] = [], sharedMemoryBytes = 0): KernelLaunch =>
  ({ fn, workgroupCount: count, workgroupSize: size, sharedMemoryBytes, bindings, constants: new Uint32Array(constants) });

describe('sim kernels: dispatch', () => {
  it('add_u32 matches a plain-TS reference (partial last workgroup)', async () => {
    const d = makeDriver();
    const { module, fn } = loadTesting(d);
    const n = 1000;
    const a = Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 0);
    const b = Array.from({ length: n }, (_, i) => (i * 40503 + 17) >>> 0);
    const pa = d.memAlloc(n * 4);
    const pb = d.memAlloc(n * 4);
    const pc = d.memAlloc(n * 4);
    await upload(d, pa, u32Bytes(a));
    await upload(d, pb, u32Bytes(b));
    const s = d.streamCreate();
    d.launchKernel(launch(fn('add_u32'), [Math.ceil(n / 64), 1, 1], [64, 1, 1],
      [{ ptr: pa, byteLength: n * 4 }, { ptr: pb, byteLength: n * 4 }, { ptr: pc, byteLength: n * 4 }], [n]), s);
    await d.streamSynchronize(s);
    const expected = a.map((x, i) => (x + b[i]!) >>> 0);
    expect([...asU32(await readBack(d, pc, n * 4))]).toEqual(expected);
    const entry = d.eventLog().find((e) => e.op === 'kernel')!;
    // Cost model: launch overhead + ceil(16 workgroups / 64 units) waves × 500 ns.
    expect(entry.end - entry.start).toBe(2000 + 500);
    d.streamDestroy(s);
    for (const p of [pa, pb, pc]) d.memFree(p);
    d.moduleUnload(module);
    expectNothingOutstanding(d);
    d.destroy();
  });

  it('dispatches every workgroup of a 3-D grid exactly once, and zero workgroups is a no-op that still orders', async () => {
    const d = makeDriver();
    const { module, fn } = loadTesting(d);
    const [x, y, z] = [5, 3, 4];
    const out = d.memAlloc(x * y * z * 4);
    const s = d.streamCreate();
    d.memsetAsync({ dst: out, value: 0, elementSize: 4, count: x * y * z }, s);
    d.launchKernel(launch(fn('workgroup_ids'), [x, y, z], [1, 1, 1], [{ ptr: out, byteLength: x * y * z * 4 }]), s);
    d.launchKernel(launch(fn('workgroup_ids'), [0, 7, 1], [1, 1, 1], [{ ptr: out, byteLength: 4 }]), s);
    await d.streamSynchronize(s);
    const expected: number[] = [];
    for (let k = 0; k < z; k++) for (let j = 0; j < y; j++) for (let i = 0; i < x; i++) expected.push(i + 1000 * j + 1000000 * k + 1);
    expect([...asU32(await readBack(d, out, x * y * z * 4))]).toEqual(expected);
    expect(d.eventLog().filter((e) => e.op === 'kernel').map((e) => e.status)).toEqual(['ok', 'ok']);
    d.streamDestroy(s);
    d.memFree(out);
    d.moduleUnload(module);
    d.destroy();
  });

  it('gives every workgroup zeroed shared scratch of the declared size', async () => {
    const d = makeDriver();
    const { module, fn } = loadTesting(d);
    const out = d.memAlloc(4 * 2 * 4);
    const s = d.streamCreate();
    d.launchKernel(launch(fn('shared_probe'), [4, 1, 1], [1, 1, 1], [{ ptr: out, byteLength: 32 }], [], 256), s);
    await d.streamSynchronize(s);
    // Each workgroup found its scratch zero (sum 0) even though the previous one filled it with 0xdeadbeef.
    expect([...asU32(await readBack(d, out, 32))]).toEqual([0, 256, 0, 256, 0, 256, 0, 256]);
    d.streamDestroy(s);
    d.memFree(out);
    d.moduleUnload(module);
    d.destroy();
  });

  it('indirect dispatch reads the workgroup counts from device memory when the launch runs', async () => {
    const d = makeDriver();
    expect(d.info.indirectDispatch).toBe(true);
    const { module, fn } = loadTesting(d);
    const counts = d.memAlloc(12);
    const out = d.memAlloc(64 * 4);
    const s = d.streamCreate();
    d.memsetAsync({ dst: out, value: 0, elementSize: 4, count: 64 }, s);
    d.memcpyHtoDAsync(counts, u32Bytes([3, 2, 1]), s);
    d.launchKernel({ ...launch(fn('workgroup_ids'), [0, 0, 0], [1, 1, 1], [{ ptr: out, byteLength: 256 }]), indirectWorkgroupCount: counts }, s);
    d.memcpyHtoDAsync(counts, u32Bytes([1, 1, 70000]), s);
    const e = d.eventCreate();
    d.launchKernel({ ...launch(fn('workgroup_ids'), [0, 0, 0], [1, 1, 1], [{ ptr: out, byteLength: 256 }]), indirectWorkgroupCount: counts }, s);
    d.eventRecord(e, s);
    while (!(() => { try { return d.eventQuery(e); } catch { return true; } })()) await d.nextProgress();
    const err = expectHalError(() => d.eventQuery(e), StatusCode.INTERNAL, 'workgroup_ids', 'indirect workgroup counts 1×1×70000');
    expect(err.driver).toMatchObject({ api: 'sim', name: 'SIM_KERNEL_FAULT', number: 4 });
    expect([...asU32(await readBack(d, out, 6 * 4))]).toEqual([1, 2, 3, 1001, 1002, 1003]);
    d.eventDestroy(e);
    d.streamDestroy(s);
    d.memFree(out);
    d.memFree(counts);
    d.moduleUnload(module);
    d.destroy();
  });

  it('validates launches at enqueue time', () => {
    const d = makeDriver({ mode: 'manual' });
    const { module, fn } = loadTesting(d);
    const s = d.streamCreate();
    const p = d.memAlloc(64);
    const k = fn('workgroup_ids');
    expectHalError(() => d.launchKernel(launch(k, [1, 1, 1], [1, 1, 1], [{ ptr: p, byteLength: 65 }]), s), StatusCode.OUT_OF_RANGE, 'launchKernel bindings[0] range');
    expectHalError(() => d.launchKernel(launch(k, [1, 1, 1], [2048, 1, 1], []), s), StatusCode.INVALID_ARGUMENT, 'workgroupSize[0]');
    expectHalError(() => d.launchKernel(launch(k, [1, 1, 1], [64, 64, 1], []), s), StatusCode.INVALID_ARGUMENT, '4096 invocations');
    expectHalError(() => d.launchKernel(launch(k, [1, 70000, 1], [1, 1, 1], []), s), StatusCode.INVALID_ARGUMENT, 'workgroupCount[1]');
    expectHalError(() => d.launchKernel(launch(k, [1, 1, 1], [1, 1, 1], [], [], 1 << 20), s), StatusCode.INVALID_ARGUMENT, 'sharedMemoryBytes');
    expect(d.streamQuery(s)).toBe(true);
    d.memFree(p);
    d.streamDestroy(s);
    d.moduleUnload(module);
    d.destroy();
  });
});

describe('sim kernels: faults', () => {
  it('an out-of-bounds kernel faults naming the entry point, binding, offset and length; nothing else is corrupted', async () => {
    const d = makeDriver();
    const { module, fn } = loadTesting(d);
    const before = d.memAlloc(256);
    const target = d.memAlloc(32);
    const after = d.memAlloc(256);
    const s = d.streamCreate();
    const other = d.streamCreate();
    const e = d.eventCreate();
    d.memsetAsync({ dst: before, value: 0xa5, elementSize: 1, count: 256 }, s);
    d.memsetAsync({ dst: after, value: 0x5a, elementSize: 1, count: 256 }, s);
    d.memsetAsync({ dst: target, value: 0, elementSize: 4, count: 8 }, s);
    // Workgroup 3 stores element 8 of an 8-element binding: out of bounds.
    d.launchKernel(launch(fn('store_at'), [8, 1, 1], [1, 1, 1], [{ ptr: target, byteLength: 32 }], [3, 8]), s);
    d.memsetAsync({ dst: target, value: 0xee, elementSize: 1, count: 32 }, s); // skipped: the stream is poisoned
    d.eventRecord(e, s);
    while (!(() => { try { return d.eventQuery(e); } catch { return true; } })()) await d.nextProgress();
    const error = expectHalError(() => d.eventQuery(e), StatusCode.INTERNAL, "entry point 'store_at'", 'binding 0', 'byte offset 32', 'length 4', 'workgroup (3, 0, 0)');
    expect(error.driver).toMatchObject({ api: 'sim', name: 'SIM_KERNEL_FAULT', number: 1 });
    // Every query throws the same original error until the event is recorded again.
    expect(() => d.eventQuery(e)).toThrow(error);
    // Workgroups 0..2 ran, the dispatch stopped at 3, the poisoned memset was skipped.
    expect([...asU32(await readBack(d, target, 32))]).toEqual([1, 2, 3, 0, 0, 0, 0, 0]);
    expect((await readBack(d, before, 256)).every((b) => b === 0xa5)).toBe(true);
    expect((await readBack(d, after, 256)).every((b) => b === 0x5a)).toBe(true);
    expect(d.eventLog().filter((x) => x.stream === 1).map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'failed', 'skipped', 'ok']);
    expect(d.heapStats().integrity).toBe(0);
    // Other streams are unaffected, and after the record the faulted stream is healthy again.
    d.memsetAsync({ dst: target, value: 7, elementSize: 4, count: 8 }, other);
    await d.streamSynchronize(other);
    expect([...asU32(await readBack(d, target, 32))]).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
    d.memsetAsync({ dst: target, value: 9, elementSize: 4, count: 1 }, s);
    d.eventRecord(e, s);
    await d.streamSynchronize(s);
    expect(d.eventQuery(e)).toBe(true);
    expect(asU32(await readBack(d, target, 4))[0]).toBe(9);
    d.eventDestroy(e);
    d.streamDestroy(s);
    d.streamDestroy(other);
    for (const p of [before, target, after]) d.memFree(p);
    d.moduleUnload(module);
    expectNothingOutstanding(d);
    d.destroy();
  });

  it('a wait on a faulted capture poisons the waiting stream with the same error; streamSynchronize rejects', async () => {
    const d = makeDriver();
    const { module, fn } = loadTesting(d);
    const p = d.memAlloc(4);
    const a = d.streamCreate();
    const b = d.streamCreate();
    const ea = d.eventCreate();
    const eb = d.eventCreate();
    d.launchKernel(launch(fn('missing_binding'), [1, 1, 1], [1, 1, 1], [{ ptr: p, byteLength: 4 }]), a);
    d.eventRecord(ea, a);
    d.streamWaitEvent(b, ea);
    d.memsetAsync({ dst: p, value: 1, elementSize: 4, count: 1 }, b);
    d.eventRecord(eb, b);
    const original = await expectRejects(d.streamSynchronize(b), StatusCode.INTERNAL, 'missing_binding', 'binding 7', 'has 1 binding');
    expect(original.driver?.number).toBe(2);
    expect(() => d.eventQuery(ea)).toThrow(original);
    expect(() => d.eventQuery(eb)).toThrow(original);
    expect(d.eventLog().filter((x) => x.stream === 2).map((x) => `${x.op}:${x.status}`)).toEqual(['wait:failed', 'memset:skipped', 'record:ok']);
    for (const e of [ea, eb]) d.eventDestroy(e);
    d.streamDestroy(a);
    d.streamDestroy(b);
    d.memFree(p);
    d.moduleUnload(module);
    d.destroy();
  });

  it('a poisoned stream still runs its stream-ordered frees, so a fault never leaks memory', async () => {
    const d = makeDriver();
    const { module, fn } = loadTesting(d);
    const s = d.streamCreate();
    const free0 = d.heapStats().freeBytes;
    const p = d.memAllocAsync(1 << 16, s);
    d.launchKernel(launch(fn('trap'), [1, 1, 1], [1, 1, 1], []), s);
    d.memsetAsync({ dst: p, value: 1, elementSize: 1, count: 1 << 16 }, s);
    d.memFreeAsync(p, s);
    await expectRejects(d.streamSynchronize(s), StatusCode.INTERNAL, 'trap');
    expect(d.eventLog().map((e) => `${e.op}:${e.status}`)).toEqual(['alloc:ok', 'kernel:failed', 'memset:skipped', 'free:ok']);
    expect(d.outstanding().allocations).toBe(0);
    expect(d.heapStats().freeBytes).toBe(free0);
    d.streamDestroy(s);
    d.moduleUnload(module);
    d.destroy();
  });

  it('a trapping kernel becomes a fault, not a crash', async () => {
    const d = makeDriver();
    const { module, fn } = loadTesting(d);
    const s = d.streamCreate();
    d.launchKernel(launch(fn('trap'), [2, 1, 1], [1, 1, 1], []), s);
    const error = await expectRejects(d.streamSynchronize(s), StatusCode.INTERNAL, "entry point 'trap'", 'trap', 'workgroup (0, 0, 0)');
    expect(error.driver).toMatchObject({ name: 'SIM_KERNEL_FAULT', number: 5 });
    d.streamDestroy(s);
    d.moduleUnload(module);
    d.destroy();
  });
});

describe('sim kernels: modules', () => {
  it('rejects modules with a data segment, without env.memory, with other imports or a start function', () => {
    const d = makeDriver();
    expectHalError(() => d.moduleLoad({ format: 'sim-wasm', bytes: withDataSegment, label: 'data.wasm' }), StatusCode.INVALID_ARGUMENT, 'data.wasm', '1 data segment');
    expectHalError(() => d.moduleLoad({ format: 'sim-wasm', bytes: withoutMemoryImport }), StatusCode.INVALID_ARGUMENT, 'does not import env.memory');
    expectHalError(() => d.moduleLoad({ format: 'sim-wasm', bytes: withStrayImport }), StatusCode.INVALID_ARGUMENT, 'env.print');
    expectHalError(() => d.moduleLoad({ format: 'sim-wasm', bytes: withStart }), StatusCode.INVALID_ARGUMENT, 'start function');
    expectHalError(() => d.moduleLoad({ format: 'sim-wasm', bytes: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]) }), StatusCode.INVALID_ARGUMENT, 'not a valid WebAssembly module');
    expectHalError(() => d.moduleLoad({ format: 'ptx', source: '' }), StatusCode.INVALID_ARGUMENT, "format 'ptx'");
    expect(d.outstanding().modules).toBe(0);
    const ok = d.moduleLoad({ format: 'sim-wasm', bytes: minimalKernel });
    expect(d.moduleGetFunction(ok, 'k')).toBeDefined();
    d.moduleUnload(ok);
    d.destroy();
  });

  it('moduleGetFunction: NOT_FOUND for a missing export, INVALID_ARGUMENT for a non-kernel export; unload invalidates', () => {
    const d = makeDriver();
    const { module, fn } = loadTesting(d);
    expectHalError(() => fn('no_such_kernel'), StatusCode.NOT_FOUND, "'no_such_kernel'", 'add_u32');
    expectHalError(() => fn('not_a_kernel'), StatusCode.INVALID_ARGUMENT, 'signature');
    const k = fn('add_u32');
    expect(fn('add_u32')).toBe(k);
    d.moduleUnload(module);
    const s = d.streamCreate();
    expectHalError(() => d.launchKernel(launch(k, [1, 1, 1], [1, 1, 1], []), s), StatusCode.INVALID_ARGUMENT, 'launchKernel launch.fn is a destroyed function');
    expectHalError(() => d.moduleGetFunction(module, 'add_u32'), StatusCode.INVALID_ARGUMENT, 'destroyed module');
    d.streamDestroy(s);
    d.destroy();
  });

  it('many modules and entry points: the function table grows, and unloaded slots are reused correctly', async () => {
    const d = makeDriver();
    const out = d.memAlloc(4);
    const s = d.streamCreate();
    const loaded = Array.from({ length: 30 }, () => loadTesting(d));
    const fns = loaded.flatMap(({ fn }) => ['add_u32', 'workgroup_ids', 'store_at', 'append_digit'].map((n) => fn(n)));
    expect(fns.length).toBe(120);
    for (const m of loaded.slice(0, 29)) d.moduleUnload(m.module);
    const fresh = loadTesting(d);
    // The newest and the last surviving module both dispatch the right kernel.
    for (const { fn } of [fresh, loaded[29]!]) {
      d.memsetAsync({ dst: out, value: 0, elementSize: 4, count: 1 }, s);
      d.launchKernel(launch(fn('append_digit'), [1, 1, 1], [1, 1, 1], [{ ptr: out, byteLength: 4 }], [7]), s);
      await d.streamSynchronize(s);
      expect(asU32(await readBack(d, out, 4))[0]).toBe(7);
    }
    d.moduleUnload(fresh.module);
    d.moduleUnload(loaded[29]!.module);
    d.streamDestroy(s);
    d.memFree(out);
    expectNothingOutstanding(d);
    d.destroy();
  });

  it('a kernel whose module is unloaded before it runs fails instead of calling a dead table slot', async () => {
    const d = makeDriver();
    const { module, fn } = loadTesting(d);
    const p = d.memAlloc(4);
    const s = d.streamCreate();
    d.launchKernel(launch(fn('workgroup_ids'), [1, 1, 1], [1, 1, 1], [{ ptr: p, byteLength: 4 }]), s);
    d.moduleUnload(module);
    await expectRejects(d.streamSynchronize(s), StatusCode.FAILED_PRECONDITION, 'workgroup_ids', 'unloaded');
    d.streamDestroy(s);
    d.memFree(p);
    d.destroy();
    void HalError;
  });
});
