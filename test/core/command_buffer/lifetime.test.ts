// Lifetimes (rules 6 and 9): a command buffer holds what it references; a submission holds the command buffer and
// its binding table; every driver object is returned once the last holder lets go.
import { describe, expect, it } from 'vitest';
import type { CommandBufferMode } from '../../../src/core/device_context.js';
import { DescriptorSetLayout, PipelineLayout } from '../../../src/core/layouts.js';
import { u32Bytes, withBench } from '../../helpers/fake_context.js';

describe.each(['graph', 'stream'] as CommandBufferMode[])('%s mode', (mode) => {
  it('keeps buffers, executables and layouts alive after the user destroys them', async () => {
    await withBench({ seed: 51, mode }, async (bench) => {
      const exe = await bench.samples();
      const fill = exe.entryPoint('fill_u32');
      const initial = bench.driver.outstanding();
      const out = bench.createBuffer(1024);
      const copyTarget = bench.createBuffer(1024);
      const userSet = new DescriptorSetLayout(bench.context, { bindings: [{}] });
      const userLayout = new PipelineLayout(bench.context, { setLayouts: [userSet], pushConstants: 2 });

      const cb = bench.commandBuffer();
      cb.begin();
      cb.pushDescriptorSet({ layout: userLayout, set: 0, bindings: [{ binding: 0, buffer: out }] });
      cb.pushConstants({ layout: userLayout, values: [0x5151, 256] });
      cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] });
      cb.executionBarrier();
      cb.copy({ source: out, target: copyTarget, length: 1024 });
      cb.end();
      const held = bench.driver.outstanding();

      // The user lets go of everything but the command buffer.
      exe.destroy();
      out.destroy();
      copyTarget.destroy();
      userLayout.destroy();
      userSet.destroy();
      expect(bench.driver.outstanding()).toEqual(held);
      expect(fill.layout.destroyed).toBe(false);

      await bench.execute(cb);
      expect((await bench.readU32(copyTarget)).every((v) => v === 0x5151)).toBe(true);

      cb.destroy();
      const after = bench.driver.outstanding();
      expect(after.modules).toBe(0);
      expect(after.allocations).toBe(initial.allocations);
      expect(after.graphExecs).toBe(0);
    });
  });

  it('a rejected command holds nothing', async () => {
    await withBench({ seed: 54, mode }, async (bench) => {
      const kept = bench.createBuffer(64);
      const rejected = bench.createBuffer(64);
      const cb = bench.commandBuffer();
      cb.begin();
      cb.fill({ buffer: kept, pattern: 1, patternLength: 4 });
      expect(() => cb.copy({ source: kept, target: rejected, targetOffset: 8, length: 64 })).toThrow(/OUT_OF_RANGE/);
      const before = bench.driver.outstanding().allocations;
      rejected.destroy();
      kept.destroy();
      // The rejected copy did not retain its buffers: only the fill's target is still held.
      expect(bench.driver.outstanding().allocations).toBe(before - 1);
      cb.end();
      cb.destroy();
      expect(bench.driver.outstanding().allocations).toBe(before - 2);
    });
  });

  it('a submission holds the command buffer and its table past destroy()', async () => {
    await withBench({ seed: 52, mode }, async (bench) => {
      const target = bench.createBuffer(64);
      const cb = bench.commandBuffer({ bindingCapacity: 1, mode: 'one-shot' });
      cb.begin();
      cb.update({ data: u32Bytes([4, 5, 6]), buffer: { slot: 0 } });
      cb.end();
      const table = [{ buffer: target }];
      cb.validateSubmit(table);
      const captured = cb.capture(table);
      const held = bench.driver.outstanding();
      cb.destroy();
      target.destroy();
      // Nothing was returned yet: the submission still holds both.
      expect(bench.driver.outstanding()).toEqual(held);
      cb.encode(bench.stream, table);
      await bench.driver.streamSynchronize(bench.stream);
      expect([...(await bench.readU32(target, 0, 12))]).toEqual([4, 5, 6]);
      cb.releaseCapture(captured);
      cb.releaseCapture(captured); // a table capture's second release is a no-op
      const after = bench.driver.outstanding();
      expect(after.graphExecs).toBe(0);
      expect(after.allocations).toBe(0);
    });
  });

  it('returns every driver object once everything is destroyed', async () => {
    await withBench({ seed: 53, mode }, async (bench) => {
      const exe = await bench.samples();
      const fill = exe.entryPoint('fill_u32');
      const a = bench.createBuffer(1024);
      const b = bench.createBuffer(1024);
      const direct = bench.commandBuffer();
      direct.begin();
      direct.update({ data: new Uint8Array(100).fill(3), buffer: a });
      direct.executionBarrier();
      direct.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: b }] });
      direct.pushConstants({ layout: fill.layout, values: [1, 256] });
      direct.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] });
      direct.end();
      const indirect = bench.commandBuffer({ bindingCapacity: 2 });
      indirect.begin();
      indirect.update({ data: new Uint8Array(8).fill(1), buffer: { slot: 0 } });
      indirect.executionBarrier();
      indirect.copy({ source: { slot: 0 }, target: { slot: 1 }, length: 8 });
      indirect.end();
      await bench.execute(direct);
      await bench.execute(indirect, [{ buffer: a }, { buffer: b }]);
      await bench.execute(indirect, [{ buffer: b }, { buffer: a }]);
      const failed = bench.commandBuffer();
      failed.begin();
      failed.fill({ buffer: a, offset: 0, length: 4, pattern: 1, patternLength: 4 });
      failed.beginDebugGroup('left open');
      expect(() => failed.end()).toThrow(/still open/);

      for (const object of [direct, indirect, failed, exe]) object.destroy();
      bench.releaseAll();
      expect(bench.driver.outstanding()).toMatchObject({ events: 0, graphs: 0, graphExecs: 0, modules: 0, allocations: 0, timers: 0 });
      expect(bench.driver.outstanding().streams).toBe(1); // the bench's own stream
    });
  });
});
