/**
 * Timeline semaphores (docs/design.md, rules 1–3).
 *
 * A semaphore is pure host state: a u64 value that only moves forward, a sticky failure, and three indexes that
 * keep every operation proportional to the work it actually unblocks:
 * - host waiters (`wait`, `device.waitSemaphores`) ordered by the value they need (waiter_index.ts);
 * - pending submissions ordered likewise (the scheduler's wait-before-signal index);
 * - timepoints: issued-but-incomplete submissions that will signal a value, sorted by value. A pending submission
 *   whose wait is covered by a timepoint can be issued with a stream wait on that submission's *recorded* event
 *   (timepoints.ts).
 */
import type { DeviceContext } from '../device_context.js';
import { HalError, StatusCode, invalidArgument, outOfRange } from '../errors.js';
import { HalObject } from '../lifetime.js';
import type { TraceRecorder } from '../../trace/hooks.js';
import type { HeapEntry } from './min_heap.js';
import { WaiterIndex } from './waiter_index.js';
import { waitForSemaphores, type WaitOptions } from './host_wait.js';
import { checkPayload } from './payload.js';
import { describe } from '../validation.js';
import type { StallWatch } from '../stall/stall_watch.js';
import { TimepointList, type Timepoint } from './timepoints.js';

/** What a semaphore needs from its device: the context, and a way to batch scheduler work it triggers. */
export interface SemaphoreOwner {
  readonly context: DeviceContext;
  /** The device's trace recorder while tracing is on (createDevice({ trace: true })). */
  readonly trace: TraceRecorder | undefined;
  /**
   * Runs `fn` and then issues/fails whatever submissions it made ready, iteratively. Without this a chain of
   * N dependent submissions released by one signal would recurse N deep.
   */
  batch(fn: () => void): void;
  /** What the host has outstanding on this device, for stall diagnosis (absent: not watched). */
  readonly stallWatch?: StallWatch;
}

/** A pending submission's view of one of its waits. */
export interface SubmissionWaitTarget {
  /**
   * True once the submission failed while this wait was still indexed: its entry is dead weight until the index
   * drops it (see `submissionWaiterAbandoned`).
   */
  readonly abandoned: boolean;
  /** The wait's value is reached, or covered by a recorded timepoint. */
  waitSatisfied(): void;
  waitFailed(error: HalError): void;
}

interface HostWaiter extends HeapEntry {
  cancelled: boolean;
  /** Taken out of the index (settled); a later cancel must not count it. */
  removed: boolean;
  settle(error: HalError | undefined): void;
  /** Registration order on this semaphore (names the wait in an explorer's choices). */
  readonly order: number;
}

/** An entry in the pending-submission index: the value needed and who to tell. */
export interface SubmissionWaiter extends HeapEntry {
  readonly target: SubmissionWaitTarget;
}

/** See `Semaphore.counts`. */
export interface SemaphoreCounts {
  readonly hostWaiters: number;
  readonly submissionWaiters: number;
  readonly timepoints: number;
}

export class Semaphore extends HalObject {
  /** @internal The device that created it. */
  readonly owner: SemaphoreOwner;
  private value: bigint;
  private failed: HalError | undefined;
  private readonly hostWaiters = new WaiterIndex<HostWaiter>();
  private cancelledHostWaiters = 0;
  private hostWaitersAdded = 0;
  private readonly submissionWaiters = new WaiterIndex<SubmissionWaiter>();
  /** Entries of submissions that failed on another wait while still indexed here (counted, compacted in bulk). */
  private abandonedSubmissionWaiters = 0;
  private readonly timepoints = new TimepointList();

  /** @internal Use `device.createSemaphore` (a factory, so the shipped declarations keep SemaphoreOwner to themselves). */
  static create(owner: SemaphoreOwner, initialValue: bigint, label?: string): Semaphore {
    return new Semaphore(owner, initialValue, label);
  }

  private constructor(owner: SemaphoreOwner, initialValue: bigint, label?: string) {
    super('semaphore', label);
    this.owner = owner;
    this.value = initialValue;
  }

  protected override inspectFields(): Record<string, unknown> {
    return this.failed === undefined ? { value: this.value } : { value: this.value, failed: this.failed.message };
  }

  /** The current value; throws the failure if the semaphore failed. */
  query(): bigint {
    this.assertAlive('query');
    if (this.failed) throw this.failed;
    // Seeing a value orders the host after the signal that reached it, like a wait that resolved.
    this.owner.context.checker?.hostObserved(this, this.value);
    return this.value;
  }

