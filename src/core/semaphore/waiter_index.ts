/**
 * Waiters of one semaphore, ordered by the value they need: what a new value releases is always a prefix.
 *
 * Submissions and host waits usually arrive in value order — forward (a pipeline) or backward (a chain submitted
 * last link first) — so the index keeps a sorted ring deque that takes keys at either end in O(1) amortized, and
 * only a key landing strictly inside that run goes to a binary min-heap (O(log n)). Popping takes the smaller of the
 * two fronts. Submitting stays O(1) amortized in the number of pending submissions for the common orders, and never
 * worse than O(log n).
 */
import { MinHeap, type HeapEntry } from './min_heap.js';

export class WaiterIndex<T extends HeapEntry> {
  /** Ring buffer holding a sorted run (ascending keys) from `head` for `count` slots. */
  private ring: (T | undefined)[] = new Array(8);
  private head = 0;
  private count = 0;
  /** Keys that arrived inside the sorted run's range. */
  private readonly overflow = new MinHeap<T>();

  get size(): number {
    return this.count + this.overflow.size;
  }

  push(item: T): void {
    if (this.count === 0) {
      this.pushBack(item);
      return;
    }
    if (item.key >= this.at(this.count - 1).key) this.pushBack(item);
    else if (item.key <= this.at(0).key) this.pushFront(item);
    else this.overflow.push(item);
  }

  peek(): T | undefined {
    const front = this.count > 0 ? this.at(0) : undefined;
    const top = this.overflow.peek();
    if (front === undefined) return top;
    if (top === undefined) return front;
    return top.key < front.key ? top : front;
  }

  pop(): T | undefined {
    const front = this.count > 0 ? this.at(0) : undefined;
    const top = this.overflow.peek();
    if (front === undefined || (top !== undefined && top.key < front.key)) return this.overflow.pop();
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.count--;
    return front;
  }

  /** Removes every entry for which `keep` is false; O(n). */
  filter(keep: (item: T) => boolean): void {
    const kept = this.drain().filter(keep);
    for (const item of kept) this.overflow.push(item);
  }

  /** Removes and returns everything, in no particular order. */
  drain(): T[] {
    const items: T[] = [];
    for (let i = 0; i < this.count; i++) items.push(this.at(i));
    this.ring = new Array(8);
    this.head = 0;
    this.count = 0;
    return items.concat(this.overflow.drain());
  }

  private at(i: number): T {
    return this.ring[(this.head + i) & (this.ring.length - 1)]!;
  }

  private pushBack(item: T): void {
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) & (this.ring.length - 1)] = item;
    this.count++;
  }

  private pushFront(item: T): void {
    if (this.count === this.ring.length) this.grow();
    this.head = (this.head - 1) & (this.ring.length - 1);
    this.ring[this.head] = item;
    this.count++;
  }

  /** Doubles the ring (its length stays a power of two, so indexes wrap with a mask). */
  private grow(): void {
    const next: (T | undefined)[] = new Array(this.ring.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.at(i);
    this.ring = next;
    this.head = 0;
  }
}
