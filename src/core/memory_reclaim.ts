/**
 * Retry-after-reclaim for device allocations made by code that sees only the driver (command-buffer update staging,
 * graph instantiation, module loads). A device defers buffer frees while work is in flight (DeviceCore.freeMemory);
 * an allocation that fails with RESOURCE_EXHAUSTED while such memory is waiting must free it and try once more, or
 * it fails although the memory exists. The owning device registers its `retryAfterReclaim` for its driver here, so
 * every core-side allocation path goes through that one helper.
 */
import type { GpuDriver } from './driver.js';

export interface MemoryReclaimer {
  /** Runs `allocate`; on RESOURCE_EXHAUSTED frees deferred memory (if there is any) and runs it once more. */
  retryAfterReclaim<T>(allocate: () => T): T;
}

const reclaimers = new WeakMap<GpuDriver, MemoryReclaimer>();

export function registerMemoryReclaimer(driver: GpuDriver, reclaimer: MemoryReclaimer): void {
  reclaimers.set(driver, reclaimer);
}

export function unregisterMemoryReclaimer(driver: GpuDriver): void {
  reclaimers.delete(driver);
}

/** A device allocation through `driver`, retried after its device reclaimed deferred frees (if it has a device). */
export function allocateReclaiming<T>(driver: GpuDriver, allocate: () => T): T {
  const reclaimer = reclaimers.get(driver);
  return reclaimer === undefined ? allocate() : reclaimer.retryAfterReclaim(allocate);
}
