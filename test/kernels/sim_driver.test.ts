// Every sample kernel through the simulator driver, the way the core uses it: a payload of the sample executable →
// prepareModule → moduleLoad → moduleGetFunction → launchKernel on a stream, and as graph kernel nodes, compared
// with the TypeScript references. Both payloads run: the HIP-C source (what the driver picks, served from the build's
// prebuilt images) and the AssemblyScript twins, two independent implementations checked against one reference.
// Also: faults reported through the stream, and graph seeds that may reorder independent kernels without changing
// accumulated results.
import { describe, expect, it } from 'vitest';
import { createSimDriver, type SimDriver } from '../../src/backends/sim/index.js';
import type { DriverFunction, DriverStream, KernelBinding, KernelLaunch, ModuleFormat } from '../../src/core/driver.js';
import { HalError } from '../../src/core/errors.js';
import { findEntryPoint, selectPayload } from '../../src/core/executable_manifest.js';
import { sampleKernelSpec, sampleKernelSpecs, workgroupsFor, type SampleKernelName } from '../../src/kernels/kernel_specs.js';
import { f32Bits } from '../../src/kernels/reference.js';
import { sampleExecutableManifest } from '../../src/kernels/samples.js';
import { expectSameOutputs, randomBytes, randomCase, randomF32Bytes, referenceOutputs } from '../helpers/kernels.js';

const MIB = 1024 * 1024;
const manifest = sampleExecutableManifest();

const inputsFor = randomCase;

/** Opens a driver, loads the sample executable's `format` payload and resolves every entry point. */
async function openSamples(format: ModuleFormat, seed = 1, traceGraphNodes = false): Promise<{ driver: SimDriver; fn: (name: SampleKernelName) => DriverFunction; close(): void }> {
  const driver = createSimDriver({ memoryBytes: 32 * MIB, seed, traceGraphNodes });
  const image = selectPayload(manifest, [format]);
  await driver.prepareModule(image);
  const module = driver.moduleLoad(image);
  const fns = new Map(manifest.entryPoints.map((e) => [e.name, driver.moduleGetFunction(module, e.name)]));
  return {
    driver,
    fn: (name) => fns.get(name)!,
    close: () => {
      driver.moduleUnload(module);
      expect(driver.outstanding()).toEqual({ streams: 0, events: 0, graphs: 0, graphExecs: 0, modules: 0, allocations: 0, timers: 0 });
      driver.destroy();
    },
  };
}

/** Device copies of `inputs`, uploaded on `stream`. */
function uploadAll(driver: SimDriver, stream: DriverStream, inputs: readonly Uint8Array[]): KernelBinding[] {
  return inputs.map((data) => {
    const ptr = driver.memAlloc(Math.max(data.byteLength, 4));
    driver.memcpyHtoDAsync(ptr, data, stream);
    return { ptr, byteLength: data.byteLength };
  });
}

async function downloadAll(driver: SimDriver, stream: DriverStream, bindings: readonly KernelBinding[]): Promise<Uint8Array[]> {
  const readbacks = bindings.map((b) => driver.memcpyDtoHAsync(b.ptr, b.byteLength, stream));
  await driver.streamSynchronize(stream);
  return readbacks.map((r) => {
    const bytes = r.take();
    r.release();
    return bytes;
  });
}

function launchFor(fn: DriverFunction, name: SampleKernelName, bindings: readonly KernelBinding[], constants: readonly number[], count: number): KernelLaunch {
  const entry = findEntryPoint(manifest, name);
  return {
    fn,
    workgroupCount: [workgroupsFor(sampleKernelSpec(name), count), 1, 1],
    workgroupSize: entry.workgroupSize,
    sharedMemoryBytes: entry.sharedMemoryBytes,
    bindings,
    constants: Uint32Array.from(constants, (c) => c >>> 0),
  };
}

it('the sim driver picks the sample executable\'s HIP-C payload', () => {
  const driver = createSimDriver({ memoryBytes: 32 * MIB });
  expect(selectPayload(manifest, driver.info.formats).format).toBe('hip-source');
  driver.destroy();
});

