/**
 * The demo's two-queue pipeline, shared by `gpuhal demo` (which runs it and tells the story) and `gpuhal step`
 * (which walks through it one simulator event at a time):
 *
 *   queue 1 (compute):  saxpy  y = a·x + y       waits x-ready ≥ 1 and y-ready ≥ 1, signals result = 1
 *   queue 0 (transfer): upload x                 signals x-ready = 1
 *                       upload y                 signals y-ready = 1
 *                       read y back              waits result ≥ 1
 *
 * The compute work is submitted first, before its inputs exist (wait-before-signal).
 */
import type { CommandBuffer } from '../core/command_buffer/command_buffer.js';
import type { Device } from '../core/device.js';
import type { Semaphore } from '../core/semaphore/semaphore.js';
import { saxpyF32, f32Bits } from '../kernels/reference.js';
import { sampleExecutableManifestInput } from '../kernels/samples.js';

export const PIPELINE_COUNT = 4096;
export const PIPELINE_A = 2.5;

export interface Pipeline {
  readonly xReady: Semaphore;
  readonly yReady: Semaphore;
  readonly result: Semaphore;
  /**
   * Submits the four operations (saxpy first), calling `submitted` after each with a plain description; returns
   * the read-back's promise at once, without awaiting anything.
   */
  submit(submitted?: (what: string) => void): Promise<Uint8Array>;
  /** Compares read-back bytes with the plain-TS reference; null when every value matches bit for bit. */
  mismatch(data: Uint8Array): string | null;
  destroy(): void;
}

export async function preparePipeline(device: Device): Promise<Pipeline> {
  if (device.queues.length < 2) throw new Error(`the pipeline needs two queues (device ${device.label} has ${device.queues.length})`);
  const [transfer, compute] = device.queues as [typeof device.queue, typeof device.queue];
  const executable = await device.createExecutable(sampleExecutableManifestInput(), { label: 'samples' });
  const entry = executable.entryPoint('saxpy_f32');
  const bytes = PIPELINE_COUNT * 4;
  const x = device.createBuffer({ byteLength: bytes, label: 'x' });
  const y = device.createBuffer({ byteLength: bytes, label: 'y' });
  const xReady = device.createSemaphore(0n, { label: 'x-ready' });
  const yReady = device.createSemaphore(0n, { label: 'y-ready' });
  const result = device.createSemaphore(0n, { label: 'result' });

  // Inputs chosen so every product is exact in f32: the check can demand bit-identical results.
  const xs = Float32Array.from({ length: PIPELINE_COUNT }, (_, i) => (i % 97) - 48);
  const ys = Float32Array.from({ length: PIPELINE_COUNT }, (_, i) => (i % 13) * 0.5);

  const commands: CommandBuffer = device.createCommandBuffer({ label: 'saxpy' });
  commands.begin();
  commands.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: x }, { binding: 1, buffer: y }] });
  commands.pushConstants({ layout: entry.layout, values: [f32Bits(PIPELINE_A), PIPELINE_COUNT] });
  commands.dispatch({ executable, entryPoint: 'saxpy_f32', workgroupCount: [Math.ceil(PIPELINE_COUNT / entry.workgroupSize[0]), 1, 1] });
  commands.end();

  return {
    xReady,
    yReady,
    result,
    submit(submitted = () => {}) {
      compute.execute({
        label: 'saxpy',
        commandBuffers: [commands],
        waits: [{ semaphore: xReady, value: 1n }, { semaphore: yReady, value: 1n }],
        signals: [{ semaphore: result, value: 1n }],
      });
      submitted('saxpy on queue 1 — it must wait: "x-ready" and "y-ready" are still 0');
      transfer.update({ label: 'upload of x', data: xs, buffer: x, signals: [{ semaphore: xReady, value: 1n }] });
      submitted('upload of x on queue 0');
      transfer.update({ label: 'upload of y', data: ys, buffer: y, signals: [{ semaphore: yReady, value: 1n }] });
      submitted('upload of y on queue 0');
      const readBack = transfer.read({ label: 'read-back of y', buffer: y, waits: [{ semaphore: result, value: 1n }] });
      submitted('read-back of y on queue 0 (waits for "result" ≥ 1)');
      return readBack;
    },
    mismatch(data) {
      const expected = ys.slice();
      saxpyF32(xs, expected, PIPELINE_A, PIPELINE_COUNT);
      const got = new Float32Array(data.buffer, data.byteOffset, PIPELINE_COUNT);
      let count = 0;
      let first = -1;
      for (let i = 0; i < PIPELINE_COUNT; i++) {
        if (Object.is(got[i], expected[i])) continue;
        if (count++ === 0) first = i;
      }
      if (count === 0) return null;
      return `${count} of ${PIPELINE_COUNT} values differ from the reference; first at [${first}]: got ${got[first]}, expected ${expected[first]}`;
    },
    destroy() {
      for (const object of [commands, executable, x, y, xReady, yReady, result]) object.destroy();
    },
  };
}
