/**
 * queue.execute end to end with real command buffers and sample kernels (rules 4–6 applied to execute): it runs
 * only after its waits, signals after completion, keeps its command buffers and binding-table buffers alive, and a
 * kernel fault reported by the driver fails the submission's signal semaphores with the fault's code and message.
 */
import { describe, expect, it } from 'vitest';
import { type CommandBuffer, type CommandBufferDescriptor, type Device, type Executable, type GpuBuffer, StatusCode } from '../../../src/index.js';
import { sampleExecutableManifestInput } from '../../../src/kernels/samples.js';
import { SEEDS, expectHalError, expectRejects, settle, simOnly, testDevice } from '../../helpers/device.js';

const u32 = (bytes: Uint8Array): number[] => Array.from(new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));

/** A command buffer that runs fill_u32 over `count` words of `buffer` (or of binding-table slot 0 when omitted). */
function fillCommands(
  device: Device,
  exe: Executable,
  descriptor: CommandBufferDescriptor,
  buffer: GpuBuffer | undefined,
  value: number,
  count: number,
): CommandBuffer {
  const entry = exe.entryPoint('fill_u32');
  const cb = device.createCommandBuffer(descriptor);
  cb.begin();
  cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: buffer ?? { slot: 0 } }] });
  cb.pushConstants({ layout: entry.layout, values: [value, count] });
  cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [Math.ceil(count / 256), 1, 1] });
  cb.end();
  return cb;
}

