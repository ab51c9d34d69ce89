/**
 * Conventions users bring from WebGPU and Node: `{ signal }` on every wait (rejecting with the abort reason),
 * `device.lost` as a promise beside the `lostError` getter, objects that print as a line instead of their
 * internals, and GpuBuffer (the deprecated `Buffer` alias shadowed Node's global).
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as gpuhal from '../../src/index.js';
import { createDevice, GpuBuffer, HalError, StatusCode } from '../../src/index.js';

describe('AbortSignal on waits', () => {
  it('semaphore.wait rejects with the abort reason and leaves the semaphore usable', async () => {
    const device = await createDevice({ backend: 'sim', seed: 1 });
    const ready = device.createSemaphore(0n, { label: 'ready' });
    const controller = new AbortController();
    const waiting = ready.wait(1n, { signal: controller.signal });
    const reason = new Error('user went away');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    // Nothing changed: a later wait on the same value still completes when it is signaled.
    const later = ready.wait(1n);
    ready.signal(1n);
    await later;
    expect(ready.query()).toBe(1n);
    await device[Symbol.asyncDispose]();
  });

  it('an already-aborted signal rejects at once, even for a value already reached', async () => {
    const device = await createDevice({ backend: 'sim' });
    const done = device.createSemaphore(5n);
    const signal = AbortSignal.abort('too late');
    await expect(done.wait(1n, { signal })).rejects.toBe('too late');
    await expect(device.waitSemaphores('any', [{ semaphore: done, value: 9n }], { signal })).rejects.toBe('too late');
    await device[Symbol.asyncDispose]();
  });

  it('device.waitSemaphores takes a signal too, with the default AbortError reason', async () => {
    const device = await createDevice({ backend: 'sim' });
    const a = device.createSemaphore(0n);
    const b = device.createSemaphore(0n);
    const controller = new AbortController();
    const waiting = device.waitSemaphores('all', [{ semaphore: a, value: 1n }, { semaphore: b, value: 1n }], { signal: controller.signal });
    a.signal(1n);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await device[Symbol.asyncDispose]();
  });

  it('a wait that completes first ignores a later abort', async () => {
    const device = await createDevice({ backend: 'sim' });
    const s = device.createSemaphore(0n);
    const controller = new AbortController();
    const waiting = s.wait(1n, { signal: controller.signal });
    s.signal(1n);
    await expect(waiting).resolves.toBeUndefined();
    controller.abort();
    await device[Symbol.asyncDispose]();
  });

  it('a signal that is not an AbortSignal is INVALID_ARGUMENT naming the field', async () => {
    const device = await createDevice({ backend: 'sim' });
    const s = device.createSemaphore(0n);
    await expect(s.wait(1n, { signal: 'stop' as unknown as AbortSignal })).rejects.toMatchObject({
      code: StatusCode.INVALID_ARGUMENT,
      message: expect.stringContaining('wait options.signal must be an AbortSignal (got "stop")'),
    });
    await device[Symbol.asyncDispose]();
  });
});

describe('device.lost', () => {
  it('resolves with reason "destroyed" after disposal, the same promise every time', async () => {
    const device = await createDevice({ backend: 'sim', label: 'short-lived' });
    const lost = device.lost;
    expect(device.lost).toBe(lost);
    let settled = false;
    void lost.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await device[Symbol.asyncDispose]();
    await expect(lost).resolves.toEqual({ reason: 'destroyed', message: 'device short-lived was destroyed' });
    await expect(device.lost).resolves.toMatchObject({ reason: 'destroyed' }); // asked for after the fact
  });

  it('resolves with reason "lost" and the error when the device is lost; a later destroy changes nothing', async () => {
    const device = await createDevice({ backend: 'sim' });
    const lost = device.lost;
    const error = new HalError(StatusCode.UNAVAILABLE, 'the GPU fell off the bus');
    (device.context as unknown as { markLost(e: HalError): void }).markLost(error);
    await expect(lost).resolves.toEqual({ reason: 'lost', message: error.message, error });
    expect(device.lostError).toBe(error);
    device.destroy();
    await expect(device.lost).resolves.toMatchObject({ reason: 'lost' });
  });
});

describe('printing public objects', () => {
  it('console.log shows a line of public state, not the internals; toString names type and label', async () => {
    const device = await createDevice({ backend: 'sim', label: 'printed' });
    const ready = device.createSemaphore(3n, { label: 'ready' });
    const buffer = device.createBuffer({ byteLength: 64, label: 'numbers' });
    expect(inspect(ready)).toBe("Semaphore { label: 'ready', value: 3n }");
    expect(`${ready}`).toBe('Semaphore "ready"');
    expect(inspect(buffer)).toBe("GpuBuffer { label: 'numbers', byteLength: 64, memoryType: 'device-local' }");
    expect(String(buffer)).toBe('GpuBuffer "numbers"');
    expect(inspect(device.queue)).toBe("Queue { label: 'printed.queue0', index: 0 }");
    expect(inspect(device, { breakLength: Infinity })).toBe("Device { label: 'printed', backend: 'sim', name: 'gpuhal simulated GPU', queues: 1, state: 'usable' }");
    expect(`${device}`).toBe('Device "printed" (sim)');
    ready.fail(new HalError(StatusCode.DATA_LOSS, 'tile lost'));
    expect(inspect(ready)).toBe("Semaphore { label: 'ready', value: 3n, failed: 'DATA_LOSS: tile lost' }");
    const layout = device.createDescriptorSetLayout({ bindings: [{ readOnly: true }], label: 'one' });
    expect(inspect(layout)).toBe("DescriptorSetLayout { label: 'one' }");
    await device[Symbol.asyncDispose]();
    expect(inspect(device)).toContain("state: 'destroyed'");
    expect(inspect(buffer)).toContain('destroyed: true');
  });
});

describe('GpuBuffer', () => {
  it('is the buffer class; Buffer remains as a deprecated alias of it', async () => {
    const device = await createDevice({ backend: 'sim' });
    const buffer = device.createBuffer({ byteLength: 16 });
    expect(buffer).toBeInstanceOf(GpuBuffer);
    expect(gpuhal.Buffer).toBe(GpuBuffer);
    await device[Symbol.asyncDispose]();
  });
});
