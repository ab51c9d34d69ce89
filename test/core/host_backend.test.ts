/**
 * The core runs on a backend it has never heard of: a host-memory driver registered under its own name, with a
 * real clock, no stepper and no kernels. Everything the core does through the seam works, and what needs a
 * capability the driver lacks fails with a clear error instead of a platform check.
 */
import { describe, expect, it } from 'vitest';
import { StatusCode, createDevice, registerBackend } from '../../src/index.js';
import { expectHalError, expectRejects } from '../helpers/hal_errors.js';
import { sampleExecutableManifestInput } from '../../src/kernels/samples.js';
import { hostProvider } from '../helpers/host_driver.js';

registerBackend('host', hostProvider);

describe('a third backend, named by a plain string', () => {
  it('runs transfers, command buffers and cross-queue waits, and leaves no driver object behind', async () => {
    for (const commandBufferMode of ['graph', 'stream'] as const) {
      const device = await createDevice({ backend: 'host', queueCount: 2, commandBufferMode, trace: true, host: { unused: true } });
      expect(device.info).toMatchObject({ backend: 'host', platform: 'host', clock: 'real' });
      const a = device.createBuffer({ byteLength: 64 });
      const b = device.createBuffer({ byteLength: 64 });
      const ready = device.createSemaphore(0n);
      const done = device.createSemaphore(0n);
      const cb = device.createCommandBuffer();
      cb.begin();
      cb.fill({ buffer: a, pattern: 0x11223344, patternLength: 4 });
      cb.executionBarrier();
      cb.copy({ source: a, sourceOffset: 0, target: b, targetOffset: 16, length: 32 });
      cb.update({ data: new Uint8Array([9, 8, 7]), buffer: b, offset: 0 });
      cb.end();
      // Submitted before what it waits for exists (wait-before-signal across queues).
      device.queues[1]!.execute({ commandBuffers: [cb], waits: [{ semaphore: ready, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
      expect(device.workCounts.pending).toBe(1);
      ready.signal(1n);
      await done.wait(1n);
      const bytes = await device.download(b);
      expect([...bytes.subarray(0, 3)]).toEqual([9, 8, 7]);
      expect([...bytes.subarray(16, 20)]).toEqual([0x44, 0x33, 0x22, 0x11]);
      expect(bytes.subarray(48).every((x) => x === 0)).toBe(true);
      expect(device.trace!.events[0]).toMatchObject({ kind: 'device', clock: 'real', platform: 'host' });
      const driver = device.driver;
      device.destroy();
      expect(Object.values(driver.outstanding()).every((n) => n === 0)).toBe(true);
    }
  });

  it('step mode needs a stepper and says so; kernels need a format the driver loads', async () => {
    const device = await createDevice({ backend: 'host', trace: true });
    try {
      await expectRejects(device.step(), StatusCode.UNIMPLEMENTED, 'needs a driver that can be stepped', 'platform host');
      expectHalError(() => device.inspect(), StatusCode.UNIMPLEMENTED, 'needs a driver that can be stepped');
      await expectRejects(device.createExecutable(sampleExecutableManifestInput()), StatusCode.UNAVAILABLE, 'this driver loads no formats');
    } finally {
      device.destroy();
    }
  });

  it("options named after a registered backend go to that backend's provider; other unknown fields are rejected", async () => {
    await expectRejects(createDevice({ backend: 'host', host: 'fast' } as never), StatusCode.INVALID_ARGUMENT, 'options.host', '"fast"');
    await expectRejects(createDevice({ backend: 'host', hots: {} } as never), StatusCode.INVALID_ARGUMENT, 'unknown field', '"hots"');
  });
});
