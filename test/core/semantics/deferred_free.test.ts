/**
 * Buffer memory released while device work is in flight is normally not freed at once. The last capture of a buffer
 * is released inside retire (the completion path); on hip a synchronous cuMemFree / hipFree there may implicitly
 * synchronize the device and stall the completion poller until unrelated work finishes. Before the fix the core
 * called driver.memFree right there; now the free is deferred until nothing is in flight. Deferred memory is still
 * freed synchronously while work is in flight in two cases, accepting the possible stall under memory pressure:
 * when the deferred total passes 1/8 of device memory, and when an allocation (createBuffer, alloca, command-buffer
 * staging, graph instantiation, module load) would otherwise fail with RESOURCE_EXHAUSTED (reclaim and retry). At
 * teardown the rest is freed, and the driver's object counts still return to zero after destroy.
 */
import { expect, vi } from 'vitest';
import { HalError, StatusCode, type Device, type GpuBuffer } from '../../../src/index.js';
import { simOnly, testDevice } from '../../helpers/device.js';

const CHUNK = 256 << 10;

/** Allocates buffers until device memory is exhausted (largest first, down to 16 bytes); returns them. */
function fillMemory(device: Device): GpuBuffer[] {
  const buffers: GpuBuffer[] = [];
  for (const size of [CHUNK, 16 << 10, 1 << 10, 64, 16]) {
    for (;;) {
      try {
        buffers.push(device.createBuffer({ byteLength: size, label: `filler${buffers.length}` }));
      } catch (error) {
        if (!(error instanceof HalError) || error.code !== StatusCode.RESOURCE_EXHAUSTED) throw error;
        break;
      }
    }
  }
  return buffers;
}

/**
 * Keeps queue 0 busy: a chain of fills of `big`, each ordered after the previous one, so something stays in
 * flight for far longer than a few short fills take. Resolves when the chain is done.
 */
function keepBusy(device: Device, big: GpuBuffer): Promise<void> {
  const chain = device.createSemaphore(0n, { label: 'busy' });
  const links = 64;
  for (let i = 1; i <= links; i++) {
    const waits = i === 1 ? [] : [{ semaphore: chain, value: BigInt(i - 1) }];
    device.queues[0]!.fill({ buffer: big, pattern: i, patternLength: 1, waits, signals: [{ semaphore: chain, value: BigInt(i) }] });
  }
  return chain.wait(BigInt(links));
}

/**
 * Drops `buffers` while only short fills on queue 1 use them; resolves once those fills retired. The caller keeps
 * queue 0 busy (keepBusy), so their memory is released with work in flight.
 */
async function releaseWhileBusy(device: Device, buffers: GpuBuffer[]): Promise<void> {
  const done = device.createSemaphore(0n);
  buffers.forEach((buffer, i) => {
    device.queues[1]!.fill({ buffer, pattern: 2, patternLength: 1, length: 16, signals: [{ semaphore: done, value: BigInt(i + 1) }] });
    buffer.destroy(); // only the fill holds it now
  });
  await done.wait(BigInt(buffers.length));
  expect(device.workCounts.inFlight).toBeGreaterThan(0); // the busy chain
}

