// Graph lowering on the simulator: end() surfaces driver errors (reference defect 2) and leaves nothing behind,
// and binding-table command buffers are lowered once per distinct table.
import { describe, expect, it } from 'vitest';
import { HalError } from '../../../src/core/errors.js';
import { Executable } from '../../../src/core/executable.js';
import type { CommandBufferMode } from '../../../src/core/device_context.js';
import { sampleExecutableManifestInput } from '../../../src/kernels/samples.js';
import { type Bench, u32Bytes, withBench } from '../../helpers/fake_context.js';
import { thrownHalError } from '../../helpers/hal_errors.js';

/** Allocates device memory until almost none is left; returns the allocations so the test can free them. */
function exhaustMemory(bench: Bench): number[] {
  const taken: number[] = [];
  for (let chunk = 1 << 22; chunk >= 64; chunk >>= 1) {
    for (;;) {
      try {
        taken.push(bench.driver.memAlloc(chunk));
      } catch (error) {
        expect(HalError.is(error, 'RESOURCE_EXHAUSTED')).toBe(true);
        break;
      }
    }
  }
  return taken;
}

describe('end() surfaces graph errors (reference defect 2)', () => {
  it('throws a failed instantiate and the command buffer cannot be executed', async () => {
    await withBench({ seed: 41, memoryBytes: 4 * 1024 * 1024 }, async (bench) => {
      const target = bench.createBuffer(4096);
      const hog = exhaustMemory(bench);
      const record = () => {
        const cb = bench.commandBuffer();
        cb.begin();
        for (let i = 0; i < 1024; i++) cb.fill({ buffer: target, offset: i * 4, length: 4, pattern: i, patternLength: 4 });
        return cb;
      };
      const failing = record();
      // Nodes were accepted one by one; instantiating needs device memory for the frozen graph, which is gone.
      const error = thrownHalError(() => failing.end());
      expect(error.code).toBe('RESOURCE_EXHAUSTED');
      expect(error.message).toMatch(/graphInstantiate/);
      expect(failing.recordingState).toBe('failed');
      const submit = thrownHalError(() => failing.validateSubmit(undefined));
      expect(submit.code).toBe('FAILED_PRECONDITION');
      expect(submit.message).toMatch(/cannot be executed: its end\(\) failed \(RESOURCE_EXHAUSTED: .*graphInstantiate/);
      expect(bench.driver.outstanding().graphs).toBe(0);
      expect(bench.driver.outstanding().graphExecs).toBe(0);
      failing.destroy();

      for (const ptr of hog) bench.driver.memFree(ptr);
      const working = record();
      working.end();
      await bench.execute(working);
      expect((await bench.readU32(target)).every((v, i) => v === i)).toBe(true);
      working.destroy();
    });
  });

  it('throws a node the driver rejects (sim: shared memory not a multiple of 4) and frees the update staging', async () => {
    await withBench({ seed: 42 }, async (bench) => {
      const m = sampleExecutableManifestInput();
      const odd = { ...m, entryPoints: m.entryPoints.map((e) => (e.name === 'fill_u32' ? { ...e, sharedMemoryBytes: 6 } : e)) };
      const exe = await Executable.create(bench.context, odd);
      const fill = exe.entryPoint('fill_u32');
      const out = bench.createBuffer(1024);
      const before = bench.driver.outstanding().allocations;
      const cb = bench.commandBuffer();
      cb.begin();
      cb.update({ data: u32Bytes([1, 2, 3]), buffer: out });
      cb.executionBarrier();
      cb.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: out }] });
      cb.pushConstants({ layout: fill.layout, values: [1, 256] });
      cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] });
      const error = thrownHalError(() => cb.end());
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/sharedMemoryBytes/);
      expect(bench.driver.outstanding()).toMatchObject({ graphs: 0, graphExecs: 0, allocations: before });
      cb.destroy();
      exe.destroy();
    });
  });
});

