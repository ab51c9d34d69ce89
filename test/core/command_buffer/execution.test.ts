// Command buffers executed on the simulator, in graph and stream mode: transfer commands, dispatches of the sample
// kernels against their TypeScript references, update capture, zero-workgroup dispatches, no cap on commands
// between barriers, and graph and stream lowering agreeing byte for byte.
import { describe, expect, it } from 'vitest';
import type { CommandBufferMode } from '../../../src/core/device_context.js';
import { sampleKernelSpec, workgroupsFor } from '../../../src/kernels/kernel_specs.js';
import { addI32, f32Bits, saxpyF32, scaleI32 } from '../../../src/kernels/reference.js';
import { sampleExecutableManifestInput } from '../../../src/kernels/samples.js';
import { Executable } from '../../../src/core/executable.js';
import { type Bench, u32Bytes, withBench } from '../../helpers/fake_context.js';
import { seededRandom } from '../../../src/util/seeded_random.js';

const modes: CommandBufferMode[] = ['graph', 'stream'];

function i32Random(count: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  return Int32Array.from({ length: count }, () => Math.floor(random() * 2 ** 32) | 0);
}

describe.each(modes)('%s mode', (mode) => {
  it('runs fill, update and copy', async () => {
    await withBench({ seed: 21, mode }, async (bench) => {
      const a = bench.createBuffer(64);
      const b = bench.createBuffer(64);
      bench.write(a, new Uint8Array(64));
      bench.write(b, new Uint8Array(64));
      const cb = bench.commandBuffer();
      cb.begin();
      cb.fill({ buffer: a, offset: 0, length: 16, pattern: 0xdeadbeef, patternLength: 4 });
      cb.fill({ buffer: a, offset: 16, length: 16, pattern: 0x1234, patternLength: 2 });
      cb.fill({ buffer: a, offset: 33, length: 3, pattern: 0x7f, patternLength: 1 });
      cb.update({ data: u32Bytes([1, 2, 3, 4]), buffer: a, offset: 48 });
      cb.executionBarrier();
      cb.copy({ source: a, sourceOffset: 0, target: b, targetOffset: 0, length: 64 });
      cb.end();
      await bench.execute(cb);
      const expected = new Uint8Array(64);
      new DataView(expected.buffer).setUint32(0, 0xdeadbeef, true);
      expected.copyWithin(4, 0, 4); expected.copyWithin(8, 0, 8);
      for (let i = 16; i < 32; i += 2) new DataView(expected.buffer).setUint16(i, 0x1234, true);
      expected.fill(0x7f, 33, 36);
      expected.set(u32Bytes([1, 2, 3, 4]), 48);
      expect(await bench.read(a)).toEqual(expected);
      expect(await bench.read(b)).toEqual(expected);
      cb.destroy();
    });
  });

  it('captures update data when the command is recorded', async () => {
    await withBench({ seed: 22, mode }, async (bench) => {
      const target = bench.createBuffer(16);
      const data = new Uint32Array([10, 20, 30, 40]);
      const cb = bench.commandBuffer();
      cb.begin();
      cb.update({ data, buffer: target });
      data.fill(99);
      // The two updates overlap in the last word: without a barrier they could land in either order (rule 7).
      cb.executionBarrier();
      cb.update({ data: data.subarray(1, 2), buffer: target, offset: 12 });
      data.fill(7);
      cb.end();
      await bench.execute(cb);
      expect([...(await bench.readU32(target))]).toEqual([10, 20, 30, 99]);
      // A reusable command buffer replays the same captured bytes again.
      bench.write(target, new Uint8Array(16));
      await bench.execute(cb);
      expect([...(await bench.readU32(target))]).toEqual([10, 20, 30, 99]);
      cb.destroy();
    });
  });

  it('has no cap on commands between barriers (> 32 and > 1000 in one segment)', async () => {
    await withBench({ seed: 23, mode }, async (bench) => {
      for (const count of [33, 1500]) {
        const buffer = bench.createBuffer(count * 4);
        bench.write(buffer, new Uint8Array(count * 4));
        const cb = bench.commandBuffer();
        cb.begin();
        for (let i = 0; i < count; i++) cb.fill({ buffer, offset: i * 4, length: 4, pattern: i + 1, patternLength: 4 });
        cb.end();
        expect(cb.commandCount).toBe(count);
        await bench.execute(cb);
        const values = await bench.readU32(buffer);
        expect(values.every((v, i) => v === i + 1)).toBe(true);
        cb.destroy();
      }
    });
  });

  it('dispatches sample kernels with bindings and push constants, matching the references', async () => {
    await withBench({ seed: 24, mode }, async (bench) => {
      const exe = await bench.samples();
      const count = 1000;
      const a = i32Random(count, 1);
      const b = i32Random(count, 2);
      const x = new Float32Array(count).map((_, i) => (i % 17) * 0.25 - 2);
      const y = new Float32Array(count).map((_, i) => (i % 5) * 1.5);
      const [ba, bb, bc, bx, by] = [a, b, a, x, y].map((v) => {
        const buffer = bench.createBuffer(v.byteLength);
        bench.write(buffer, v);
        return buffer;
      }) as [ReturnType<Bench['createBuffer']>, ReturnType<Bench['createBuffer']>, ReturnType<Bench['createBuffer']>, ReturnType<Bench['createBuffer']>, ReturnType<Bench['createBuffer']>];
      const add = exe.entryPoint('add_i32');
      const scale = exe.entryPoint('scale_i32');
      const saxpy = exe.entryPoint('saxpy_f32');
      const groups = workgroupsFor(sampleKernelSpec('add_i32'), count);
      const cb = bench.commandBuffer();
      cb.begin();
      cb.pushDescriptorSet({ layout: add.layout, set: 0, bindings: [{ binding: 0, buffer: ba }, { binding: 1, buffer: bb }, { binding: 2, buffer: bc }] });
      cb.pushConstants({ layout: add.layout, values: [count] });
      cb.dispatch({ executable: exe, entryPoint: 'add_i32', workgroupCount: [groups, 1, 1] });
      cb.executionBarrier();
      cb.pushDescriptorSet({ layout: scale.layout, set: 0, bindings: [{ binding: 0, buffer: bc }] });
      cb.pushConstants({ layout: scale.layout, values: [-3, count] });
      cb.dispatch({ executable: exe, entryPoint: scale.ordinal, workgroupCount: [groups, 1, 1] });
      cb.pushDescriptorSet({ layout: saxpy.layout, set: 0, bindings: [{ binding: 0, buffer: bx }, { binding: 1, buffer: by }] });
      cb.pushConstants({ layout: saxpy.layout, values: [f32Bits(0.5), count] });
      cb.dispatch({ executable: exe, entryPoint: 'saxpy_f32', workgroupCount: [groups, 1, 1] });
      cb.end();
      await bench.execute(cb);

      const c = new Int32Array(count);
      addI32(a, b, c, count);
      scaleI32(c, -3, count);
      const yRef = y.slice();
      saxpyF32(x, yRef, 0.5, count);
      const cOut = new Int32Array((await bench.read(bc)).buffer);
      const yOut = new Float32Array((await bench.read(by)).buffer);
      expect([...cOut]).toEqual([...c]);
      expect([...yOut]).toEqual([...yRef]);
      cb.destroy();
      exe.destroy();
    });
  });

  it('passes bindings in set-major order across several sets', async () => {
    await withBench({ seed: 25, mode }, async (bench) => {
      // copy_u32 with its two bindings split over two sets: set 0 = src, set 1 = dst.
      const m = sampleExecutableManifestInput();
      const split = {
        ...m,
        entryPoints: m.entryPoints.map((e) =>
          e.name === 'copy_u32' ? { ...e, layout: { sets: [{ bindings: [{ readOnly: true }] }, { bindings: [{}] }], pushConstants: 1 } } : e,
        ),
      };
      const exe = await Executable.create(bench.context, split);
      const copy = exe.entryPoint('copy_u32');
      expect(copy.layout.setBindingBase).toEqual([0, 1]);
      const src = bench.createBuffer(256 * 4);
      const dst = bench.createBuffer(256 * 4);
      bench.write(src, new Uint32Array(256).map((_, i) => i * 7 + 1));
      bench.write(dst, new Uint32Array(256));
      const cb = bench.commandBuffer();
      cb.begin();
      cb.pushDescriptorSet({ layout: copy.layout, set: 1, bindings: [{ binding: 0, buffer: dst }] });
      cb.pushDescriptorSet({ layout: copy.layout, set: 0, bindings: [{ binding: 0, buffer: src }] });
      cb.pushConstants({ layout: copy.layout, values: [256] });
      cb.dispatch({ executable: exe, entryPoint: 'copy_u32', workgroupCount: [1, 1, 1] });
      cb.end();
      await bench.execute(cb);
      expect([...(await bench.readU32(dst))]).toEqual([...new Uint32Array(256).map((_, i) => i * 7 + 1)]);
      cb.destroy();
      exe.destroy();
    });
  });

  it('treats a zero-workgroup dispatch as a no-op that keeps its place between barriers', async () => {
    await withBench({ seed: 26, mode }, async (bench) => {
      const exe = await bench.samples();
      const fill = exe.entryPoint('fill_u32');
      const out = bench.createBuffer(1024);
      const after = bench.createBuffer(1024);
      const cb = bench.commandBuffer();
      cb.begin();
      cb.fill({ buffer: out, offset: 0, length: 1024, pattern: 5, patternLength: 4 });
      cb.executionBarrier();
      cb.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: out }] });
      cb.pushConstants({ layout: fill.layout, values: [9, 256] });
      for (const grid of [[0, 1, 1], [1, 0, 1], [1, 1, 0]] as const) cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: grid });
      cb.executionBarrier();
      cb.copy({ source: out, target: after, length: 1024 });
      cb.end();
      await bench.execute(cb);
      expect((await bench.readU32(out)).every((v) => v === 5)).toBe(true);
      expect((await bench.readU32(after)).every((v) => v === 5)).toBe(true);
      // A command buffer of nothing but zero-workgroup dispatches executes (and would signal) like any other.
      const empty = bench.commandBuffer();
      empty.begin();
      empty.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: out }] });
      empty.pushConstants({ layout: fill.layout, values: [9, 256] });
      empty.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [0, 0, 0] });
      empty.end();
      await bench.execute(empty);
      expect((await bench.readU32(out)).every((v) => v === 5)).toBe(true);
      empty.destroy();
      cb.destroy();
      exe.destroy();
    });
  });

  it('dispatches indirectly with workgroup counts read on the device, from a buffer or a slot', async () => {
    await withBench({ seed: 28, mode }, async (bench) => {
      expect(bench.driver.info.indirectDispatch).toBe(true);
      const exe = await bench.samples();
      const fill = exe.entryPoint('fill_u32');
      const out = bench.createBuffer(4 * 1024);
      const params = bench.createBuffer(32);
      bench.write(out, new Uint32Array(1024));
      const cb = bench.commandBuffer({ bindingCapacity: 1 });
      cb.begin();
      // The counts are written by the command buffer itself, then read by the dispatch after the barrier.
      cb.update({ data: u32Bytes([0, 2, 1, 1]), buffer: params });
      cb.update({ data: u32Bytes([1, 1, 1]), buffer: { slot: 0 }, offset: 4 });
      cb.executionBarrier();
      cb.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: out }] });
      cb.pushConstants({ layout: fill.layout, values: [0x44, 1024] });
      cb.dispatchIndirect({ executable: exe, entryPoint: 'fill_u32', buffer: params, offset: 4 });
      cb.executionBarrier();
      cb.pushConstants({ layout: fill.layout, values: [0x66, 128] });
      cb.dispatchIndirect({ executable: exe, entryPoint: 'fill_u32', buffer: { slot: 0 }, offset: 4 });
      cb.end();
      const slotParams = bench.createBuffer(16);
      await bench.execute(cb, [{ buffer: slotParams }]);
      const values = await bench.readU32(out);
      // Two workgroups of 256 wrote 512 values of 0x44; then one workgroup wrote the first 128 as 0x66.
      expect(values.subarray(0, 128).every((v) => v === 0x66)).toBe(true);
      expect(values.subarray(128, 512).every((v) => v === 0x44)).toBe(true);
      expect(values.subarray(512).every((v) => v === 0)).toBe(true);
    });
  });

  it('uses the push-constant and binding state as of each dispatch', async () => {
    await withBench({ seed: 27, mode }, async (bench) => {
      const exe = await bench.samples();
      const fill = exe.entryPoint('fill_u32');
      const first = bench.createBuffer(1024);
      const second = bench.createBuffer(1024);
      const cb = bench.commandBuffer();
      cb.begin();
      cb.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: first }] });
      cb.pushConstants({ layout: fill.layout, values: [1, 256] });
      cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] });
      cb.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: second }] });
      cb.pushConstants({ layout: fill.layout, offset: 0, values: [2] });
      // A rejected push changes nothing: value stays 2 and count stays 256.
      expect(() => cb.pushConstants({ layout: fill.layout, offset: 0, values: [3, 4, 5] })).toThrow(/OUT_OF_RANGE/);
      expect(() => cb.pushConstants({ layout: fill.layout, offset: 0, values: [3, -1.5] })).toThrow(/INVALID_ARGUMENT/);
      expect(() => cb.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: first }, { binding: 1, buffer: first }] })).toThrow(/OUT_OF_RANGE/);
      cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] });
      cb.end();
      await bench.execute(cb);
      expect((await bench.readU32(first)).every((v) => v === 1)).toBe(true);
      expect((await bench.readU32(second)).every((v) => v === 2)).toBe(true);
      cb.destroy();
      exe.destroy();
    });
  });
});