async function untilIdle(device: { workCounts: { inFlight: number } }): Promise<void> {
  while (device.workCounts.inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
}

simOnly.describe('deferred buffer frees', () => {
  simOnly.it('a buffer whose last user retires while other work runs is freed once nothing is in flight', async () => {
    const device = await testDevice({ seed: 1 });
    const memFree = vi.spyOn(device.driver, 'memFree');
    const big = device.createBuffer({ byteLength: 8 << 20, label: 'big' });
    const small = device.createBuffer({ byteLength: 64, label: 'small' });
    const long = device.createSemaphore(0n);
    const short = device.createSemaphore(0n);
    device.queue.fill({ buffer: big, pattern: 1, patternLength: 1, signals: [{ semaphore: long, value: 1n }] });
    device.queue.fill({ buffer: small, pattern: 2, patternLength: 1, signals: [{ semaphore: short, value: 1n }] });
    small.destroy(); // only the fill holds it now
    const allocations = device.driver.outstanding().allocations;

    await short.wait(1n);
    // The small fill retired (releasing the buffer's last reference) while the big fill is still running.
    expect(device.workCounts.inFlight).toBe(1);
    expect(memFree).not.toHaveBeenCalled();
    expect(device.driver.outstanding().allocations).toBe(allocations);

    await long.wait(1n);
    await untilIdle(device);
    expect(memFree).toHaveBeenCalledTimes(1);
    expect(device.driver.outstanding().allocations).toBe(allocations - 1);
  });

  simOnly.it('an allocation that needs deferred memory reclaims it; destroy frees what is still deferred', async () => {
    const device = await testDevice({ seed: 1, memoryBytes: 8 << 20, queueCount: 2 });
    const big = device.createBuffer({ byteLength: 2 << 20, label: 'big' });
    const chunks = fillMemory(device);
    const busy = keepBusy(device, big);
    await releaseWhileBusy(device, [chunks.shift()!]);
    // Only the deferred chunk makes room for this: the first allocation fails, reclaims it (one memFree), retries.
    const memFree = vi.spyOn(device.driver, 'memFree');
    const again = device.createBuffer({ byteLength: CHUNK, label: 'again' });
    expect(memFree).toHaveBeenCalledTimes(1);
    // The same for alloca's stream-ordered allocation.
    await releaseWhileBusy(device, [chunks.shift()!]);
    const scratch = device.queue.alloca({ byteLength: CHUNK / 2, label: 'scratch' });
    expect(memFree).toHaveBeenCalledTimes(2);
    expect(again.byteLength + scratch.byteLength).toBe(1.5 * CHUNK);
    // Deferred again: the last user of `again` retires while the big fill still runs; destroy must free it.
    const live = device.driver.outstanding().allocations;
    await releaseWhileBusy(device, [again]);
    expect(device.driver.outstanding().allocations).toBe(live);
    device.destroy(); // with the busy chain still in flight and `again` still deferred
    await expect(busy).rejects.toBeInstanceOf(HalError);
    expect(device.driver.outstanding().allocations).toBe(0);
  });

  simOnly.it('deferred frees past 1/8 of device memory are freed at once, with work still in flight', async () => {
    const device = await testDevice({ seed: 1, memoryBytes: 8 << 20, queueCount: 2 });
    const limit = Math.floor(device.info.totalMemoryBytes / 8);
    const flushAfter = Math.floor(limit / CHUNK) + 1; // the release that takes the total past the limit
    const count = flushAfter + 1;
    const big = device.createBuffer({ byteLength: 2 << 20, label: 'big' });
    const buffers = Array.from({ length: count }, (_, i) => device.createBuffer({ byteLength: CHUNK, label: `b${i}` }));
    const busy = keepBusy(device, big);
    const memFree = vi.spyOn(device.driver, 'memFree');
    const before = device.driver.outstanding().allocations;
    await releaseWhileBusy(device, buffers);
    // The first `flushAfter` were freed together when their total passed the limit; the last one waits.
    expect(memFree).toHaveBeenCalledTimes(flushAfter);
    expect(device.driver.outstanding().allocations).toBe(before - flushAfter);
    await busy;
    await untilIdle(device);
    expect(memFree).toHaveBeenCalledTimes(count);
  });

  simOnly.it('command-buffer staging and graph instantiation reclaim deferred memory too', async () => {
    const device = await testDevice({ seed: 1, memoryBytes: 8 << 20, queueCount: 2, commandBufferMode: 'graph' });
    const big = device.createBuffer({ byteLength: 2 << 20, label: 'big' });
    const target = device.createBuffer({ byteLength: CHUNK / 2, label: 'target' });
    const chunks = fillMemory(device);
    const busy = keepBusy(device, big);
    const memFree = vi.spyOn(device.driver, 'memFree');
    // Update staging (a memAlloc in end()) needs the deferred chunk.
    await releaseWhileBusy(device, [chunks.shift()!]);
    const staged = device.createCommandBuffer();
    staged.begin();
    staged.update({ buffer: target, data: new Uint8Array(CHUNK / 2).fill(9) });
    staged.end();
    expect(memFree).toHaveBeenCalledTimes(1);
    // Graph instantiation (device memory for the graph) needs the deferred chunk: nothing else is free.
    const rest = fillMemory(device);
    await releaseWhileBusy(device, [chunks.shift()!]);
    const filled = device.createCommandBuffer();
    filled.begin();
    filled.fill({ buffer: target, pattern: 3, patternLength: 1 });
    filled.end();
    expect(memFree).toHaveBeenCalledTimes(2);
    expect(rest.length).toBeGreaterThan(0);
    await busy;
  });
});
