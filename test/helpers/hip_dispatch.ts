// One HIP-C kernel dispatched through the core API, as an explorer scenario does it: a 'hip-source' payload with one
// entry point whose one binding is a buffer (or its first bytes), then the buffer read back.
import type { Device } from '../../src/index.js';

export interface HipDispatch {
  readonly source: string;
  readonly entry: string;
  readonly workgroupSize: readonly [number, number, number];
  readonly workgroupCount: readonly [number, number, number];
  readonly bufferBytes: number;
  /** Bind only the buffer's first bytes (default: all of it). */
  readonly bindingBytes?: number;
}

/** Runs the dispatch on `device` and returns the buffer's words; a kernel fault rejects with the device's error. */
export async function dispatchHip(device: Device, d: HipDispatch): Promise<Uint32Array> {
  const executable = await device.createExecutable({
    name: d.entry,
    entryPoints: [{ name: d.entry, workgroupSize: [...d.workgroupSize], layout: { sets: [{ bindings: [{}] }], pushConstants: 0 } }],
    payloads: { 'hip-source': { source: d.source } },
  });
  const buffer = device.createBuffer({ byteLength: d.bufferBytes });
  const commands = device.createCommandBuffer();
  commands.begin();
  commands.pushDescriptorSet({ layout: executable.entryPoint(d.entry).layout, set: 0, bindings: [{ binding: 0, buffer, offset: 0, length: d.bindingBytes ?? d.bufferBytes }] });
  commands.dispatch({ executable, entryPoint: d.entry, workgroupCount: [...d.workgroupCount] });
  commands.end();
  const done = device.createSemaphore(0n);
  device.queue.execute({ commandBuffers: [commands], signals: [{ semaphore: done, value: 1n }] });
  const bytes = await device.queue.read({ buffer, waits: [{ semaphore: done, value: 1n }] });
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
}
