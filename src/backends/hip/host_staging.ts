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
import { ignoreErrors } from '../../util/ignore_errors.js';

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
  /** Every block allocated and not yet freed, leased or pooled, so destroy() frees them all. */
  private readonly all = new Set<PinnedBlock>();
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
      this.all.delete(block);
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

  /** Frees every block, leased ones included: the driver is going away and no copy may use them any more. */
  destroy(): void {
    for (const block of this.all) this.tryFree(block.address);
    this.all.clear();
    this.free.clear();
    this.leased = 0;
  }

  private allocate(capacity: number): PinnedBlock {
    const address = this.api.hostAlloc(capacity);
    const block = { address, capacity, bytes: new Uint8Array(koffi.view(address, capacity)) };
    this.all.add(block);
    return block;
  }

  private tryFree(address: number): void {
    // A lost device may refuse; the memory goes with the process.
    ignoreErrors('freeing pinned memory of a lost device', () => this.api.hostFree(address));
  }
}
