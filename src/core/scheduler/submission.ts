/**
 * One queue operation on its way through the scheduling stack:
 *   pending (some wait has neither a reached value nor a recorded timepoint)
 *   → ready (every wait satisfiable) → issued (on its lane's stream, completion event recorded)
 *   → done (signals advanced, or failed with the cause).
 */
import type { DriverEvent, DriverStream } from '../driver.js';
import type { HalError } from '../errors.js';
import type { SemaphoreValue } from '../semaphore/host_wait.js';
import type { Semaphore, SubmissionWaitTarget, SubmissionWaiter, Timepoint } from '../semaphore/semaphore.js';
import type { Lane } from './lane.js';

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
}

export type SubmissionState = 'pending' | 'ready' | 'issued' | 'done';

export interface SubmissionEvents {
  ready(submission: Submission): void;
  failed(submission: Submission, error: HalError): void;
}

export class Submission implements SubmissionWaitTarget, SubmissionWaiter {
  state: SubmissionState = 'pending';
  /**
   * The submission doubles as the index entry of its first blocked wait (key = that wait's value), saving an
   * object per pending submission; further blocked waits get their own entries.
   */
  key = 0n;
  get target(): SubmissionWaitTarget {
    return this;
  }
  /** Waits not yet satisfiable. */
  unresolved = 0;
  /** The recorded completion event, while issued. */
  event: DriverEvent | undefined;
  /** This submission's entries in its signal semaphores' timepoint lists, while issued. */
  timepoints: SubmissionTimepoint[] | undefined;
  /** Links in the scheduler's intrusive list of pending submissions (O(1) insert and removal, no hashing). */
  pendingPrev: Submission | undefined;
  pendingNext: Submission | undefined;
  inPendingList = false;

  constructor(
    readonly lane: Lane<Submission>,
    readonly waits: readonly SemaphoreValue[],
    readonly signals: readonly SemaphoreValue[],
    readonly work: SubmissionWork,
    private readonly events: SubmissionEvents,
  ) {}

  waitSatisfied(): void {
    if (this.state !== 'pending') return;
    if (--this.unresolved === 0) {
      this.state = 'ready';
      this.events.ready(this);
    }
  }

  waitFailed(error: HalError): void {
    if (this.state === 'pending' || this.state === 'ready') this.events.failed(this, error);
  }
}

export interface SubmissionTimepoint extends Timepoint {
  readonly owner: Submission;
  readonly semaphore: Semaphore;
}
