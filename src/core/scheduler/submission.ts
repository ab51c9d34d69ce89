/**
 * One queue operation on its way through the scheduling stack:
 *   pending (some wait has neither a reached value nor a recorded timepoint)
 *   → ready (every wait satisfiable) → issued (on one of its queue's lanes, completion event recorded)
 *   → done (signals advanced, or failed with the cause).
 * A submission one of whose waits had already failed when it was submitted is `rejected`: never indexed, it goes
 * straight to done (failed).
 *
 * Thousands of submissions may be pending at once (wait-before-signal in reverse dependency order), so a
 * submission keeps its bookkeeping in its own fields instead of small side objects: it is the index entry of its
 * first blocked wait, the timepoint of its first signal, its own link in the pending list and its own entry in the
 * scheduler's work queue. Fewer objects per pending submission is less for the garbage collector to copy.
 */
import type { DriverEvent, DriverStream } from '../driver.js';
import type { HalError } from '../errors.js';
import type { Semaphore, SubmissionWaitTarget, SubmissionWaiter } from '../semaphore/semaphore.js';
import type { ExtraTimepoint, SubmissionTimepoint } from '../semaphore/timepoints.js';
import type { Lane } from './lane.js';
import type { QueueLanes } from './queue_lanes.js';
import { signalsStart, type SyncList } from './sync_list.js';

/** What a queue operation does once issued, and how it lets go of what it captured. */
export interface SubmissionWork {
  /** Names the operation in messages, e.g. "fill" or "execute". */
  readonly kind: string;
  /** Enqueues the operation's device work on `stream` (after the scheduler enqueued the stream waits). */
  encode(stream: DriverStream): void;
  /**
   * Called exactly once: after the work completed (`error` undefined) or when the submission failed, was
   * cancelled or aborted. Releases captured objects and settles promises (e.g. a read's bytes).
   */
  finish(error: HalError | undefined): void;
  /** The host may await this operation's promise (a read, an upload): a stall at exit settles it. */
  readonly awaited?: boolean;
}

export type SubmissionState = 'pending' | 'ready' | 'rejected' | 'issued' | 'done';

export class Submission implements SubmissionWaitTarget, SubmissionWaiter, SubmissionTimepoint {
  state: SubmissionState = 'pending';
  /** As the index entry of its first blocked wait: that wait's value (further blocked waits get own entries). */
  key = 0n;
  /** Waits not yet satisfiable. */
  unresolved = 0;
  /** The lane it was issued on; set before issue only when the operation needs a particular lane (alloca). */
  lane: Lane<Submission> | undefined;
  /** The recorded completion event, while issued. */
  event: DriverEvent | undefined;
  /** As the timepoint of its first signal, while issued: the value it will signal. */
  value = 0n;
  /** True while the first signal's timepoint is registered with its semaphore. */
  timepointed = false;
  /** Timepoints of the signals after the first, while issued. */
  extraTimepoints: ExtraTimepoint[] | undefined;
  /** Links in the scheduler's intrusive list of pending submissions (O(1) insert and removal, no hashing). */
  pendingPrev: Submission | undefined;
  pendingNext: Submission | undefined;
  /** Set when the submission must fail instead of issuing (the first cause wins). */
  failure: HalError | undefined;
  /** The next submission in the scheduler's queue of work to issue or fail. */
  nextWork: Submission | undefined;

  constructor(
    /** Its queue, which also routes its ready / failed notifications to the scheduler. */
    readonly queue: QueueLanes<Submission>,
    /** The waits and signals, flat (sync_list.ts). */
    readonly sync: SyncList,
    readonly work: SubmissionWork,
  ) {}

  get target(): SubmissionWaitTarget {
    return this;
  }

  get owner(): Submission {
    return this;
  }

  /** As the timepoint of its first signal: that signal's semaphore. */
  get semaphore(): Semaphore {
    return this.sync[signalsStart(this.sync)] as Semaphore;
  }

  /**
   * A submission that failed before issue while some of its waits were still indexed leaves those entries behind;
   * its semaphores recognize them by this (only a failed submission can be done with an entry still indexed: an
   * issued one had every wait satisfied, which removes its entries).
   */
  get abandoned(): boolean {
    return this.state === 'done';
  }

  waitSatisfied(): void {
    if (this.state !== 'pending') return;
    if (--this.unresolved === 0) {
      this.state = 'ready';
      this.queue.notify.ready(this);
    }
  }

  waitFailed(error: HalError): void {
    if (this.state === 'pending' || this.state === 'ready') this.queue.notify.failed(this, error);
  }
}
