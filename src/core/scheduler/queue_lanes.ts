/**
 * One queue's lanes: several driver streams behind one queue (the device option `streamsPerQueue`).
 *
 * docs/design.md rule 4 orders queue operations only through semaphores. With one stream per queue every submission
 * would still run in submission order, so a missing semaphore between two operations on the same queue could
 * never show on a modelled device (rule 11), and independent work on one queue could never overlap on a GPU. Several
 * streams make the contract real: independent submissions go round-robin over the lanes, and a modelled device's seed
 * then decides which of them starts first.
 *
 * The choice is deterministic (it depends only on the order of issue), so the same program and seed still replay
 * identically. A submission that continues a dependency chain — it waits on the most recent submission issued to
 * one of this queue's lanes — is issued behind it on that lane: the stream orders the pair (its event wait on the
 * producer costs no stream switch and only carries the producer's failure), and nothing is ordered that was not
 * already ordered by the semaphore.
 */
import type { DriverStream } from '../driver.js';
import type { HalError } from '../errors.js';
import { Lane } from './lane.js';

/**
 * Where a queue's submissions report that they became ready, or failed before issue (the scheduler). Callbacks,
 * not driver events: the name keeps the two apart.
 */
export interface QueueNotify<T> {
  ready(submission: T): void;
  failed(submission: T, error: HalError): void;
}

export class QueueLanes<T> {
  readonly lanes: readonly Lane<T>[];
  private cursor = 0;
  /** The lane taken most recently. */
  private last: Lane<T> | undefined;

  constructor(
    /** The queue's index on its device. */
    readonly index: number,
    streams: readonly DriverStream[],
    /** Shared by all of a scheduler's queues; here so a submission needs no field of its own for it. */
    readonly notify: QueueNotify<T>,
  ) {
    this.lanes = streams.map((stream, i) => new Lane<T>(stream, this, i));
  }

  /** The lane for work that follows no in-flight submission of this queue: the lanes in turn. */
  nextLane(): Lane<T> {
    const lane = this.peekLane();
    this.commitLane(lane);
    return lane;
  }

  /**
   * The lane `nextLane` would give, without taking it. With nothing of this queue in flight every lane orders the
   * same (nothing), so the last one is reused: a real GPU then skips a stream switch (0.3–0.6 µs of round trip on an
   * H200, bench/hip/RESULTS.md). Work submitted while earlier work is in flight still goes to the lanes in turn.
   */
  peekLane(): Lane<T> {
    if (this.last !== undefined && this.idle()) return this.last;
    return this.lanes[this.cursor]!;
  }

  /** Takes `lane` (from `peekLane`): when it was the lane in turn, the next one in turn is the lane after it. */
  commitLane(lane: Lane<T>): void {
    if (lane === this.lanes[this.cursor]) this.cursor = lane.index + 1 === this.lanes.length ? 0 : lane.index + 1;
    this.last = lane;
  }

  private idle(): boolean {
    for (let i = 0; i < this.lanes.length; i++) if (this.lanes[i]!.size !== 0) return false;
    return true;
  }
}
