/**
 * The discrete-event scheduler and virtual clock.
 *
 * Three kinds of events, processed strictly in virtual-time order:
 *   - start:    the next operation of a stream becomes runnable at max(stream free, enqueue time, waited
 *               capture's end). Starting applies its data effects (executor.ts) and fixes its end = start + cost.
 *   - complete: a running operation reaches its end; events it captured and readbacks become visible.
 *   - timer:    a virtual timer's deadline (setTimer).
 * At equal times completions go first, then starts, then timers. Ties between starts are broken by the seeded
 * PRNG: that is the only freedom a seed has, and it only reorders what streams and events leave unordered.
 *
 * Progress: in 'auto' mode the scheduler runs itself on the next macrotask (setImmediate; a MessageChannel in browsers) whenever work or timers are pending, one
 * completion (or timer) per tick, and resolves nextProgress() waiters after each tick. In 'manual' mode nothing
 * happens until the caller calls step() or runUntilIdle(). No real timers, no threads.
 */
import { HalError, StatusCode, failedPrecondition } from '../../core/errors.js';
import type { EventLog } from './event_log.js';
import type { Executor } from './executor.js';
import type { SimStream, StreamOp } from './streams.js';
import { scheduleMacrotask } from '../../util/macrotask.js';
import type { DriverStepEvent } from '../../core/driver.js';
import type { FaultInjector } from './fault_injector.js';

export type SchedulerMode = 'auto' | 'manual';

export interface SimTimer {
  readonly id: number;
  readonly deadline: number;
  readonly callback: () => void;
  pending: boolean;
}

/** What one step did (manual mode): the seam's DriverStepEvent, which step mode reads. */
export type StepEvent = DriverStepEvent;

const CLASS_COMPLETE = 0;
const CLASS_START = 1;
const CLASS_TIMER = 2;

export class DiscreteEventScheduler {
  /** Virtual ns. */
  now = 0;
  /** Streams with live handles or pending work, in creation order (iteration order is part of determinism). */
  private readonly streams: SimStream[] = [];
  /** Pending timers sorted by (deadline, id). */
  private readonly timers: SimTimer[] = [];
  private progressWaiters: (() => void)[] = [];
  private tickScheduled = false;
  private stopped = false;
  private nextTimerId = 1;
  /** Set while an event is processed: host functions and timer callbacks run then and must not step again. */
  private stepping = false;
  private readonly startCandidates: SimStream[] = [];

  constructor(
    readonly mode: SchedulerMode,
    private readonly random: (n: number) => number,
    private readonly executor: Executor,
    private readonly log: EventLog,
    private readonly faults: FaultInjector,
  ) {}

  addStream(stream: SimStream): void {
    this.streams.push(stream);
  }

  /** Drops a stream whose handle was destroyed once its work has run. */
  retireStream(stream: SimStream): void {
    stream.retired = true;
    this.removeIfDone(stream);
  }

  enqueue(op: StreamOp): void {
    op.stream.enqueue(op);
    this.kick();
  }

  /** Streams with live handles or pending work, in creation order (read-only; step-mode inspection). */
  get liveStreams(): readonly SimStream[] {
    return this.streams;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  hasWork(): boolean {
    return this.timers.length > 0 || this.streams.some((s) => !s.idle);
  }

  // --- timers -------------------------------------------------------------------------------------------------

  addTimer(deadline: number, callback: () => void): SimTimer {
    const timer: SimTimer = { id: this.nextTimerId++, deadline, callback, pending: true };
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.deadline > deadline) i--;
    this.timers.splice(i, 0, timer);
    this.kick();
    return timer;
  }

  cancelTimer(timer: SimTimer): void {
    if (!timer.pending) return;
    timer.pending = false;
    const i = this.timers.indexOf(timer);
    if (i >= 0) this.timers.splice(i, 1);
  }

  // --- stepping -----------------------------------------------------------------------------------------------

  /** Processes the next event; null when there is nothing to do. */
  step(): StepEvent | null {
    if (this.stepping) {
      throw failedPrecondition('the simulator cannot step from inside a host function or timer callback it is running');
    }
    this.stepping = true;
    try {
      return this.stepOnce();
    } finally {
      this.stepping = false;
    }
  }

