/**
 * The scheduling stack beneath every queue operation (docs/design.md rules 4 and 5).
 *
 * - Pending queue actions: a submission is held until each wait is either reached or covered by a timepoint —
 *   the *recorded* completion event of an issued submission that signals at least that value. Waits are indexed
 *   per semaphore by value (waiter_index.ts), so a new value or timepoint touches only the submissions it
 *   releases, and submitting is O(waits), independent of how many submissions are pending. Submission order is
 *   irrelevant: wait-before-signal works across queues and in reverse dependency order.
 * - Lanes: each queue issues to several driver streams (queue_lanes.ts). A submission that waits on the latest
 *   work of one of its queue's lanes follows it on that lane; anything else takes the queue's lanes in turn, so
 *   independent submissions on one queue may overlap or run in either order (rule 4), and on a modelled device a seed
 *   decides which (rule 11).
 * - Issue: on the chosen lane's stream, `streamWaitEvent` on every covering timepoint's event (for earlier work
 *   on that same lane too, unless the driver's faults are sticky: the stream orders the pair, but only the event
 *   carries a producer's failure), then the work, then `eventRecord` of a pooled completion event; the submission's signals become timepoints,
 *   which may release further submissions.
 * - Completion: the device's single poller queries each lane's oldest in-flight event between `nextProgress()`
 *   ticks, then advances the signal semaphores in order, releases captures and recycles the event.
 * - Failure: a failed wait fails the submission before it runs and its signals with the same error, and its entries
 *   in its other waits' indexes are abandoned (counted and compacted, never left behind); a fault reported by
 *   `eventQuery` fails that submission's signals; an encode that throws (possibly after enqueuing part of the work)
 *   still records the completion event and retires as failed through its lane, so captures outlive whatever part
 *   was enqueued; nothing else is affected, and no waiter of a failed signal is left hanging.
 *
 * Everything runs on the JS thread: no worker threads, no host-function callbacks, and the scheduler never blocks
 * (only device teardown and frees under memory pressure may wait for a real GPU; see device.ts and memory_reclaim.ts).
 */
import type { DriverEvent, DriverStream, GpuDriver } from '../driver.js';
import { HalError, StatusCode } from '../errors.js';
import type { Semaphore } from '../semaphore/semaphore.js';
import type { TraceRecorder } from '../../trace/hooks.js';
import { ignoreErrors } from '../../util/ignore_errors.js';
import { CompletionPoller } from './completion_poller.js';
import { EventPool } from './event_pool.js';
import type { Lane } from './lane.js';
import { QueueLanes } from './queue_lanes.js';
import { ExtraTimepoint, type SubmissionTimepoint } from '../semaphore/timepoints.js';
import { Submission, type SubmissionWork } from './submission.js';
import { failedWait, signalsOf, signalsStart, waitsOf, type SyncList } from './sync_list.js';

export interface SchedulerHost {
  readonly driver: GpuDriver;
  /** The device's trace recorder while tracing is on; every hook is one optional call. */
  readonly trace: TraceRecorder | undefined;
  /**
   * Turns something a driver call threw into the HalError to report, and lets the device notice a sticky
   * failure (device lost). `call` names what the scheduler was doing.
   */
  driverFailure(error: unknown, call: string): HalError;
  /** The progress loop itself failed: the device must be treated as lost. */
  progressFailed(error: unknown): void;
  /** A polling round left nothing in flight: no device work is running (the device frees deferred memory). */
  idle(): void;
}

const noop = (): void => {};

export class Scheduler {
  /** One entry per queue, each with its lanes (driver streams). */
  readonly queues: readonly QueueLanes<Submission>[];
  /** Every lane of every queue, in queue order (what a polling round visits). */
  readonly lanes: readonly Lane<Submission>[];
  private readonly driver: GpuDriver;
  /** Whether a dependent behind its producer on the same lane still needs the producer's event (see issue()). */
  private readonly sameLaneWaits: boolean;
  private readonly eventPool: EventPool;
  private readonly poller: CompletionPoller;
  /** Submissions waiting on unsatisfiable waits, as an intrusive doubly-linked list. */
  private pendingHead: Submission | undefined;
  private pendingSize = 0;
  private inFlight = 0;
  /**
   * Submissions made ready (or doomed: `submission.failure`) and not yet issued, oldest first: an intrusive FIFO
   * through `submission.nextWork`, so queuing allocates nothing however long a released chain is.
   */
  private workHead: Submission | undefined;
  private workTail: Submission | undefined;
  private draining = false;
  /** Scratch list of the covering timepoints of the submission being issued (issue is never re-entered). */
  private readonly covering: SubmissionTimepoint[] = [];
  private readonly submissionNotify = {
    ready: (submission: Submission) => this.enqueue(submission, undefined),
    failed: (submission: Submission, error: HalError) => this.enqueue(submission, error),
  };

