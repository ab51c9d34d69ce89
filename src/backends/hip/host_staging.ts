/**
 * Pinned (page-locked) host memory for copies between JS and the device.
 *
 * JS buffers are never the target or source of asynchronous DMA: V8 may reuse or free them as soon as the call
 * returns, and pageable async copies can block the calling thread. Instead bytes are staged through blocks from
 * this pool, sized in powers of two and reused, and a block returns to the pool only once the copy that uses it has
 * completed (see fences.ts).
 */
import koffi from 'koffi';
import type { PlatformApi } from './platform_api.js';

export interface PinnedBlock {
  readonly address: number;
  readonly capacity: number;
  /** The whole block as bytes. */
  readonly bytes: Uint8Array;
}

const MIN_BLOCK = 4096;
/** Blocks above this are returned to the driver instead of being kept for reuse. */
const MAX_POOLED_BLOCK = 64 * 1024 * 1024;

export class PinnedPool {
  private readonly free = new Map<number, PinnedBlock[]>();
  private leased = 0;

  constructor(private readonly api: PlatformApi) {}

  acquire(byteLength: number): PinnedBlock {
    const capacity = Math.max(MIN_BLOCK, 2 ** Math.ceil(Math.log2(Math.max(1, byteLength))));
    const reused = this.free.get(capacity)?.pop();
    const block = reused ?? this.allocate(capacity);
    this.leased++;
    return block;
  }

  release(block: PinnedBlock): void {
    this.leased--;
    if (block.capacity > MAX_POOLED_BLOCK) {
      this.api.hostFree(block.address);
      return;
    }
    let list = this.free.get(block.capacity);
    if (!list) this.free.set(block.capacity, (list = []));
    list.push(block);
  }

  /** Blocks handed out and not yet released. */
  get outstanding(): number {
    return this.leased;
  }

  /** Frees the pooled blocks (leased ones are the owners' to release first). */
  destroy(): void {
    for (const list of this.free.values()) for (const block of list) this.tryFree(block.address);
    this.free.clear();
  }

  private allocate(capacity: number): PinnedBlock {
    const address = this.api.hostAlloc(capacity);
    return { address, capacity, bytes: new Uint8Array(koffi.view(address, capacity)) };
  }

  private tryFree(address: number): void {
    try {
      this.api.hostFree(address);
    } catch {
      // A lost device may refuse; the memory goes with the process.
    }
  }
}