  private stepOnce(): StepEvent | null {
    let bestTime = Infinity;
    let bestClass = CLASS_TIMER + 1;
    let completing: SimStream | null = null;
    const candidates = this.startCandidates;
    candidates.length = 0;
    for (const s of this.streams) {
      const running = s.inFlight;
      if (running !== null) {
        if (running.end < bestTime || (running.end === bestTime && bestClass > CLASS_COMPLETE)) {
          bestTime = running.end;
          bestClass = CLASS_COMPLETE;
          completing = s;
        }
        continue;
      }
      const op = s.peek();
      if (op === undefined) continue;
      const ready = this.readyTime(s, op);
      if (ready === null) continue;
      if (ready < bestTime || (ready === bestTime && bestClass > CLASS_START)) {
        bestTime = ready;
        bestClass = CLASS_START;
        candidates.length = 0;
        candidates.push(s);
      } else if (ready === bestTime && bestClass === CLASS_START) {
        candidates.push(s);
      }
    }
    const timer = this.timers[0];
    if (timer !== undefined && (timer.deadline < bestTime || (timer.deadline === bestTime && bestClass > CLASS_TIMER))) {
      return this.fireTimer(timer);
    }
    if (bestClass === CLASS_COMPLETE) return this.complete(completing!);
    if (bestClass === CLASS_START) {
      const chosen = candidates.length === 1 ? candidates[0]! : candidates[this.random(candidates.length)]!;
      return this.start(chosen, bestTime);
    }
    return null;
  }

  /** Steps until nothing is left; returns how many events ran. Timers count, so this jumps past all of them. */
  runUntilIdle(): number {
    let count = 0;
    while (this.step() !== null) count++;
    this.resolveProgress();
    return count;
  }