describe.each(['hip-source', 'sim-wasm'] as const)('sample kernels on the sim driver, %s payload', (format) => {

  for (const spec of sampleKernelSpecs) {
    it(`${spec.name} via launchKernel on a stream matches the reference`, async () => {
      const { driver, fn, close } = await openSamples(format);
      const stream = driver.streamCreate();
      for (const count of [1, 5, 257, 4099]) {
        const { inputs, constants } = inputsFor(spec.name, count, 31);
        const bindings = uploadAll(driver, stream, inputs);
        driver.launchKernel(launchFor(fn(spec.name), spec.name, bindings, constants, count), stream);
        const outputs = await downloadAll(driver, stream, bindings);
        expectSameOutputs(expect, outputs, referenceOutputs(spec.name, inputs, constants), `${spec.name} count ${count}`);
        for (const b of bindings) driver.memFree(b.ptr);
      }
      driver.streamDestroy(stream);
      close();
    });

    it(`${spec.name} as a graph kernel node matches the reference, on every replay`, async () => {
      const { driver, fn, close } = await openSamples(format, 7);
      const stream = driver.streamCreate();
      const count = 1000;
      const { inputs, constants } = inputsFor(spec.name, count, 41);
      const bindings = uploadAll(driver, stream, inputs);
      const graph = driver.graphCreate();
      driver.graphAddKernelNode(graph, [], launchFor(fn(spec.name), spec.name, bindings, constants, count));
      const exec = driver.graphInstantiate(graph);
      driver.graphLaunch(exec, stream);
      let expected = referenceOutputs(spec.name, inputs, constants);
      expectSameOutputs(expect, await downloadAll(driver, stream, bindings), expected, `${spec.name} graph`);
      // A second replay applies the kernel again to its own output (in-place and accumulating kernels change).
      driver.graphLaunch(exec, stream);
      expected = referenceOutputs(spec.name, expected, constants);
      expectSameOutputs(expect, await downloadAll(driver, stream, bindings), expected, `${spec.name} graph replay`);
      driver.graphExecDestroy(exec);
      driver.graphDestroy(graph);
      for (const b of bindings) driver.memFree(b.ptr);
      driver.streamDestroy(stream);
      close();
    });
  }

  it('a graph fill → scale → reduce chain computes count * value * k', async () => {
    const { driver, fn, close } = await openSamples(format, 3);
    const stream = driver.streamCreate();
    const count = 3000;
    const [data, sum] = uploadAll(driver, stream, [new Uint8Array(count * 4), new Uint8Array(4)]);
    const graph = driver.graphCreate();
    const fill = driver.graphAddKernelNode(graph, [], launchFor(fn('fill_u32'), 'fill_u32', [data!], [7, count], count));
    const scale = driver.graphAddKernelNode(graph, [fill], launchFor(fn('scale_i32'), 'scale_i32', [data!], [-3, count], count));
    driver.graphAddKernelNode(graph, [scale], launchFor(fn('reduce_sum_u32'), 'reduce_sum_u32', [data!, sum!], [count], count));
    const exec = driver.graphInstantiate(graph);
    driver.graphLaunch(exec, stream);
    const [, total] = await downloadAll(driver, stream, [data!, sum!]);
    expect(new Int32Array(total!.buffer)[0]).toBe(count * 7 * -3);
    driver.graphExecDestroy(exec);
    driver.graphDestroy(graph);
    driver.memFree(data!.ptr);
    driver.memFree(sum!.ptr);
    driver.streamDestroy(stream);
    close();
  });

  it('independent histogram nodes accumulating into one set of bins give the same bins under every seed', async () => {
    const a = randomBytes(5000, 1);
    const b = randomBytes(3001, 2);
    const expected = referenceOutputs('histogram_u8', [b, referenceOutputs('histogram_u8', [a, new Uint8Array(1024)], [a.length])[1]!], [b.length])[1]!;
    const orders = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 99, 12345]) {
      const { driver, fn, close } = await openSamples(format, seed, true);
      const stream = driver.streamCreate();
      const [da, db, bins] = uploadAll(driver, stream, [a, b, new Uint8Array(1024)]);
      const graph = driver.graphCreate();
      driver.graphAddKernelNode(graph, [], launchFor(fn('histogram_u8'), 'histogram_u8', [da!, bins!], [a.length], a.length));
      driver.graphAddKernelNode(graph, [], launchFor(fn('histogram_u8'), 'histogram_u8', [db!, bins!], [b.length], b.length));
      const exec = driver.graphInstantiate(graph);
      driver.graphLaunch(exec, stream);
      const [, , got] = await downloadAll(driver, stream, [da!, db!, bins!]);
      expectSameOutputs(expect, [got!], [expected], `seed ${seed}`);
      for (const entry of driver.eventLog()) if (entry.nodes !== undefined) orders.add(entry.nodes.join(','));
      driver.graphExecDestroy(exec);
      driver.graphDestroy(graph);
      for (const x of [da!, db!, bins!]) driver.memFree(x.ptr);
      driver.streamDestroy(stream);
      close();
    }
    // The seeds really did run the two nodes in both orders, so the equal bins above mean order independence.
    expect([...orders].sort()).toEqual(['0,1', '1,0']);
  });

  it('a kernel given a too-small binding fails the stream with a fault naming the binding, writing nothing outside it', async () => {
    const { driver, fn, close } = await openSamples(format);
    const stream = driver.streamCreate();
    const count = 1030;
    const x = randomF32Bytes(count, 1);
    const y = randomF32Bytes(count, 2);
    // One allocation holding y's short binding (4000 bytes) followed by a sentinel region that must stay intact.
    const [dx] = uploadAll(driver, stream, [x]);
    const region = driver.memAlloc(count * 4 + 256);
    driver.memcpyHtoDAsync(region, y, stream);
    driver.memsetAsync({ dst: region + 4000, value: 0xa5, elementSize: 1, count: count * 4 - 4000 + 256 }, stream);
    await driver.streamSynchronize(stream);
    const shortY: KernelBinding = { ptr: region, byteLength: 4000 };
    driver.launchKernel(launchFor(fn('saxpy_f32'), 'saxpy_f32', [dx!, shortY], [f32Bits(3), count], count), stream);
    let error: unknown;
    try {
      await driver.streamSynchronize(stream);
    } catch (e) {
      error = e;
    }
    expect(HalError.is(error), String(error)).toBe(true);
    const message = (error as HalError).message;
    if (format === 'sim-wasm') {
      // The AssemblyScript kernel checks its workgroup's whole span of y before touching it.
      expect(message).toMatch(/saxpy_f32.*out-of-bounds access to binding 1 at byte offset 3072, length 1024.*workgroup \(3, 0, 0\)/);
    } else {
      // The HIP-C kernel's accesses are checked one by one: the first access (in the seed's thread order) past the
      // end faults, one thread's 4 bytes or, where the thread loop is vectorized, four threads' 16.
      const fault = /saxpy_f32.*out-of-bounds access to binding 1 at byte offset (\d+), length (4|16) \(binding is 4000 bytes.*workgroup \(3, 0, 0\)/.exec(message);
      expect(fault, message).not.toBeNull();
      const offset = Number(fault![1]);
      expect(offset >= 4000 && offset < 4096 && offset % 4 === 0, `offset ${offset}`).toBe(true);
    }
    // On the sim a fault poisons its stream until the next event record, which takes the fault over: the event
    // reports it (eventQuery throws) and later work on the stream runs again.
    const event = driver.eventCreate();
    driver.eventRecord(event, stream);
    let eventError: unknown;
    for (;;) {
      try {
        if (driver.eventQuery(event)) break;
      } catch (e) {
        eventError = e;
        break;
      }
      await driver.nextProgress();
    }
    expect((eventError as HalError | undefined)?.message).toBe((error as HalError).message);
    driver.eventDestroy(event);
    const [after] = await downloadAll(driver, stream, [{ ptr: region, byteLength: count * 4 + 256 }]);
    const expected = referenceOutputs('saxpy_f32', [x, y], [f32Bits(3), 768])[1]!;
    if (format === 'sim-wasm') {
      expectSameOutputs(expect, [after!.subarray(0, 4000)], [expected.subarray(0, 4000)], 'in-bounds part');
    } else {
      // Workgroups 0-2 completed; the faulting workgroup's in-bounds elements are each old or new, never anything else.
      expectSameOutputs(expect, [after!.subarray(0, 3072)], [expected.subarray(0, 3072)], 'completed workgroups');
      const all = referenceOutputs('saxpy_f32', [x, y], [f32Bits(3), count])[1]!;
      const words = (b: Uint8Array) => new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      const [got, old, updated] = [words(after!.subarray(0, 4000)), words(y.subarray(0, 4000)), words(all.subarray(0, 4000))];
      for (let i = 768; i < 1000; i++) expect(got[i] === old[i] || got[i] === updated[i], `element ${i}`).toBe(true);
    }
    expect(after!.subarray(4000).every((v) => v === 0xa5)).toBe(true);
    driver.memFree(dx!.ptr);
    driver.memFree(region);
    driver.streamDestroy(stream);
    close();
  });
});
