/**
 * Scheduling-stack internals: long chains released by one signal, per-semaphore waiter indexes, timepoints, the
 * event pool, stream waits only between lanes (a same-queue chain follows its producer on one lane), and device loss
 * (sticky driver failure).
 */
import { describe, expect, it, vi } from 'vitest';
import { simProvider } from '../../../src/backends/sim/index.js';
import type { GpuDriver } from '../../../src/core/driver.js';
import { HalError, StatusCode, createDevice, registerBackend } from '../../../src/index.js';
import { sampleExecutableManifestInput } from '../../../src/kernels/samples.js';
import { SEEDS, expectHalError, expectNoDriverObjects, expectRejects, simOnly, testDevice } from '../../helpers/device.js';
import { countStreamWaits, sameLaneWaits } from '../../helpers/stream_waits.js';

describe.each(SEEDS)('scheduler (seed %i)', (seed) => {
  it('a 2,000-submission chain submitted in reverse order is released by one host signal', async () => {
    const device = await testDevice({ seed });
    const n = 2000;
    const s = device.createSemaphore(0n);
    for (let i = n; i >= 1; i--) {
      device.queue.barrier({ waits: [{ semaphore: s, value: BigInt(i) }], signals: [{ semaphore: s, value: BigInt(i + 1) }] });
    }
    expect(device.workCounts).toEqual({ pending: n, inFlight: 0 });
    expect(s.counts.submissionWaiters).toBe(n);
    s.signal(1n);
    // Each issued link's timepoint covers the next link, so the whole chain is on the device at once.
    expect(device.workCounts).toEqual({ pending: 0, inFlight: n });
    await s.wait(BigInt(n + 1));
    expect(s.counts).toEqual({ hostWaiters: 0, submissionWaiters: 0, timepoints: 0 });
    expect(s.rawSubmissionWaiters).toBe(0);
  });

  it('a new value touches only the submissions waiting on that semaphore', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n);
    const b = device.createSemaphore(0n);
    for (let i = 1; i <= 100; i++) device.queue.barrier({ waits: [{ semaphore: a, value: BigInt(i) }] });
    device.queue.barrier({ waits: [{ semaphore: b, value: 1n }] });
    b.signal(1n);
    expect(a.counts.submissionWaiters).toBe(100);
    expect(device.workCounts.pending).toBe(100);
    a.signal(10n);
    expect(a.counts.submissionWaiters).toBe(90);
    expect(device.workCounts.pending).toBe(90);
    a.signal(100n);
    await device[Symbol.asyncDispose]();
  });

  it('timepoints: an issued signal covers waits on lower values; they are retired at completion', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const gate = device.createSemaphore(0n);
    const s = device.createSemaphore(0n);
    device.queues[0]!.barrier({ waits: [{ semaphore: gate, value: 1n }], signals: [{ semaphore: s, value: 5n }] });
    device.queues[1]!.barrier({ waits: [{ semaphore: s, value: 3n }] });
    device.queues[1]!.barrier({ waits: [{ semaphore: s, value: 6n }] });
    expect(device.workCounts.pending).toBe(3);
    gate.signal(1n);
    expect(s.counts.timepoints).toBe(1);
    expect(device.workCounts).toEqual({ pending: 1, inFlight: 2 }); // the wait on 6 is not covered by 5
    await s.wait(5n);
    await new Promise((r) => setImmediate(r));
    expect(s.counts.timepoints).toBe(0);
    s.signal(6n);
    await device[Symbol.asyncDispose]();
  });

  it('a chain on one queue follows its producer on the same lane (a same-stream wait); the other queue needs a cross-stream one', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const streamWaits = countStreamWaits(device);
    const gate = device.createSemaphore(0n);
    const s = device.createSemaphore(0n);
    device.queues[0]!.barrier({ waits: [{ semaphore: gate, value: 1n }], signals: [{ semaphore: s, value: 1n }] });
    device.queues[0]!.barrier({ waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
    device.queues[1]!.barrier({ waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: s, value: 3n }] });
    gate.signal(1n);
    await s.wait(3n);
    expect(streamWaits()).toEqual({ sameStream: sameLaneWaits(device, 1), crossStream: 1 });
  });

  it('completion events are pooled: sequential submissions reuse them', async () => {
    const device = await testDevice({ seed });
    const create = vi.spyOn(device.driver, 'eventCreate');
    const s = device.createSemaphore(0n);
    for (let i = 1n; i <= 50n; i++) {
      device.queue.barrier({ signals: [{ semaphore: s, value: i }] });
      await s.wait(i);
      await new Promise((r) => setImmediate(r));
    }
    expect(create.mock.calls.length).toBeLessThanOrEqual(2);
  });
});