  /** Resolves after the next tick that processed something (auto), or the next step() (manual). */
  nextProgress(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.progressWaiters.push(resolve);
      this.kick(true);
    });
  }

  /** Stops the scheduler for good: drops timers and queued work, releases every waiter. */
  stop(reason: HalError): void {
    this.stopped = true;
    for (const t of this.timers) t.pending = false;
    this.timers.length = 0;
    for (const s of this.streams) {
      for (const op of [...(s.inFlight ? [s.inFlight] : []), ...s.drain()]) this.rejectWaiters(op, reason);
      s.inFlight = null;
    }
    this.streams.length = 0;
    this.resolveProgress();
  }

  private readyTime(stream: SimStream, op: StreamOp): number | null {
    let t = stream.freeAt > op.enqueuedAt ? stream.freeAt : op.enqueuedAt;
    if (op.payload.kind === 'wait') {
      const capture = op.payload.capture;
      if (capture.state === 'queued') return null;
      if (capture.end > t) t = capture.end;
    }
    return t > this.now ? t : this.now;
  }

  private start(stream: SimStream, time: number): StepEvent {
    const op = stream.peek()!;
    stream.shift();
    this.now = time;
    op.start = time;
    let cost = 0;
    let status: 'ok' | 'failed' | 'skipped' = 'ok';
    this.faults.reached(time);
    // A device lost by the fault plan fails everything that starts from now on (allocations and frees still take
    // effect, as on a poisoned stream, so nothing leaks); every event recorded from now on carries the loss.
    const lost = this.faults.lost;
    if (op.kind === 'record') {
      op.error = stream.poison ?? lost ?? null;
      stream.poison = null;
    } else if (lost !== undefined && op.kind !== 'free' && op.kind !== 'alloc') {
      op.error = lost;
      status = 'failed';
      this.executor.skipped(op);
    } else if (stream.poison !== null && op.kind !== 'free' && op.kind !== 'alloc') {
      // Stream-ordered allocations and frees still take effect on a poisoned stream (streams.ts).
      op.error = stream.poison;
      status = 'skipped';
      this.executor.skipped(op);
    } else {
      cost = this.executor.execute(op, time);
      if (op.error !== null) {
        stream.poison = op.error;
        status = 'failed';
      }
    }
    op.end = time + cost;
    op.status = status;
    op.state = 'running';
    stream.freeAt = op.end;
    this.log.add({
      stream: stream.id, op: op.kind, label: op.label, start: op.start, end: op.end, status,
      ...(op.trace ? { nodes: op.trace } : {}),
      ...(op.error ? { error: op.error.message } : {}),
    });
    if (op.payload.kind === 'wait' && op.payload.capture.stream === stream) {
      // A wait on an earlier point of its own stream orders nothing the stream does not already order; it only
      // carries the captured failure (now the stream's poison). It completes as it starts, with no completion
      // event of its own, so a dependency chain on one stream costs no extra scheduler turn per link.
      op.state = 'complete';
      this.settleWaiters(op, stream);
    } else {
      stream.inFlight = op;
    }
    return { kind: 'start', time: BigInt(time), stream: stream.id, op: op.kind, label: op.label, status };
  }

  private complete(stream: SimStream): StepEvent {
    const op = stream.inFlight!;
    stream.inFlight = null;
    if (op.end > this.now) this.now = op.end;
    this.faults.reached(this.now);
    op.state = 'complete';
    this.executor.completed(op);
    this.settleWaiters(op, stream);
    return { kind: 'complete', time: BigInt(op.end), stream: stream.id, op: op.kind, label: op.label, status: op.status };
  }

  /** A completed operation settles its streamSynchronize waiters; a retired stream with nothing left goes. */
  private settleWaiters(op: StreamOp, stream: SimStream): void {
    const waiters = op.waiters;
    if (waiters !== undefined) {
      op.waiters = undefined;
      // The stream's poison counts too: a free that ran on a poisoned stream succeeded, the stream did not.
      const failure = op.error ?? stream.poison;
      for (const w of waiters) {
        if (failure !== null) w.reject(failure);
        else w.resolve();
      }
    }
    this.removeIfDone(stream);
  }

  private fireTimer(timer: SimTimer): StepEvent {
    this.timers.shift();
    timer.pending = false;
    if (timer.deadline > this.now) this.now = timer.deadline;
    this.faults.reached(this.now);
    try {
      timer.callback();
    } catch (error) {
      // A throwing callback must not wedge the scheduler; surface it like an uncaught exception.
      queueMicrotask(() => {
        throw error;
      });
    }
    return { kind: 'timer', time: BigInt(this.now) };
  }

  private removeIfDone(stream: SimStream): void {
    if (!stream.retired || !stream.idle) return;
    const i = this.streams.indexOf(stream);
    if (i >= 0) this.streams.splice(i, 1);
  }

  private rejectWaiters(op: StreamOp, reason: HalError): void {
    const waiters = op.waiters;
    op.waiters = undefined;
    if (waiters) for (const w of waiters) w.reject(reason);
  }

  // --- auto mode ----------------------------------------------------------------------------------------------

  /** Schedules a tick when in auto mode and something is pending (or someone awaits progress). */
  private kick(force = false): void {
    if (this.mode !== 'auto' || this.tickScheduled || this.stopped) return;
    if (!force && !this.hasWork()) return;
    this.tickScheduled = true;
    scheduleMacrotask(this.tick);
  }

  private readonly tick = (): void => {
    this.tickScheduled = false;
    if (this.stopped) return;
    // One observable event per tick: starts run until the next completion or timer.
    for (;;) {
      const event = this.step();
      if (event === null || event.kind !== 'start') break;
    }
    this.resolveProgress();
    this.kick();
  };

  private resolveProgress(): void {
    if (this.progressWaiters.length === 0) return;
    const waiters = this.progressWaiters;
    this.progressWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Manual mode: a step also counts as progress for nextProgress() waiters. */
  stepAndNotify(): StepEvent | null {
    const event = this.step();
    if (event !== null) this.resolveProgress();
    return event;
  }
}

export const destroyedError = (): HalError => new HalError(StatusCode.CANCELLED, 'sim driver destroyed while work was pending');
