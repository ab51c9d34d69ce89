/**
 * Driver-internal completion tracking: an event recorded after some stream work, queried from the JS event loop.
 *
 * Used for what the driver itself must hold until the device is done with it (pinned staging blocks, readbacks,
 * frees deferred by the stream-ordered allocation fallback). It follows the core's pattern (event_pool.ts and
 * completion_poller.ts in src/core/scheduler/) at the scale it needs:
 * - fences are kept per stream in record order, and work on one stream completes in order, so a polling round
 *   queries only the oldest fence of each stream and stops there: O(streams + completed), never a scan of
 *   everything outstanding;
 * - events are pooled, but at most MAX_IDLE_EVENTS are kept, so a burst of thousands of staged copies gives its
 *   events back instead of pinning them for the driver's lifetime.
 * Nothing here ever blocks.
 */
import type { PlatformApi } from './platform_api.js';
import { ignoreErrors } from '../../util/ignore_errors.js';

/** Free events kept for reuse; more are destroyed when they come back. */
const MAX_IDLE_EVENTS = 64;

export class Fence {
  completed = false;
  /** Run once the fence completed (by the polling round or query that sees it). */
  actions: (() => void)[] | undefined;

  constructor(
    readonly event: number,
    readonly stream: number,
  ) {}
}

export class FenceSet {
  private readonly idleEvents: number[] = [];
  /** Unretired fences per stream, oldest first. */
  private readonly byStream = new Map<number, Fence[]>();
  private outstanding = 0;

  constructor(private readonly api: PlatformApi) {}

  /** Records a fence after the work enqueued on `stream` so far. */
  record(stream: number): Fence {
    const event = this.idleEvents.pop() ?? this.api.eventCreate();
    try {
      this.api.eventRecord(event, stream);
    } catch (error) {
      this.returnEvent(event);
      throw error;
    }
    const fence = new Fence(event, stream);
    let queue = this.byStream.get(stream);
    if (queue === undefined) this.byStream.set(stream, (queue = []));
    queue.push(fence);
    this.outstanding++;
    return fence;
  }

  /** True once the fenced work completed; throws the device's error if it faulted. */
  isComplete(fence: Fence): boolean {
    if (fence.completed) return true;
    if (!this.api.eventQuery(fence.event)) return false;
    this.retireThrough(fence);
    return true;
  }

  /** Runs `action` once the fence completes (seen by `poll` or `isComplete`), or now if it already has. */
  whenComplete(fence: Fence, action: () => void): void {
    if (fence.completed) action();
    else (fence.actions ??= []).push(action);
  }

  /**
   * One polling round: retires the completed fences of every stream, oldest first, running their actions. A query
   * that throws (a lost device) leaves that stream's fences for `destroy`.
   */
  poll(): void {
    if (this.outstanding === 0) return;
    for (const queue of this.byStream.values()) {
      const head = queue[0];
      if (head === undefined) continue;
      ignoreErrors('a lost device: its fences are released by destroy()', () => {
        // The newest completed fence retires every older one of its stream, so one query can retire many.
        let done = -1;
        for (let i = 0; i < queue.length && this.api.eventQuery(queue[i]!.event); i++) done = i;
        if (done >= 0) this.retireThrough(queue[done]!);
      });
    }
  }

  /** Fences recorded and not yet seen complete: driver-held work that may still run. */
  get pending(): number {
    return this.outstanding;
  }

  /** Runs every remaining action (the device is being released) and destroys every event. */
  destroy(): void {
    this.poll();
    for (const queue of this.byStream.values()) {
      for (const fence of queue.splice(0)) {
        for (const action of fence.actions ?? []) ignoreErrors('releasing host resources of a lost device', action);
        ignoreErrors('destroying an event of a lost device', () => this.api.eventDestroy(fence.event));
      }
    }
    this.byStream.clear();
    this.outstanding = 0;
    for (const event of this.idleEvents.splice(0)) ignoreErrors('destroying an event of a lost device', () => this.api.eventDestroy(event));
  }

  /**
   * Retires `fence` and every older fence of its stream (stream work completes in order). Every action runs; the
   * first that throws is rethrown afterwards.
   */
  private retireThrough(fence: Fence): void {
    const queue = this.byStream.get(fence.stream)!;
    const count = queue.indexOf(fence) + 1;
    let failure: { error: unknown } | undefined;
    for (const retired of queue.splice(0, count)) {
      retired.completed = true;
      this.outstanding--;
      const actions = retired.actions;
      retired.actions = undefined;
      for (const action of actions ?? []) {
        try {
          action();
        } catch (error) {
          failure ??= { error };
        }
      }
      this.returnEvent(retired.event);
    }
    if (queue.length === 0) this.byStream.delete(fence.stream);
    if (failure !== undefined) throw failure.error;
  }

  private returnEvent(event: number): void {
    if (this.idleEvents.length < MAX_IDLE_EVENTS) this.idleEvents.push(event);
    else this.api.eventDestroy(event);
  }
}
