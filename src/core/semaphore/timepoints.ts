/**
 * Timepoints: issued-but-incomplete submissions that will signal a semaphore value once their *recorded*
 * completion event completes. A pending submission whose wait is covered by a timepoint can be issued behind that
 * event (a stream wait) instead of waiting for the value. Values nobody has issued have no timepoint, so nothing
 * ever waits on an event that was never recorded.
 *
 * Each semaphore keeps its timepoints in a `TimepointList`; the scheduler creates them when it issues a
 * submission (the submission itself is the timepoint of its first signal, an `ExtraTimepoint` each further one)
 * and removes them when the submission retires or fails.
 */
import type { Submission } from '../scheduler/submission.js';
import type { Semaphore } from './semaphore.js';

/** An issued submission (`owner`) that will signal `value` when its recorded event completes. */
export interface Timepoint {
  readonly value: bigint;
  readonly owner: object;
}

/** A submission's promise to signal `value` on `semaphore` once its recorded event completes. */
export interface SubmissionTimepoint extends Timepoint {
  readonly owner: Submission;
  readonly semaphore: Semaphore;
}

/** The timepoint of a signal after a submission's first (the first one is the submission itself). */
export class ExtraTimepoint implements SubmissionTimepoint {
  constructor(
    readonly value: bigint,
    readonly owner: Submission,
    readonly semaphore: Semaphore,
  ) {}
}

/**
 * One semaphore's timepoints, sorted by value from `head` on. Signals usually increase in issue order and retire
 * oldest first, so inserts append and removals advance the head: both O(1) amortized even with thousands in flight.
 */
export class TimepointList {
  private items: (Timepoint | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** The earliest timepoint of at least `value`, if any. */
  find(value: bigint): Timepoint | undefined {
    const tps = this.items;
    let lo = this.head;
    let hi = tps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tps[mid]!.value < value) lo = mid + 1;
      else hi = mid;
    }
    return tps[lo];
  }

  add(timepoint: Timepoint): void {
    const tps = this.items;
    let i = tps.length;
    while (i > this.head && tps[i - 1]!.value > timepoint.value) i--;
    if (i === tps.length) tps.push(timepoint);
    else tps.splice(i, 0, timepoint);
  }

  remove(timepoint: Timepoint): void {
    const tps = this.items;
    if (tps[this.head] === timepoint) {
      tps[this.head++] = undefined;
      if (this.head === tps.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > tps.length) {
        this.items = tps.slice(this.head);
        this.head = 0;
      }
      return;
    }
    const i = tps.indexOf(timepoint, this.head);
    if (i >= 0) tps.splice(i, 1);
  }
}