  /** Signals `value` from the host; it must be strictly greater than the current value (else OUT_OF_RANGE). */
  signal(value: bigint): void {
    this.assertAlive('signal');
    const v = checkPayload(`${this.label} signal value`, value);
    this.owner.context.assertUsable(`signal ${this.label}`);
    if (this.failed) throw this.failed;
    if (v <= this.value) {
      throw outOfRange(`${this.label} signal value ${v}n must be greater than the current value ${this.value}n`);
    }
    this.owner.context.checker?.hostSignaled(this, v);
    this.owner.batch(() => this.advance(v));
  }

  /**
   * Puts the semaphore in a permanent failed state: pending and future waits reject with `error`, submissions
   * waiting on it fail their own signals with it. The first failure wins; later ones are dropped.
   */
  fail(error: unknown): void {
    this.assertAlive('fail');
    const failure = toFailure(error, `${this.label} fail error`);
    this.owner.batch(() => this.failWith(failure));
  }

  /** Resolves once the value is ≥ `value`; rejects with the failure, or DEADLINE_EXCEEDED after `timeoutMs`. */
  wait(value: bigint, options?: WaitOptions): Promise<void> {
    try {
      this.assertAlive('wait on');
      const v = checkPayload(`${this.label} wait value`, value);
      return waitForSemaphores(this.owner, 'all', [{ semaphore: this, value: v }], options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // --- internal: the scheduler and host waits ---------------------------------------------------------------------

  /** @internal The value without the failure check. */
  get currentValue(): bigint {
    return this.value;
  }

  /** @internal The sticky failure, if any, without throwing it. */
  get failure(): HalError | undefined {
    return this.failed;
  }

  /**
   * @internal
   * Moves the value forward (a no-op for values not above the current one) and releases waiters it satisfies.
   * `by` is the completed submission that signaled, for traces (undefined: the host).
   */
  advance(value: bigint, by?: object): void {
    if (this.failed || value <= this.value) return;
    // Traced before anything is released, so a trace shows the signal before the work it unblocks.
    this.owner.trace?.signaled(this, value, by);
    this.value = value;
    const choose = this.owner.context.driver.chooseOpen;
    let released: HostWaiter[] | undefined;
    for (let top = this.hostWaiters.peek(); top !== undefined && top.key <= value; top = this.hostWaiters.peek()) {
      this.hostWaiters.pop();
      top.removed = true;
      if (top.cancelled) this.cancelledHostWaiters--;
      else if (choose === undefined) top.settle(undefined);
      else (released ??= []).push(top);
    }
    if (released !== undefined) this.resumeInChosenOrder(released);
    this.releaseSubmissionWaiters(value);
  }

  /**
   * Host waits released together resume in an order the program cannot rely on; a driver that explores schedules
   * picks it (their continuations run in the order they are settled).
   */
  private resumeInChosenOrder(released: HostWaiter[]): void {
    const driver = this.owner.context.driver;
    while (released.length > 1) {
      const pick = driver.chooseOpen!('resume', released.map((w) => `the host wait #${w.order} for ${this.label} ≥ ${w.key} resumes first`));
      const [waiter] = released.splice(released[pick] === undefined ? 0 : pick, 1);
      waiter!.settle(undefined);
    }
    released[0]?.settle(undefined);
  }

  /** @internal Failure path (first failure wins); `by` is the failed submission, for traces. */
  failWith(error: HalError, by?: object): void {
    if (this.failed) return;
    this.owner.trace?.semaphoreFailed(this, error, by);
    this.failed = error;
    for (const waiter of this.hostWaiters.drain()) {
      waiter.removed = true;
      if (!waiter.cancelled) waiter.settle(error);
    }
    this.cancelledHostWaiters = 0;
    this.abandonedSubmissionWaiters = 0;
    for (const waiter of this.submissionWaiters.drain()) {
      if (!waiter.target.abandoned) waiter.target.waitFailed(error);
    }
  }

  /**
   * @internal
   * Registers a host waiter; returns a cancel function (used by timeouts and wait-any). The caller checks the
   * value and failure first: this only queues.
   */
  addHostWaiter(value: bigint, settle: (error: HalError | undefined) => void): () => void {
    const waiter: HostWaiter = { key: value, cancelled: false, removed: false, settle, order: this.hostWaitersAdded++ };
    this.hostWaiters.push(waiter);
    return () => {
      if (waiter.cancelled || waiter.removed) return;
      waiter.cancelled = true;
      this.cancelledHostWaiters++;
      // Timed-out waits would otherwise pile up until the value passes them.
      if (this.cancelledHostWaiters > 64 && this.cancelledHostWaiters * 2 > this.hostWaiters.size) {
        this.hostWaiters.filter((w) => {
          if (w.cancelled) w.removed = true;
          return !w.cancelled;
        });
        this.cancelledHostWaiters = 0;
      }
    };
  }

  /**
   * @internal Indexes a pending submission's wait until its value is reached, covered by a timepoint, or the semaphore fails.
   */
  addSubmissionWaiter(waiter: SubmissionWaiter): void {
    this.submissionWaiters.push(waiter);
  }

  /**
   * @internal
   * A submission with a wait still indexed here failed on another of its waits (or was cancelled): its entry is
   * dead. Counted, and compacted in bulk once dead entries dominate (as cancelled host waits are), so a burst of
   * failures costs O(n) in all, not O(n) each, and dead entries never outnumber live ones by more than 64.
   */
  submissionWaiterAbandoned(): void {
    this.abandonedSubmissionWaiters++;
    if (this.abandonedSubmissionWaiters > 64 && this.abandonedSubmissionWaiters * 2 > this.submissionWaiters.size) {
      this.submissionWaiters.filter((w) => !w.target.abandoned);
      this.abandonedSubmissionWaiters = 0;
    }
  }

  /** @internal True when `value` is reached or an issued submission will signal at least `value`. */
  satisfiable(value: bigint): boolean {
    return this.value >= value || this.timepoints.find(value) !== undefined;
  }

  /** @internal The earliest issued-but-incomplete signal of at least `value`, if any. */
  findTimepoint(value: bigint): Timepoint | undefined {
    return this.timepoints.find(value);
  }

  /** Every issued-but-incomplete signal of at least `value`, lowest value first. */
  coveringTimepoints(value: bigint): Timepoint[] {
    return this.timepoints.findAll(value);
  }

  /**
   * @internal Records that an issued submission (`owner`) will signal `value`; releases pending submissions it covers.
   */
  addTimepoint(timepoint: Timepoint): void {
    this.timepoints.add(timepoint);
    this.releaseSubmissionWaiters(timepoint.value);
  }

  /** @internal */
  removeTimepoint(timepoint: Timepoint): void {
    this.timepoints.remove(timepoint);
  }

  /**
   * What is waiting on this semaphore now — the supported way for tests and tools (leak checks, dashboards) to see
   * it: host waits not yet settled, pending submissions with a wait on it that is neither reached nor covered, and
   * timepoints (issued submissions that will signal it). All three return to 0 once nothing waits or is in flight.
   */
  get counts(): SemaphoreCounts {
    return {
      hostWaiters: this.hostWaiters.size - this.cancelledHostWaiters,
      submissionWaiters: this.submissionWaiters.size - this.abandonedSubmissionWaiters,
      timepoints: this.timepoints.size,
    };
  }

  /**
   * @internal The heap's real size, abandoned entries included, so a test can see that compaction keeps their
   * number bounded.
   */
  get rawSubmissionWaiters(): number {
    return this.submissionWaiters.size;
  }

  protected freeResources(): void {
    // No driver objects: a semaphore is host state. Waiters stay until the value, a failure or device destroy.
  }

  private releaseSubmissionWaiters(value: bigint): void {
    const heap = this.submissionWaiters;
    for (let top = heap.peek(); top !== undefined && top.key <= value; top = heap.peek()) {
      heap.pop();
      if (top.target.abandoned) this.abandonedSubmissionWaiters--;
      else top.target.waitSatisfied();
    }
  }
}

/** Normalizes whatever a user passes to `fail()` into the HalError that waiters will see. */
function toFailure(error: unknown, field: string): HalError {
  if (error instanceof HalError) {
    if (error.code === StatusCode.OK) throw invalidArgument(`${field} must carry a failure code, not OK`);
    return error;
  }
  if (error instanceof Error) return new HalError(StatusCode.UNKNOWN, error.message, { cause: error });
  if (typeof error === 'string' && error.length > 0) return new HalError(StatusCode.UNKNOWN, error);
  throw invalidArgument(`${field} must be a HalError, an Error or a non-empty string (got ${describe(error)})`);
}
