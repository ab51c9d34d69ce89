/**
 * A device→host copy staged in pinned memory: `take()` copies the bytes out once the fence recorded after the copy
 * completed (FAILED_PRECONDITION before), `release()` returns the staging block when the copy no longer uses it.
 */
import type { DriverReadback } from '../../core/driver.js';
import { failedPrecondition, invalidArgument } from '../../core/errors.js';
import type { Fence } from './fences.js';
import type { PinnedBlock } from './host_staging.js';

/** What a readback needs from its driver. */
export interface ReadbackOwner {
  /** Whether the fence completed; throws when the driver was destroyed or the device faulted. */
  fenceComplete(fence: Fence): boolean;
  /** Returns the block to the pool once the fence completed. */
  releaseStaging(block: PinnedBlock, fence: Fence | undefined): void;
}

export class HipReadback implements DriverReadback {
  private released = false;

  constructor(
    private readonly driver: ReadbackOwner,
    private readonly block: PinnedBlock | undefined,
    private readonly fence: Fence | undefined,
    readonly byteLength: number,
  ) {}

  take(into?: Uint8Array): Uint8Array {
    if (this.released) throw failedPrecondition('readback take() after release()');
    if (into !== undefined && (!(into instanceof Uint8Array) || into.byteLength < this.byteLength)) {
      throw invalidArgument(`readback take() target must be a Uint8Array of at least ${this.byteLength} bytes`);
    }
    if (this.block && !this.driver.fenceComplete(this.fence!)) {
      throw failedPrecondition(`readback of ${this.byteLength} bytes taken before its copy completed`);
    }
    const target = into ?? new Uint8Array(this.byteLength);
    if (this.block) target.set(this.block.bytes.subarray(0, this.byteLength));
    return target;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.block) this.driver.releaseStaging(this.block, this.fence);
  }
}
