/**
 * Stream-ordered allocation, or its fallback where the library lacks the symbols (hipMallocAsync / cuMemAllocAsync)
 * or the device has no memory pools: allocate at once (the memory is usable by everything ordered after the call,
 * which is all the seam promises), and free once the stream has passed the free, so work enqueued before it can
 * still use the memory. The fallback's free happens at a polling tick (fences.ts) and may implicitly synchronize
 * the device, as any cuMemFree / hipFree may.
 */
import type { FenceSet } from './fences.js';
import type { PlatformApi } from './platform_api.js';

export class StreamOrderedMemory {
  /** True when the platform's own stream-ordered calls are used. */
  readonly native: boolean;

  constructor(
    private readonly api: PlatformApi,
    private readonly fences: FenceSet,
    memoryPools: boolean,
  ) {
    this.native = api.hasAsyncAllocation && memoryPools;
  }

  /** For info.details when the fallback is in effect, saying why; undefined otherwise. */
  fallbackNote(): string | undefined {
    if (this.native) return undefined;
    return this.api.hasAsyncAllocation
      ? 'device has no memory pools: memAllocAsync allocates now, memFreeAsync frees once the stream passes it'
      : 'library lacks stream-ordered allocation: memAllocAsync allocates now, memFreeAsync frees once the stream passes it';
  }

  alloc(bytes: number, stream: number): number {
    return this.native ? this.api.memAllocAsync(bytes, stream) : this.api.memAlloc(bytes);
  }

  free(ptr: number, stream: number): void {
    if (this.native) this.api.memFreeAsync(ptr, stream);
    else this.fences.whenComplete(this.fences.record(stream), () => this.api.memFree(ptr));
  }
}
