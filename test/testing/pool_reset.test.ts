/**
 * A pooled simulator driver, reset between schedules, must replay like a fresh one: memory the last run used —
 * its buffers and the allocator's block headers around them — reads as zeros in the next run.
 */
import { expect, it } from 'vitest';
import { sampleExecutableManifestInput, sampleKernelSpec, workgroupsFor } from '../../src/kernels/index.js';
import { runExploration, type Scenario } from '../../src/testing/index.js';

const kernelRun: Scenario = {
  name: 'kernel-run',
  async run({ device }) {
    const spec = sampleKernelSpec('scale_i32');
    const count = 256;
    const executable = await device.createExecutable(sampleExecutableManifestInput(), { label: 'samples' });
    const scale = executable.entryPoint('scale_i32');
    const x = device.createBuffer({ byteLength: count * 4, label: 'x' });
    device.queue.update({ buffer: x, data: new Int32Array(count).fill(3) });
    const commands = device.createCommandBuffer();
    commands.begin();
    commands.pushDescriptorSet({ layout: scale.layout, set: 0, bindings: [{ binding: 0, buffer: x }] });
    commands.pushConstants({ layout: scale.layout, values: [5, count] });
    commands.dispatch({ executable, entryPoint: 'scale_i32', workgroupCount: [workgroupsFor(spec, count), 1, 1] });
    commands.end();
    const done = device.createSemaphore(0n);
    device.queue.execute({ commandBuffers: [commands], signals: [{ semaphore: done, value: 1n }] });
    await done.wait(1n);
  },
};

const bigZeroRead: Scenario = {
  name: 'big-zero-read',
  async run({ device }) {
    const big = device.createBuffer({ byteLength: 8 << 20, label: 'big' });
    const bytes = await device.queue.read({ buffer: big });
    const dirty = bytes.findIndex((b) => b !== 0);
    if (dirty >= 0) throw new Error(`a new buffer holds ${bytes[dirty]} at byte ${dirty}: the last run's bytes`);
  },
};

it('a driver reused after a run that split the heap hands out zeroed memory, headers included', async () => {
  expect((await runExploration(kernelRun, { schedules: 3 })).failure).toBeNull();
  const result = await runExploration(bigZeroRead, { schedules: 3 });
  expect(result.failure?.text).toBeUndefined();
}, 60_000);
