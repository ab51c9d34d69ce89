/**
 * Rule 5 for work that fails while it runs: every submission that depends on the failed one (directly or down a
 * chain, on the same queue or another) does not run and fails with the original error, wherever the scheduler
 * placed it — in particular on the producer's own driver stream, where stream order alone would let it run once
 * the stream moved past the fault. A kernel fault loses the whole device on a real GPU, so this is simulator-only;
 * device_lost_gpu.test.ts covers the GPU.
 */
import { expect } from 'vitest';
import { type Device, StatusCode } from '../../../src/index.js';
import { sampleExecutableManifestInput } from '../../../src/kernels/samples.js';
import { SEEDS, expectHalError, expectRejects, simOnly, testDevice } from '../../helpers/device.js';

/** A command buffer whose fill_u32 writes `count` words into a 16-byte buffer: a kernel fault when count > 4. */
async function faultingExecute(device: Device) {
  const exe = await device.createExecutable(sampleExecutableManifestInput());
  const small = device.createBuffer({ byteLength: 16 });
  const entry = exe.entryPoint('fill_u32');
  const cb = device.createCommandBuffer();
  cb.begin();
  cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: small }] });
  cb.pushConstants({ layout: entry.layout, values: [1, 100] });
  cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] });
  cb.end();
  return cb;
}

const cases = SEEDS.flatMap((seed) =>
  (['graph', 'stream'] as const).flatMap((commandBufferMode) => [1, 4].map((streamsPerQueue) => [seed, commandBufferMode, streamsPerQueue] as const)),
);

simOnly.describe.each(cases)('rule 5: dependents of a faulting operation (seed %i, %s mode, %i stream(s) per queue)', (seed, commandBufferMode, streamsPerQueue) => {
  simOnly.it('a dependent on the same queue does not run, nor does a dependent of it on another queue', async () => {
    const device = await testDevice({ seed, commandBufferMode, streamsPerQueue, queueCount: 2 });
    const [q0, q1] = device.queues as [typeof device.queue, typeof device.queue];
    const x = device.createBuffer({ byteLength: 64 });
    const y = device.createBuffer({ byteLength: 64 });
    await device.upload(x, new Uint8Array(64).fill(1));
    await device.upload(y, new Uint8Array(64).fill(2));
    const a = device.createSemaphore(0n);
    const b = device.createSemaphore(0n);
    const c = device.createSemaphore(0n);
    q0.execute({ commandBuffers: [await faultingExecute(device)], signals: [{ semaphore: a, value: 1n }] });
    q0.fill({ buffer: x, pattern: 7, patternLength: 1, waits: [{ semaphore: a, value: 1n }], signals: [{ semaphore: b, value: 1n }] });
    q1.fill({ buffer: y, pattern: 9, patternLength: 1, waits: [{ semaphore: b, value: 1n }], signals: [{ semaphore: c, value: 1n }] });
    await expectRejects(c.wait(1n), StatusCode.INTERNAL, 'kernel fault');
    expectHalError(() => b.query(), StatusCode.INTERNAL, 'kernel fault');
    expect(await q1.read({ buffer: x })).toEqual(new Uint8Array(64).fill(1));
    expect(await q1.read({ buffer: y })).toEqual(new Uint8Array(64).fill(2));
  });

  simOnly.it('an unrelated submission issued behind the fault on the same queue still runs', async () => {
    const device = await testDevice({ seed, commandBufferMode, streamsPerQueue });
    const x = device.createBuffer({ byteLength: 16 });
    const a = device.createSemaphore(0n);
    const done = device.createSemaphore(0n);
    device.queue.execute({ commandBuffers: [await faultingExecute(device)], signals: [{ semaphore: a, value: 1n }] });
    device.queue.fill({ buffer: x, pattern: 5, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });
    await done.wait(1n);
    await expectRejects(a.wait(1n), StatusCode.INTERNAL, 'kernel fault');
    expect(await device.queue.read({ buffer: x })).toEqual(new Uint8Array(16).fill(5));
  });
});