describe('graph and stream lowering', () => {
  it('give identical results for the same program', async () => {
    async function run(mode: CommandBufferMode): Promise<Uint8Array[]> {
      return withBench({ seed: 31, mode }, async (bench) => {
        const exe = await bench.samples();
        const count = 700;
        const groups = workgroupsFor(sampleKernelSpec('add_i32'), count);
        const a = bench.createBuffer(count * 4);
        const b = bench.createBuffer(count * 4);
        const c = bench.createBuffer(count * 4);
        const bins = bench.createBuffer(256 * 4);
        const add = exe.entryPoint('add_i32');
        const hist = exe.entryPoint('histogram_u8');
        const cb = bench.commandBuffer();
        cb.begin();
        cb.update({ data: i32Random(count, 9), buffer: a });
        cb.fill({ buffer: b, offset: 0, length: count * 4, pattern: 0x01010101, patternLength: 4 });
        cb.fill({ buffer: bins, offset: 0, length: 1024, pattern: 0, patternLength: 4 });
        cb.executionBarrier();
        cb.pushDescriptorSet({ layout: add.layout, set: 0, bindings: [{ binding: 0, buffer: a }, { binding: 1, buffer: b }, { binding: 2, buffer: c }] });
        cb.pushConstants({ layout: add.layout, values: [count] });
        cb.dispatch({ executable: exe, entryPoint: 'add_i32', workgroupCount: [groups, 1, 1] });
        cb.executionBarrier();
        cb.pushDescriptorSet({ layout: hist.layout, set: 0, bindings: [{ binding: 0, buffer: c }, { binding: 1, buffer: bins }] });
        cb.pushConstants({ layout: hist.layout, values: [count * 4] });
        cb.dispatch({ executable: exe, entryPoint: 'histogram_u8', workgroupCount: [workgroupsFor(sampleKernelSpec('histogram_u8'), count * 4), 1, 1] });
        cb.copy({ source: c, sourceOffset: 0, target: a, targetOffset: 0, length: 400 });
        cb.end();
        await bench.execute(cb);
        const out = [await bench.read(a), await bench.read(c), await bench.read(bins)];
        cb.destroy();
        exe.destroy();
        return out;
      });
    }
    const graph = await run('graph');
    const stream = await run('stream');
    expect(graph).toEqual(stream);
    // And the histogram counted every byte.
    const bins = new Uint32Array(graph[2]!.buffer, graph[2]!.byteOffset, 256);
    expect(bins.reduce((s, v) => s + v, 0)).toBe(700 * 4);
  });
});
