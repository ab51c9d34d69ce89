// A small test bench for command buffers at the driver level: a DeviceContext over a real simulator driver, buffers
// allocated through it, and "execute" done the way Queue.execute does it (validateSubmit → capture → encode on a
// driver stream), then synchronize and read back through the driver. No queue, no scheduler, no fake driver.
import { createSimDriver } from '../../src/backends/sim/index.js';
import { GpuBuffer, type BufferDescriptor } from '../../src/core/gpu_buffer.js';
import { CommandBuffer, type CommandBufferDescriptor } from '../../src/core/command_buffer/command_buffer.js';
import type { BindingTable } from '../../src/core/command_buffer/binding_table.js';
import type { CommandBufferMode, DeviceContext, DeviceLimits } from '../../src/core/device_context.js';
import type { DriverStream, GpuDriver } from '../../src/core/driver.js';
import { failedPrecondition } from '../../src/core/errors.js';
import { Executable } from '../../src/core/executable.js';
import { sampleExecutableManifestInput } from '../../src/kernels/samples.js';

export interface BenchOptions {
  readonly seed?: number;
  readonly mode?: CommandBufferMode;
  /** Simulated device memory; small by default so many benches stay cheap. */
  readonly memoryBytes?: number;
  /** Record each graph launch's node order in the sim's event log. */
  readonly traceGraphNodes?: boolean;
  /** Replaces driver.info fields (e.g. indirectDispatch: false) on a view of the same real driver. */
  readonly infoOverrides?: Partial<GpuDriver['info']>;
}

export class Bench {
  readonly stream: DriverStream;
  private destroyed = false;
  private readonly buffers: GpuBuffer[] = [];
  /** Command buffers and executables made through the bench, destroyed (idempotently) before the driver. */
  private readonly owned: { destroy(): void }[] = [];

  private constructor(
    readonly driver: GpuDriver,
    readonly context: DeviceContext,
  ) {
    this.stream = driver.streamCreate();
  }

  static async open(options: BenchOptions = {}): Promise<Bench> {
    const real = await createSimDriver({
      seed: options.seed ?? 1,
      memoryBytes: options.memoryBytes ?? 16 * 1024 * 1024,
      traceGraphNodes: options.traceGraphNodes ?? false,
    });
    const overrides = options.infoOverrides;
    // A view of the same real driver that reports different capabilities; every call still goes to the simulator.
    const driver: GpuDriver =
      overrides === undefined
        ? real
        : new Proxy(real, {
            get(target, property) {
              if (property === 'info') return { ...target.info, ...overrides };
              const value: unknown = Reflect.get(target, property, target);
              return typeof value === 'function' ? value.bind(target) : value;
            },
          });
    const info = real.info;
    const limits: DeviceLimits = {
      maxDescriptorSets: 4,
      maxBindingsPerSet: 16,
      maxPushConstants: 64,
      maxWorkgroupInvocations: info.limits.maxWorkgroupInvocations,
      maxWorkgroupSize: info.limits.maxWorkgroupSize,
      maxWorkgroupCount: info.limits.maxWorkgroupCount,
      maxSharedMemoryBytes: info.limits.maxSharedMemoryBytes,
      maxBufferBytes: info.totalMemoryBytes,
    };
    let bench: Bench | undefined;
    const context: DeviceContext = {
      driver,
      limits,
      commandBufferMode: options.mode ?? 'graph',
      label: `test-sim-${options.seed ?? 1}-${options.mode ?? 'graph'}`,
      assertUsable(use: string) {
        if (bench?.destroyed) throw failedPrecondition(`cannot ${use}: the test device was destroyed`);
      },
      // No deferred frees here: this test device frees buffer memory at once.
      retryAfterReclaim: (allocate) => allocate(),
    };
    bench = new Bench(driver, context);
    return bench;
  }

  createBuffer(byteLength: number, descriptor: Partial<BufferDescriptor> = {}): GpuBuffer {
    const driver = this.driver;
    const ptr = driver.memAlloc(byteLength);
    const buffer = GpuBuffer.wrap(this.context, { byteLength, ...descriptor }, ptr, (p) => driver.memFree(p));
    this.buffers.push(buffer);
    return buffer;
  }

  commandBuffer(descriptor: CommandBufferDescriptor = {}): CommandBuffer {
    return this.adopt(new CommandBuffer(this.context, descriptor));
  }

  async samples(): Promise<Executable> {
    return this.adopt(await Executable.create(this.context, sampleExecutableManifestInput()));
  }

  /** Makes bench.destroy() destroy `object` too, so a failing test does not also report leaks. */
  adopt<T extends { destroy(): void }>(object: T): T {
    this.owned.push(object);
    return object;
  }

  /** Writes bytes into a buffer (ordered on the bench stream). */
  write(buffer: GpuBuffer, data: ArrayBufferView, offset = 0): void {
    this.driver.memcpyHtoDAsync(buffer.devicePtr + offset, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), this.stream);
  }

  /** Reads bytes back once everything enqueued so far has completed (works on user-destroyed, still-held buffers). */
  async read(buffer: GpuBuffer, offset = 0, length = buffer.byteLength - offset): Promise<Uint8Array> {
    const readback = this.driver.memcpyDtoHAsync(buffer.devicePtr + offset, length, this.stream);
    await this.driver.streamSynchronize(this.stream);
    try {
      return readback.take();
    } finally {
      readback.release();
    }
  }

  async readU32(buffer: GpuBuffer, offset = 0, length = buffer.byteLength - offset): Promise<Uint32Array> {
    const bytes = await this.read(buffer, offset, length);
    return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  }

  /** What Queue.execute does: validate, capture, encode; then wait for the stream and release the capture. */
  async execute(commandBuffer: CommandBuffer, table?: BindingTable): Promise<void> {
    commandBuffer.validateSubmit(table);
    const captured = commandBuffer.capture(table);
    try {
      commandBuffer.encode(this.stream, table);
      await this.driver.streamSynchronize(this.stream);
    } finally {
      commandBuffer.releaseCapture(captured);
    }
  }

  /** Destroys the test's buffers (user references) and the stream, leaving the driver open for leak checks. */
  releaseAll(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers.length = 0;
  }

  destroy(): void {
    if (this.destroyed) return;
    for (const object of this.owned) object.destroy();
    this.releaseAll();
    this.driver.streamDestroy(this.stream);
    this.destroyed = true;
    this.driver.destroy();
  }
}

export async function withBench<T>(options: BenchOptions, body: (bench: Bench) => Promise<T>): Promise<T> {
  const bench = await Bench.open(options);
  try {
    return await body(bench);
  } finally {
    bench.destroy();
  }
}

/** The HalError code a call throws (or 'no error'), for compact assertions. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}

export function u32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(new Uint32Array(values).buffer);
}