describe.each(SEEDS.flatMap((seed) => (['graph', 'stream'] as const).map((mode) => [seed, mode] as const)))(
  'queue.execute (seed %i, %s mode)',
  (seed, commandBufferMode) => {
    it('runs after its wait, signals after completion, and keeps a destroyed command buffer alive', async () => {
      const device = await testDevice({ seed, commandBufferMode });
      const exe = await device.createExecutable(sampleExecutableManifestInput());
      const buffer = device.createBuffer({ byteLength: 1024 });
      await device.upload(buffer, new Uint8Array(1024));
      const cb = fillCommands(device, exe, {}, buffer, 0xc0ffee, 256);
      const go = device.createSemaphore(0n);
      const done = device.createSemaphore(0n);
      device.queue.execute({ commandBuffers: [cb], waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
      cb.destroy();
      exe.destroy();
      await settle(device);
      expect(done.query()).toBe(0n);
      expect(u32(await device.download(buffer))).toEqual(new Array(256).fill(0));
      go.signal(1n);
      await done.wait(1n);
      expect(u32(await device.download(buffer))).toEqual(new Array(256).fill(0xc0ffee));
    });

    it('binding tables: one reusable command buffer executed against two buffers, submitted in reverse order', async () => {
      const device = await testDevice({ seed, commandBufferMode });
      const exe = await device.createExecutable(sampleExecutableManifestInput());
      const a = device.createBuffer({ byteLength: 512 });
      const b = device.createBuffer({ byteLength: 512 });
      const cb = fillCommands(device, exe, { bindingCapacity: 1 }, undefined, 7, 128);
      const s = device.createSemaphore(0n);
      device.queue.execute({ commandBuffers: [cb], bindingTables: [[{ buffer: b }]], waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: s, value: 3n }] });
      device.queue.execute({ commandBuffers: [cb], bindingTables: [[{ buffer: a }]], waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
      s.signal(1n);
      await s.wait(3n);
      expect(u32(await device.download(a))).toEqual(new Array(128).fill(7));
      expect(u32(await device.download(b))).toEqual(new Array(128).fill(7));
    });

    it('alloca → execute into the scratch buffer (binding table) → copy out → dealloca, all submitted before any signal', async () => {
      const device = await testDevice({ seed, commandBufferMode, queueCount: 2 });
      const exe = await device.createExecutable(sampleExecutableManifestInput());
      const cb = fillCommands(device, exe, { bindingCapacity: 1 }, undefined, 0x5eed, 64);
      const result = device.createBuffer({ byteLength: 256 });
      const s = device.createSemaphore(0n);
      const scratch = device.queues[0]!.alloca({ byteLength: 256, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
      device.queues[1]!.execute({ commandBuffers: [cb], bindingTables: [[{ buffer: scratch }]], waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: s, value: 3n }] });
      device.queues[0]!.copy({ source: scratch, target: result, length: 256, waits: [{ semaphore: s, value: 3n }], signals: [{ semaphore: s, value: 4n }] });
      device.queues[1]!.dealloca({ buffer: scratch, waits: [{ semaphore: s, value: 4n }], signals: [{ semaphore: s, value: 5n }] });
      expect(device.workCounts.pending).toBe(4);
      s.signal(1n);
      await s.wait(5n);
      expect(u32(await device.download(result))).toEqual(new Array(64).fill(0x5eed));
    });

    // Sim only: real GPUs do not bounds-check, and a real fault loses the whole device (see device-lost handling).
    simOnly.it('a kernel fault fails the signal semaphores with the fault; unrelated work is unaffected', async () => {
      const device = await testDevice({ seed, commandBufferMode });
      const exe = await device.createExecutable(sampleExecutableManifestInput());
      const small = device.createBuffer({ byteLength: 64 });
      const entry = exe.entryPoint('copy_u32');
      const cb = device.createCommandBuffer();
      cb.begin();
      cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: small }, { binding: 1, buffer: small }] });
      cb.pushConstants({ layout: entry.layout, values: [4096] }); // far past the 16 words bound
      cb.dispatch({ executable: exe, entryPoint: 'copy_u32', workgroupCount: [16, 1, 1] });
      cb.end();
      const faulted = device.createSemaphore(0n);
      const downstream = device.createSemaphore(0n);
      const ok = device.createSemaphore(0n);
      device.queue.barrier({ waits: [{ semaphore: faulted, value: 1n }], signals: [{ semaphore: downstream, value: 1n }] });
      device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: faulted, value: 1n }] });
      const error = await expectRejects(faulted.wait(1n), StatusCode.INTERNAL, 'kernel fault', 'copy_u32');
      await expectRejects(downstream.wait(1n), error.code, error.detail);
      device.queue.fill({ buffer: small, pattern: 5, patternLength: 1, signals: [{ semaphore: ok, value: 1n }] });
      await ok.wait(1n);
      expect(await device.download(small)).toEqual(new Uint8Array(64).fill(5));
    });

    it('execute rejects command buffers that cannot run, changing nothing', async () => {
      const device = await testDevice({ seed, commandBufferMode });
      const exe = await device.createExecutable(sampleExecutableManifestInput());
      const buffer = device.createBuffer({ byteLength: 1024 });
      const once = fillCommands(device, exe, { mode: 'one-shot' }, buffer, 1, 256);
      const open = device.createCommandBuffer();
      open.begin();
      const s = device.createSemaphore(0n);
      expectHalError(() => device.queue.execute({ commandBuffers: [open], signals: [{ semaphore: s, value: 1n }] }), StatusCode.FAILED_PRECONDITION, 'before end()');
      expectHalError(() => device.queue.execute({ commandBuffers: [once, once] }), StatusCode.FAILED_PRECONDITION, 'one-shot', 'already listed');
      expectHalError(() => device.queue.execute({ commandBuffers: [once], bindingTables: [] }), StatusCode.INVALID_ARGUMENT, 'bindingTables', 'one entry per command buffer');
      expect(device.workCounts).toEqual({ pending: 0, inFlight: 0 });
      device.queue.execute({ commandBuffers: [once], signals: [{ semaphore: s, value: 1n }] });
      expectHalError(() => device.queue.execute({ commandBuffers: [once] }), StatusCode.FAILED_PRECONDITION, 'one-shot', 'already executed');
      await s.wait(1n);
      open.end();
    });
  },
);
