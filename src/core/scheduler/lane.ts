/**
 * A lane is one driver stream of a queue plus its in-flight submissions in issue order.
 *
 * A stream runs its work in order, so the lane's oldest submission completes first: the completion poller only
 * queries each lane's head, making a polling round O(lanes + completions) instead of O(in flight). A queue has
 * several lanes (queue_lanes.ts), which is what lets independent submissions on one queue overlap or reorder.
 */
import type { DriverStream } from '../driver.js';
import type { QueueLanes } from './queue_lanes.js';

export class Lane<T> {
  private items: T[] = [];
  private head = 0;

  constructor(
    readonly stream: DriverStream,
    /** The queue this lane belongs to. */
    readonly queue: QueueLanes<T>,
    /** Position among the queue's lanes. */
    readonly index: number,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  /** The most recently issued item still in flight, if any. */
  peekLast(): T | undefined {
    return this.items.length > this.head ? this.items[this.items.length - 1] : undefined;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T; // a retired item must not stay reachable from the lane
    this.head++;
    if (this.head === this.items.length) {
      // Drained: start over in place (no copy, and the backing store is reused by the next burst).
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      // Compact once the retired prefix dominates, keeping shift O(1) amortized.
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes everything (device teardown). */
  takeAll(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}
