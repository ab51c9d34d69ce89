/**
 * The core over the real HipDriver over a scripted platform: the completion poller, readback staging and device
 * loss of the hip backend exercised through the public API, without a GPU.
 */
import { describe, expect, it } from 'vitest';
import { StatusCode, createDevice, registerBackend } from '../../../src/index.js';
import type { DriverProvider } from '../../../src/core/driver.js';
import { HipDriver } from '../../../src/backends/hip/driver.js';
import { FakePlatform, STATUS } from '../../helpers/fake_platform.js';
import { expectRejects } from '../../helpers/hal_errors.js';

let current: FakePlatform | undefined;
const fakeHip: DriverProvider = {
  name: 'fake-hip',
  async probe() {
    return { available: true, devices: [{ ordinal: 0, name: 'Fake GPU', platform: 'nvidia', totalMemoryBytes: 1 << 30 }] };
  },
  async open() {
    current = new FakePlatform({ autoComplete: true });
    return new HipDriver(current, 0, current.facts());
  },
};
registerBackend('fake-hip', fakeHip);

async function fakeDevice(options: { queueCount?: number; commandBufferMode?: 'graph' | 'stream' } = {}) {
  const device = await createDevice({ backend: 'fake-hip', ...options });
  return { device, fake: current! };
}

describe('the core over the hip driver over a fake platform', () => {
  it.each(['graph', 'stream'] as const)('uploads, command buffers (%s mode), cross-queue waits and downloads', async (commandBufferMode) => {
    const { device, fake } = await fakeDevice({ queueCount: 2, commandBufferMode });
    expect(device.info).toMatchObject({ platform: 'nvidia', clock: 'real', name: 'Fake GPU' });
    const a = device.createBuffer({ byteLength: 32 });
    const b = device.createBuffer({ byteLength: 32 });
    await device.upload(a, new Uint8Array(32).map((_, i) => i));
    const ready = device.createSemaphore(0n);
    const done = device.createSemaphore(0n);
    const cb = device.createCommandBuffer();
    cb.begin();
    cb.copy({ source: a, target: b, length: 32 });
    cb.executionBarrier();
    cb.fill({ buffer: b, offset: 0, length: 4, pattern: 0xff, patternLength: 1 });
    cb.end();
    device.queues[1]!.execute({ commandBuffers: [cb], waits: [{ semaphore: ready, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
    device.queues[0]!.barrier({ signals: [{ semaphore: ready, value: 1n }] });
    await done.wait(1n);
    const out = await device.download(b);
    expect([...out.subarray(0, 6)]).toEqual([255, 255, 255, 255, 4, 5]);
    expect(out[31]).toBe(31);
    device.destroy();
    expect(fake.live()).toEqual({ streams: 0, events: 0, graphs: 0, execs: 0, modules: 0, memory: 0, hostBlocks: 0 });
  });

  it('a device-losing status seen by the completion poller fails in-flight work, semaphores and every later call', async () => {
    const { device, fake } = await fakeDevice();
    const buffer = device.createBuffer({ byteLength: 16 });
    const done = device.createSemaphore(0n);
    fake.autoComplete = false; // the fill stays in flight until the fault
    device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });
    fake.failNext('eventQuery', STATUS.ILLEGAL_ADDRESS);
    const error = await expectRejects(done.wait(1n), StatusCode.INTERNAL, 'CUDA_ERROR_ILLEGAL_ADDRESS');
    expect(error.driver?.name).toBe('CUDA_ERROR_ILLEGAL_ADDRESS');
    expect(device.lostError?.driver?.name).toBe('CUDA_ERROR_ILLEGAL_ADDRESS');
    expect(() => device.createBuffer({ byteLength: 16 })).toThrow(/ILLEGAL_ADDRESS/);
    device.destroy();
    expect(fake.calls).not.toContain('synchronizeDevice');
  });

  it('out of device memory with frees deferred: the core frees them and retries once', async () => {
    const { device, fake } = await fakeDevice();
    const busy = device.createBuffer({ byteLength: 16 });
    const done = device.createSemaphore(0n);
    fake.autoComplete = false; // the fill stays in flight, so the next release is deferred
    device.queue.fill({ buffer: busy, pattern: 3, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });
    const released = device.createBuffer({ byteLength: 1024 });
    released.destroy();
    const memFrees = (): number => fake.calls.filter((c) => c === 'memFree').length;
    expect(memFrees()).toBe(0);
    fake.failNext('memAlloc', STATUS.OUT_OF_MEMORY);
    const retried = device.createBuffer({ byteLength: 64 });
    expect(memFrees()).toBe(1); // the deferred free, done between the failed allocation and its retry
    const allocs = fake.calls.filter((c) => c === 'memAlloc' || c === 'memFree').slice(-3);
    expect(allocs).toEqual(['memAlloc', 'memFree', 'memAlloc']);
    // Without anything deferred, out of memory is the caller's error.
    fake.failNext('memAlloc', STATUS.OUT_OF_MEMORY);
    expect(() => device.createBuffer({ byteLength: 64 })).toThrow(/CUDA_ERROR_OUT_OF_MEMORY/);
    fake.autoComplete = true;
    await done.wait(1n);
    retried.destroy();
    busy.destroy();
    device.destroy();
  });
});