/**
 * Device loss. The simulator reports kernel faults per submission; CUDA and HIP instead lose the whole context.
 * This registers a backend that opens the real simulator and reports its first fault as sticky through the
 * driver's optional `lostError()` — a view of the same driver, as the hip backend behaves after a sticky status.
 */
function stickyFaults(driver: GpuDriver): GpuDriver {
  let lost: HalError | undefined;
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'lostError') return () => lost;
      if (property === 'eventQuery') {
        return (event: Parameters<GpuDriver['eventQuery']>[0]) => {
          try {
            return target.eventQuery(event);
          } catch (error) {
            lost ??= error as HalError;
            throw error;
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

simOnly.describe('device lost', () => {
  it('a sticky driver failure fails pending work and semaphores, and every later call fails fast', async () => {
    registerBackend('sim-sticky', { name: 'sim', probe: (o) => simProvider.probe(o), open: async (o) => stickyFaults(await simProvider.open(o)) });
    const device = await createDevice({ backend: 'sim-sticky', seed: 3 });
    const exe = await device.createExecutable(sampleExecutableManifestInput());
    const small = device.createBuffer({ byteLength: 64 });
    const entry = exe.entryPoint('copy_u32');
    const cb = device.createCommandBuffer();
    cb.begin();
    cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: small }, { binding: 1, buffer: small }] });
    cb.pushConstants({ layout: entry.layout, values: [4096] });
    cb.dispatch({ executable: exe, entryPoint: 'copy_u32', workgroupCount: [16, 1, 1] });
    cb.end();
    const faulted = device.createSemaphore(0n);
    const unrelated = device.createSemaphore(0n);
    const pendingOut = device.createSemaphore(0n);
    const hostGate = device.createSemaphore(0n);
    device.queue.barrier({ waits: [{ semaphore: hostGate, value: 1n }], signals: [{ semaphore: pendingOut, value: 1n }] });
    device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: faulted, value: 1n }] });
    const fault = await expectRejects(faulted.wait(1n), StatusCode.INTERNAL, 'kernel fault');
    expect(device.lostError).toBe(fault);
    await expectRejects(pendingOut.wait(1n), StatusCode.INTERNAL, 'kernel fault');
    await expectRejects(unrelated.wait(1n), StatusCode.INTERNAL, 'kernel fault');
    expectHalError(() => device.createBuffer({ byteLength: 8 }), StatusCode.INTERNAL, 'kernel fault');
    expectHalError(() => device.queue.barrier(), StatusCode.INTERNAL, 'kernel fault');
    expectHalError(() => hostGate.signal(1n), StatusCode.INTERNAL, 'kernel fault');
    device.destroy();
    expectNoDriverObjects(device);
  });
});

simOnly.describe('drivers whose faults are sticky', () => {
  it('a same-lane dependent gets no event wait (nothing behind a fault runs there), and the chain still runs in order', async () => {
    registerBackend('sim-sticky-info', {
      name: 'sim',
      probe: (o) => simProvider.probe(o),
      open: async (o) => {
        const real = await simProvider.open(o);
        return new Proxy(real, {
          get(target, property) {
            if (property === 'info') return { ...target.info, stickyFaults: true };
            const value: unknown = Reflect.get(target, property, target);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      },
    });
    const device = await createDevice({ backend: 'sim-sticky-info', seed: 5 });
    const streamWaits = countStreamWaits(device);
    const buffer = device.createBuffer({ byteLength: 64 });
    const s = device.createSemaphore(0n);
    for (let i = 1; i <= 8; i++) {
      device.queue.fill({ buffer, pattern: i, patternLength: 1, waits: [{ semaphore: s, value: BigInt(i - 1) }], signals: [{ semaphore: s, value: BigInt(i) }] });
    }
    await s.wait(8n);
    expect(streamWaits()).toEqual({ sameStream: 0, crossStream: 0 });
    expect(await device.download(buffer)).toEqual(new Uint8Array(64).fill(8));
    device.destroy();
    expectNoDriverObjects(device);
  });
});
