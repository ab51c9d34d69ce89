/**
 * Driver-internal completion tracking: an event recorded after some stream work, queried from the JS event loop.
 *
 * Used for what the driver itself must hold until the device is done with it (pinned staging blocks, readbacks,
 * frees deferred by the stream-ordered allocation fallback). Events are pooled; nothing here ever blocks.
 */
import type { PlatformApi } from './platform_api.js';

export class Fence {
  completed = false;
  constructor(public event: number) {}
}

export class FenceSet {
  private readonly idleEvents: number[] = [];
  private readonly deferred: { fence: Fence; action: () => void }[] = [];
  private liveEvents = 0;

  constructor(private readonly api: PlatformApi) {}

  /** Records a fence after the work enqueued on `stream` so far. */
  record(stream: number): Fence {
    const event = this.idleEvents.pop() ?? this.createEvent();
    try {
      this.api.eventRecord(event, stream);
    } catch (error) {
      this.idleEvents.push(event);
      throw error;
    }
    return new Fence(event);
  }

  /** True once the fenced work completed; throws the device's error if it faulted. */
  isComplete(fence: Fence): boolean {
    if (fence.completed) return true;
    if (!this.api.eventQuery(fence.event)) return false;
    this.retire(fence);
    return true;
  }

  /** Runs `action` once the fence completes (checked by `poll`), or now if it already has. */
  whenComplete(fence: Fence, action: () => void): void {
    if (fence.completed) action();
    else this.deferred.push({ fence, action });
  }

  /** Runs the actions whose fences completed. Errors (a lost device) leave them for `destroy`. */
  poll(): void {
    if (this.deferred.length === 0) return;
    let kept = 0;
    for (let i = 0; i < this.deferred.length; i++) {
      const entry = this.deferred[i]!;
      let done = false;
      try {
        done = this.isComplete(entry.fence);
      } catch {
        done = false;
      }
      if (done) entry.action();
      else this.deferred[kept++] = entry;
    }
    this.deferred.length = kept;
  }

  get pending(): number {
    return this.deferred.length;
  }

  /** Runs every remaining action (the device is being released) and destroys the events. */
  destroy(): void {
    this.poll();
    for (const entry of this.deferred.splice(0)) {
      try {
        entry.action();
      } catch {
        // Releasing host resources of a lost device: nothing more to do.
      }
    }
    for (const event of this.idleEvents.splice(0)) {
      try {
        this.api.eventDestroy(event);
      } catch {
        // Lost device.
      }
    }
    this.liveEvents = 0;
  }

  private retire(fence: Fence): void {
    fence.completed = true;
    this.idleEvents.push(fence.event);
  }

  private createEvent(): number {
    const event = this.api.eventCreate();
    this.liveEvents++;
    return event;
  }
}
