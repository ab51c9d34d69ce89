/**
 * Buffer memory is never freed synchronously while device work is in flight. The last capture of a buffer is
 * released inside retire (the completion path); on hip a synchronous cuMemFree / hipFree there may implicitly
 * synchronize the device and stall the completion poller until unrelated work finishes. Before the fix the core
 * called driver.memFree right there; now the free waits until nothing is in flight, or until an allocation needs the
 * memory, or teardown — and the driver's object counts still return to zero after destroy.
 */
import { expect, vi } from 'vitest';
import { simOnly, testDevice } from '../../helpers/device.js';

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
    const memoryBytes = 4 << 20;
    const device = await testDevice({ seed: 1, memoryBytes });
    const big = device.createBuffer({ byteLength: 2 << 20, label: 'big' });
    const half = device.createBuffer({ byteLength: 1 << 20, label: 'half' });
    const long = device.createSemaphore(0n);
    const short = device.createSemaphore(0n);
    device.queue.fill({ buffer: big, pattern: 1, patternLength: 1, signals: [{ semaphore: long, value: 1n }] });
    device.queue.fill({ buffer: half, pattern: 2, patternLength: 1, length: 64, signals: [{ semaphore: short, value: 1n }] });
    half.destroy();
    await short.wait(1n);
    expect(device.workCounts.inFlight).toBe(1);
    // Only the deferred megabyte makes room for these: the first allocation fails, reclaims it (one memFree), retries.
    const memFree = vi.spyOn(device.driver, 'memFree');
    const again = device.createBuffer({ byteLength: 1 << 20, label: 'again' });
    expect(memFree).toHaveBeenCalledTimes(1);
    const scratch = device.queue.alloca({ byteLength: 512 << 10, label: 'scratch' });
    expect(again.byteLength + scratch.byteLength).toBe(1.5 * (1 << 20));
    // Deferred again: the last user of `again` retires while the big fill still runs; destroy must free it.
    device.queue.fill({ buffer: again, pattern: 3, patternLength: 1, length: 64, signals: [{ semaphore: short, value: 2n }] });
    again.destroy();
    await short.wait(2n);
    expect(device.workCounts.inFlight).toBe(1);
    expect(device.driver.outstanding().allocations).toBe(3); // big, scratch and the deferred `again`
    // testDevice's teardown destroys the device and checks every driver count is back to zero.
  });
});