  /** `streams[q]` are queue q's driver streams, one lane each. */
  constructor(
    private readonly host: SchedulerHost,
    streams: readonly (readonly DriverStream[])[],
  ) {
    this.driver = host.driver;
    this.sameLaneWaits = host.driver.info.stickyFaults !== true;
    this.queues = streams.map((queueStreams, index) => new QueueLanes<Submission>(index, queueStreams, this.submissionNotify));
    this.lanes = this.queues.flatMap((queue) => queue.lanes);
    this.eventPool = new EventPool(host.driver);
    this.poller = new CompletionPoller(host.driver, () => this.pollRound(), (error) => host.progressFailed(error));
  }

  /** Submissions held because some wait is neither reached nor covered by an issued signal. */
  get pendingCount(): number {
    return this.pendingSize;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  /**
   * Runs `fn`, then issues or fails every submission it made ready, iteratively (a released chain of N
   * submissions is a loop, not N nested calls). Nested batches join the outer one.
   */
  batch(fn: () => void): void {
    if (this.draining) {
      fn();
      return;
    }
    this.draining = true;
    try {
      fn();
      this.drain();
    } finally {
      this.draining = false;
    }
  }

  /**
   * The lane queue `queueIndex` will give its next independent submission, without taking it. An operation that
   * must enqueue driver work at call time (alloca's stream-ordered allocation) peeks its lane here, enqueues, and
   * passes the lane to `submit`, which takes it: a call rejected in between (RESOURCE_EXHAUSTED) leaves the lane
   * rotation exactly as it was (docs/design.md rules 10 and 11).
   */
  peekLane(queueIndex: number): Lane<Submission> {
    return this.queues[queueIndex]!.peekLane();
  }

  /**
   * Accepts a validated, captured queue operation. Returns at once; the work is issued when its waits allow.
   * Any failed wait fails the submission (and its signals) immediately. `lane`, from `peekLane`, pins the lane
   * (and takes it in the queue's rotation). `rejection` (the race checker's strict mode) fails it at once, as a
   * failed wait would: it does not run and its signals fail. `label` names it in the trace (default: the work's kind).
   */
  submit(queueIndex: number, sync: SyncList, work: SubmissionWork, lane?: Lane<Submission>, rejection?: HalError, label?: string): Submission {
    const queue = this.queues[queueIndex]!;
    const submission = new Submission(queue, sync, work);
    if (lane !== undefined) {
      queue.commitLane(lane);
      submission.lane = lane;
    }
    this.host.trace?.submitted(submission, queue, { op: work.kind, ...(label !== undefined ? { label } : {}), waits: waitsOf(sync), signals: signalsOf(sync) });
    // batch() inlined: this is the per-operation hot path, so no closure per submission.
    const outer = !this.draining;
    this.draining = true;
    try {
      this.accept(submission, rejection);
      if (outer) this.drain();
    } finally {
      if (outer) this.draining = false;
    }
    return submission;
  }

  private accept(submission: Submission, rejection: HalError | undefined): void {
    const sync = submission.sync;
    const failure = rejection ?? failedWait(sync);
    if (failure) {
      submission.state = 'rejected'; // nothing indexed: failSubmission has no entries to abandon
      this.enqueue(submission, failure);
      return;
    }
    const end = signalsStart(sync);
    for (let i = 1; i < end; i += 2) {
      const semaphore = sync[i] as Semaphore;
      const value = sync[i + 1] as bigint;
      if (semaphore.satisfiable(value)) continue;
      if (submission.unresolved++ === 0) {
        submission.key = value;
        semaphore.addSubmissionWaiter(submission);
      } else {
        semaphore.addSubmissionWaiter({ key: value, target: submission });
      }
    }
    if (submission.unresolved > 0) {
      this.addPending(submission);
    } else {
      submission.state = 'ready';
      this.enqueue(submission, undefined);
    }
  }

  /** Pending submissions, oldest first (stall diagnosis; walks the whole list). */
  pendingSubmissions(): Submission[] {
    const out: Submission[] = [];
    for (let s = this.pendingHead; s !== undefined; s = s.pendingNext) out.push(s);
    return out.reverse(); // the list is newest first
  }

  /**
   * A stall at process exit: fails every pending submission whose promise the host awaits (reads, uploads) with
   * `error`, so the awaiting code runs instead of the process exiting silently. Other pending work is left alone.
   */
  failAwaited(error: HalError): void {
    this.batch(() => {
      for (const submission of this.pendingSubmissions()) if (submission.work.awaited) this.failSubmission(submission, error);
    });
  }

  /** Resolves when nothing is in flight (pending submissions waiting on the host are not waited for). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    this.poller.kick(); // a no-op while it runs; guarantees someone is polling what we wait for
    return this.poller.whenIdle();
  }

  /**
   * Device teardown or loss: in-flight submissions fail with `inFlightError`, pending ones with `pendingError`;
   * their signal semaphores fail likewise and every capture is released.
   */
  abortAll(pendingError: HalError, inFlightError: HalError): void {
    this.batch(() => {
      for (const lane of this.lanes) {
        for (const submission of lane.takeAll()) this.retire(submission, inFlightError, true);
      }
      while (this.pendingHead !== undefined) this.failSubmission(this.pendingHead, pendingError);
    });
  }

  /** Stops polling and destroys every driver event (after abortAll, at device teardown). */
  destroy(): void {
    this.poller.stop();
    this.eventPool.destroyAll();
  }

  // --- issue ------------------------------------------------------------------------------------------------------

  /** Queues a ready submission to issue, or (with `error`) one to fail; the first error given wins. */
  private enqueue(submission: Submission, error: HalError | undefined): void {
    if (error !== undefined && submission.failure === undefined) submission.failure = error;
    // Queued once: a later failure before it is taken is picked up from `failure` when it is.
    if (submission.nextWork === undefined && this.workTail !== submission) {
      if (this.workTail === undefined) this.workHead = submission;
      else this.workTail.nextWork = submission;
      this.workTail = submission;
    }
    if (!this.draining) this.batch(noop);
  }

  private drain(): void {
    for (let submission = this.workHead; submission !== undefined; submission = this.workHead) {
      this.workHead = submission.nextWork;
      submission.nextWork = undefined;
      if (this.workHead === undefined) this.workTail = undefined;
      if (submission.state === 'done' || submission.state === 'issued') continue;
      if (submission.failure !== undefined) this.failSubmission(submission, submission.failure);
      else this.issue(submission);
    }
  }

  private addPending(submission: Submission): void {
    submission.pendingNext = this.pendingHead;
    if (this.pendingHead) this.pendingHead.pendingPrev = submission;
    this.pendingHead = submission;
    this.pendingSize++;
  }

  private removePending(submission: Submission): void {
    const { pendingPrev: prev, pendingNext: next } = submission;
    if (prev) prev.pendingNext = next;
    else if (this.pendingHead === submission) this.pendingHead = next;
    else return; // not in the list
    if (next) next.pendingPrev = prev;
    submission.pendingPrev = submission.pendingNext = undefined;
    this.pendingSize--;
  }

  private issue(submission: Submission): void {
    const sync = submission.sync;
    const failure = failedWait(sync);
    if (failure) {
      this.failSubmission(submission, failure);
      return;
    }
    const waitsEnd = signalsStart(sync);
    const queue = submission.queue;
    let lane = submission.lane;
    // Waits not yet reached are covered by timepoints of issued submissions (never by an unrecorded event).
    const covering = this.covering;
    for (let i = 1; i < waitsEnd; i += 2) {
      const semaphore = sync[i] as Semaphore;
      const value = sync[i + 1] as bigint;
      if (semaphore.currentValue >= value) continue;
      let timepoint = semaphore.findTimepoint(value) as SubmissionTimepoint | undefined;
      if (timepoint !== undefined && this.driver.chooseOpen !== undefined) timepoint = this.chooseCovering(semaphore, value, timepoint);
      if (timepoint === undefined) {
        // Unreachable by construction (a timepoint only leaves once its value is reached or failed); refusing
        // beats waiting on an unrecorded event, which would silently not wait.
        covering.length = 0;
        const message = `${submission.work.kind}: no recorded signal covers ${semaphore.label} ≥ ${value}n`;
        this.failSubmission(submission, new HalError(StatusCode.INTERNAL, message));
        return;
      }
      covering.push(timepoint);
      // Continuing a chain: behind the latest work of one of this queue's lanes, the stream orders the pair.
      const ownerLane = timepoint.owner.lane!;
      if (lane === undefined && ownerLane.queue === queue && ownerLane.peekLast() === timepoint.owner) lane = ownerLane;
    }
    lane ??= queue.nextLane();
    const stream = lane.stream;
    let event: DriverEvent | undefined;
    try {
      // A producer on another lane needs the event wait for ordering. One earlier on this very lane is ordered by the
      // stream, but only its event carries its failure: a driver that confines a fault to the work before the next
      // event record (a modelled device) would otherwise run a dependent behind a failed producer (rule 5). Where every
      // fault loses the device (stickyFaults: a real GPU), nothing behind it runs anyway and that wait is skipped.
      for (let i = 0; i < covering.length; i++) {
        const owner = covering[i]!.owner;
        if (owner.lane !== lane || this.sameLaneWaits) this.driver.streamWaitEvent(stream, owner.event!);
      }
      if (covering.length !== 0) covering.length = 0;
      submission.work.encode(stream);
      event = this.eventPool.acquire();
      this.driver.eventRecord(event, stream);
    } catch (error) {
      covering.length = 0;
      const failure = this.host.driverFailure(error, `issue ${submission.work.kind}`);
      if (submission.state === 'done') {
        // The failure was a device loss, which aborted the submission already; the event it took goes back.
        if (event !== undefined) this.eventPool.discard(event);
        return;
      }
      if (event === undefined) {
        // encode threw, perhaps after enqueuing part of its work (an execute of several command buffers): that part
        // may run, and uses what the submission captured. So it still records its completion event and retires
        // as failed through its lane, releasing its captures only once the stream has passed that point.
        let retired = false;
        ignoreErrors('a device that cannot record an event is lost: failing now is all that is left', () => {
          event = this.eventPool.acquire();
          this.driver.eventRecord(event, stream);
          this.issueFailed(submission, lane, event, failure);
          retired = true;
        });
        if (retired) return;
      }
      if (event !== undefined) this.eventPool.discard(event);
      this.failSubmission(submission, failure);
      return;
    }
    this.markIssued(submission, lane, event);
    for (let i = waitsEnd; i < sync.length; i += 2) {
      const semaphore = sync[i] as Semaphore;
      const value = sync[i + 1] as bigint;
      if (semaphore.failure) continue;
      if (i === waitsEnd) {
        submission.value = value;
        submission.timepointed = true;
        semaphore.addTimepoint(submission);
      } else {
        const timepoint = new ExtraTimepoint(value, submission, semaphore);
        (submission.extraTimepoints ??= []).push(timepoint);
        semaphore.addTimepoint(timepoint);
      }
    }
    this.poller.kick();
  }

  /** Moves a submission from pending to in flight on `lane`, behind its recorded completion `event`. */
  private markIssued(submission: Submission, lane: Lane<Submission>, event: DriverEvent): void {
    this.removePending(submission);
    submission.state = 'issued';
    submission.lane = lane;
    submission.event = event;
    this.host.trace?.issued(submission);
    lane.push(submission);
    this.inFlight++;
  }

  /**
   * A submission whose encode threw after its stream waits: it is in flight like any other (its completion event
   * recorded behind whatever part of its work was enqueued) but carries its failure, so retiring it fails its
   * signals instead of advancing them. Its signals register no timepoints: nothing may wait on them being reached.
   */
  private issueFailed(submission: Submission, lane: Lane<Submission>, event: DriverEvent, failure: HalError): void {
    submission.failure = failure;
    this.markIssued(submission, lane, event);
    this.poller.kick();
  }

  /** Fails a submission that was never issued: it does not run; its signals fail with `error`. */
  private failSubmission(submission: Submission, error: HalError): void {
    if (submission.state === 'done') return;
    const indexed = submission.state !== 'rejected';
    submission.state = 'done';
    this.removePending(submission);
    if (indexed) this.abandonWaits(submission);
    this.host.trace?.submissionFailed(submission, error);
    const sync = submission.sync;
    for (let i = signalsStart(sync); i < sync.length; i += 2) (sync[i] as Semaphore).failWith(error, submission);
    submission.work.finish(error);
  }

  /**
   * Tells each semaphore that still indexes one of the (now failed) submission's waits that the entry is dead, so
   * a submission that failed on one wait does not stay in its other waits' indexes. A wait's entry leaves its index
   * exactly when the wait becomes satisfiable (reached, or covered by a timepoint, which only goes away once reached
   * or failed) or the semaphore fails; so an entry is still there iff the wait is neither satisfiable nor failed now.
   */
  private abandonWaits(submission: Submission): void {
    const sync = submission.sync;
    const end = signalsStart(sync);
    for (let i = 1; i < end; i += 2) {
      const semaphore = sync[i] as Semaphore;
      if (semaphore.failure === undefined && !semaphore.satisfiable(sync[i + 1] as bigint)) semaphore.submissionWaiterAbandoned();
    }
  }

  // --- completion -------------------------------------------------------------------------------------------------

  /** One polling round; returns true while submissions remain in flight. */
  private pollRound(): boolean {
    this.batch(this.retireCompleted);
    if (this.inFlight > 0) return true;
    this.host.idle();
    return this.inFlight > 0;
  }

  /** Retires completed submissions until a pass over the lanes retires nothing (bound once: runs every tick). */
  private readonly retireCompleted = (): void => {
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const lane of this.lanes) {
        while (this.retireHead(lane)) progressed = true;
      }
    }
  };

  /**
   * When several in-flight signals cover a wait, any of them may legally release it (rule 1: a signal of 2 meets a
   * wait on 1); a driver that explores schedules picks which one this submission follows.
   */
  private chooseCovering(semaphore: Semaphore, value: bigint, lowest: SubmissionTimepoint): SubmissionTimepoint {
    const all = semaphore.coveringTimepoints(value) as SubmissionTimepoint[];
    if (all.length < 2) return lowest;
    const pick = this.driver.chooseOpen!('cover', all.map((tp) =>
      `the wait for ${semaphore.label} ≥ ${value} follows the signal of ${tp.value} by ${tp.owner.work.kind} on queue ${tp.owner.queue.index}`));
    return all[pick] ?? lowest;
  }

  /** Retires the lane's oldest submission if its event completed; false when it has not (or nothing is there). */
  private retireHead(lane: Lane<Submission>): boolean {
    const submission = lane.peek();
    if (submission === undefined) return false;
    let fault: HalError | undefined;
    try {
      if (!this.driver.eventQuery(submission.event!)) return false;
    } catch (error) {
      fault = this.host.driverFailure(error, `${submission.work.kind} on queue ${lane.queue.index}`);
      // A sticky failure (device lost) aborts everything in flight, this submission included.
      if (submission.state === 'done') return false;
    }
    // Its encode failed part-way (issueFailed): the stream has now passed whatever part of it was enqueued.
    if (fault === undefined) fault = submission.failure;
    if (fault === undefined) {
      // A wait covered at issue by another submission's timepoint is only truly met once that submission retired
      // successfully; if it failed, this one ran on a broken input and fails with the same error (rule 5). Waits
      // reached at issue stay reached (values only move forward), so checking every wait is the same check.
      const sync = submission.sync;
      for (let i = 1, end = signalsStart(sync); i < end; i += 2) {
        const semaphore = sync[i] as Semaphore;
        if (semaphore.currentValue >= (sync[i + 1] as bigint)) continue;
        if (semaphore.failure) {
          fault = semaphore.failure;
          break;
        }
        return false; // its producer on another lane has not been retired yet; a later pass of this round will
      }
    }
    lane.shift();
    this.retire(submission, fault, false);
    return true;
  }

  /** Takes an issued submission out of flight: signals (or fails) its semaphores, recycles its event, finishes. */
  private retire(submission: Submission, error: HalError | undefined, aborted: boolean): void {
    this.inFlight--;
    submission.state = 'done';
    if (submission.timepointed) {
      submission.timepointed = false;
      submission.semaphore.removeTimepoint(submission);
    }
    const extra = submission.extraTimepoints;
    if (extra !== undefined) {
      submission.extraTimepoints = undefined;
      for (const timepoint of extra) timepoint.semaphore.removeTimepoint(timepoint);
    }
    const sync = submission.sync;
    if (error) {
      this.host.trace?.submissionFailed(submission, error);
      for (let i = signalsStart(sync); i < sync.length; i += 2) (sync[i] as Semaphore).failWith(error, submission);
    } else {
      this.host.trace?.completed(submission);
      for (let i = signalsStart(sync); i < sync.length; i += 2) (sync[i] as Semaphore).advance(sync[i + 1] as bigint, submission);
    }
    const event = submission.event!;
    submission.event = undefined;
    if (error || aborted) this.eventPool.discard(event);
    else this.eventPool.recycle(event);
    submission.work.finish(error);
  }
}