describe.each(['graph', 'stream'] as CommandBufferMode[])('binding tables (%s mode)', (mode) => {
  it('resolves slots per execute, for transfers and dispatches', async () => {
    await withBench({ seed: 43, mode }, async (bench) => {
      const exe = await bench.samples();
      const fill = exe.entryPoint('fill_u32');
      const cb = bench.commandBuffer({ bindingCapacity: 3 });
      cb.begin();
      cb.fill({ buffer: { slot: 0 }, offset: 0, length: 64, pattern: 0xaaaaaaaa, patternLength: 4 });
      cb.update({ data: u32Bytes([7, 8]), buffer: { slot: 0 }, offset: 64 });
      cb.executionBarrier();
      cb.copy({ source: { slot: 0 }, sourceOffset: 0, target: { slot: 1 }, targetOffset: 0, length: 72 });
      cb.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: { slot: 2 }, offset: 16 }] });
      cb.pushConstants({ layout: fill.layout, values: [0x55, 4] });
      cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] });
      cb.end();

      const expectedCopy = [...new Array(16).fill(0xaaaaaaaa), 7, 8];
      const buffers = Array.from({ length: 6 }, () => bench.createBuffer(256));
      for (const b of buffers) bench.write(b, new Uint8Array(256));
      const tables = [
        [{ buffer: buffers[0]! }, { buffer: buffers[1]! }, { buffer: buffers[2]! }],
        [{ buffer: buffers[3]!, offset: 128 }, { buffer: buffers[4]!, offset: 64, length: 128 }, { buffer: buffers[5]!, offset: 32, length: 32 }],
      ];
      for (const table of tables) {
        await bench.execute(cb, table);
        await bench.execute(cb, table);
      }
      expect([...(await bench.readU32(buffers[1]!, 0, 72))]).toEqual(expectedCopy);
      expect([...(await bench.readU32(buffers[4]!, 64, 72))]).toEqual(expectedCopy);
      expect([...(await bench.readU32(buffers[3]!, 128, 72))]).toEqual(expectedCopy);
      expect([...(await bench.readU32(buffers[0]!, 128, 16))]).toEqual(new Array(4).fill(0));
      // fill_u32 wrote 4 values at slot 2 + 16: buffers[2][16..32) and buffers[5][48..64).
      expect([...(await bench.readU32(buffers[2]!, 0, 48))]).toEqual([0, 0, 0, 0, 0x55, 0x55, 0x55, 0x55, 0, 0, 0, 0]);
      expect([...(await bench.readU32(buffers[5]!, 32, 48))]).toEqual([0, 0, 0, 0, 0x55, 0x55, 0x55, 0x55, 0, 0, 0, 0]);
      // Graph mode lowered one graph per distinct table and reused it; stream mode has none.
      expect(bench.driver.outstanding().graphExecs).toBe(mode === 'graph' ? 2 : 0);
      cb.destroy();
      expect(bench.driver.outstanding().graphExecs).toBe(0);
      exe.destroy();
    });
  });

  it('does not reuse work lowered for a freed buffer whose address came back', async () => {
    await withBench({ seed: 45, mode }, async (bench) => {
      const cb = bench.commandBuffer({ bindingCapacity: 1 });
      cb.begin();
      cb.fill({ buffer: { slot: 0 }, pattern: 0x3c3c3c3c, patternLength: 4 });
      cb.end();
      const first = bench.createBuffer(256);
      const address = first.devicePtr;
      await bench.execute(cb, [{ buffer: first }]);
      first.destroy();
      const second = bench.createBuffer(256);
      // The allocator hands the same address out again: a cache keyed by addresses alone would launch stale work.
      expect(second.devicePtr).toBe(address);
      bench.write(second, new Uint8Array(256));
      await bench.execute(cb, [{ buffer: second }]);
      expect((await bench.readU32(second)).every((v) => v === 0x3c3c3c3c)).toBe(true);
    });
  });

  it('keeps a bounded cache of lowered tables', async () => {
    await withBench({ seed: 44, mode }, async (bench) => {
      const cb = bench.commandBuffer({ bindingCapacity: 1 });
      cb.begin();
      cb.fill({ buffer: { slot: 0 }, offset: 0, length: 4, pattern: 0x77, patternLength: 4 });
      cb.end();
      const target = bench.createBuffer(40 * 16);
      for (let i = 0; i < 40; i++) await bench.execute(cb, [{ buffer: target, offset: i * 16, length: 16 }]);
      const values = await bench.readU32(target);
      for (let i = 0; i < 40; i++) expect(values[i * 4]).toBe(0x77);
      expect(bench.driver.outstanding().graphExecs).toBeLessThanOrEqual(16);
      cb.destroy();
      expect(bench.driver.outstanding().graphExecs).toBe(0);
    });
  });
});
