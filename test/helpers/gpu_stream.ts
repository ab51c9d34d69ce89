/**
 * The setup the GPU kernel differentials share: a driver with one stream for the describe block, and a run that
 * uploads each input to a buffer of its own, launches kernels over those buffers in order, and reads every buffer
 * back. Register it inside a `describe.skipIf(!GPU_ENABLED)` block: its hooks then never run without a GPU.
 */
import { afterAll, beforeAll } from 'vitest';
import type { DriverModule, DriverStream, GpuDriver, KernelBinding, KernelLaunch, ModuleImage } from '../../src/core/driver.js';
import { drain, openGpu } from './hip_gpu.js';

/** A launch whose bindings are the run's buffers; its constants are numbers, passed as 32-bit words. */
export interface GpuLaunch extends Pick<KernelLaunch, 'fn' | 'workgroupCount' | 'workgroupSize' | 'sharedMemoryBytes'> {
  readonly constants: readonly number[];
}

export interface GpuStream {
  readonly driver: GpuDriver;
  readonly stream: DriverStream;
  /** Loads a module that afterAll unloads before the stream and the driver go. */
  load(image: ModuleImage): DriverModule;
  /** Every launch sees the inputs' buffers as its bindings, in order; the result is each buffer after the last. */
  run(inputs: readonly Uint8Array[], launches: readonly GpuLaunch[]): Promise<Uint8Array[]>;
}

/** Opens the driver and its stream in beforeAll and releases both (and every module `load` loaded) in afterAll. */
export function gpuStream(): GpuStream {
  let driver: GpuDriver | undefined;
  let stream: DriverStream | undefined;
  const modules: DriverModule[] = [];

  beforeAll(async () => {
    driver = await openGpu();
    stream = driver.streamCreate();
  });

  afterAll(() => {
    if (driver === undefined) return;
    for (const m of modules) driver.moduleUnload(m);
    if (stream !== undefined) driver.streamDestroy(stream);
    driver.destroy();
  });

  const opened = (): { driver: GpuDriver; stream: DriverStream } => {
    if (driver === undefined || stream === undefined) throw new Error('gpuStream: used outside the tests of its describe block');
    return { driver, stream };
  };

  return {
    get driver() { return opened().driver; },
    get stream() { return opened().stream; },
    load(image) {
      const module = opened().driver.moduleLoad(image);
      modules.push(module);
      return module;
    },
    async run(inputs, launches) {
      const { driver, stream } = opened();
      const bindings: KernelBinding[] = inputs.map((data) => {
        // A zero-length input still gets a buffer: a kernel argument needs a valid pointer.
        const ptr = driver.memAlloc(Math.max(data.byteLength, 4));
        driver.memcpyHtoDAsync(ptr, data, stream);
        return { ptr, byteLength: data.byteLength };
      });
      for (const l of launches) {
        driver.launchKernel({
          fn: l.fn, workgroupCount: l.workgroupCount, workgroupSize: l.workgroupSize, sharedMemoryBytes: l.sharedMemoryBytes,
          bindings, constants: Uint32Array.from(l.constants, (v) => v >>> 0),
        }, stream);
      }
      const readbacks = bindings.map((b) => driver.memcpyDtoHAsync(b.ptr, b.byteLength, stream));
      await drain(driver, stream);
      const outputs = readbacks.map((r) => { const bytes = r.take(); r.release(); return bytes; });
      for (const b of bindings) driver.memFree(b.ptr);
      return outputs;
    },
  };
}
