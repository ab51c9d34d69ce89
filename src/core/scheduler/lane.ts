/**
 * A lane is one queue's driver stream plus its in-flight submissions in issue order.
 *
 * A stream runs its work in order, so the lane's oldest submission completes first: the completion poller only
 * queries each lane's head, making a polling round O(lanes + completions) instead of O(in flight).
 */
import type { DriverStream } from '../driver.js';

export class Lane<T> {
  private items: T[] = [];
  private head = 0;

  constructor(
    readonly stream: DriverStream,
    readonly index: number,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.head++;
    // Compact once the retired prefix dominates, keeping shift O(1) amortized.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
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
