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
 * With a schedule source (schedule_source.ts) the source picks every event instead: any ready start, any completion of
 * work in flight, the next piece (a workgroup's or a chunk's) of a running operation's writes, or the earliest timer;
 * and each operation's writes land by its completion (deferred_writes.ts). Option 0 is always the order described
 * above, with stream creation order in place of the PRNG.
 *
 * Progress: in 'auto' mode the scheduler runs itself on the next macrotask (setImmediate; a MessageChannel in browsers)
 * whenever work or timers are pending, one completion (or timer) per tick, and resolves nextProgress() waiters after
 * each tick. In 'manual' mode nothing happens until the caller calls step() or runUntilIdle(). No real timers, no
 * threads.
 */
import { HalError, StatusCode, failedPrecondition } from '../../core/errors.js';
import type { EventLog } from './event_log.js';
import type { Executor } from './executor.js';
import type { SimStream, StreamOp } from './streams.js';
import { scheduleMacrotask } from '../../util/macrotask.js';
import type { DriverStepEvent } from '../../core/driver.js';
import { commitWrites, completeFootprint, pieceFootprint, runDeferred, startFootprint, type PendingWrites } from './deferred_writes.js';
import { GRAPH_ORDERS, KERNEL_ORDERS, type SimChoiceOption, type SimFootprint, type SimScheduleSource } from './schedule_source.js';
import type { WasmDevice } from './wasm_device.js';

/** What a schedule source needs from the simulator besides the scheduler itself. */
export interface ScheduleHooks {
  readonly source: SimScheduleSource;
  readonly device: WasmDevice;
}

interface Candidate {
  readonly cls: number;
  readonly time: number;
  readonly stream: SimStream | null;
  readonly timer: SimTimer | null;
}
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
/** Under a schedule source: the next piece of a running operation's writes lands before its completion. */
const CLASS_PART = 3;

/** An event option; its description and footprint are built only when an explorer asks (most never are). */
class OpEventOption implements SimChoiceOption {
  readonly stream: number;
  readonly key: string;
  private cachedFootprint: SimFootprint | undefined;
  /** Whether synchronize waiters watch the operation now (they are gone once it completed). */
  private readonly waited: boolean;

  constructor(readonly kind: 'start' | 'complete', private readonly op: StreamOp) {
    this.stream = op.stream.id;
    this.waited = op.waiters !== undefined;
    this.key = (kind === 'start' ? 's' : 'c') + op.seq;
  }

  get description(): string {
    return `stream ${this.stream}'s ${this.op.kind} ${this.op.label} ${this.kind === 'start' ? 'starts' : 'completes'}`;
  }

  get footprint(): SimFootprint {
    return (this.cachedFootprint ??= this.kind === 'start' ? startFootprint(this.op) : completeFootprint(this.op, this.waited));
  }
}

/** The next piece of an operation's writes (a workgroup's, a chunk's) landing before its completion. */
class NextPieceOption implements SimChoiceOption {
  readonly kind = 'part';
  readonly stream: number;
  readonly key: string;
  private cachedFootprint: SimFootprint | undefined;
  /** Kept: the operation lets go of its writes when it completes, and an explorer may ask later. */
  private readonly writes: PendingWrites;
  private readonly piece: number;

  constructor(private readonly op: StreamOp) {
    this.stream = op.stream.id;
    this.writes = op.writes!;
    this.piece = this.writes.landed;
    this.key = `p${op.seq}.${this.piece}`;
  }

  get description(): string {
    return `${this.writes.unit} ${this.piece + 1}/${this.writes.pieces} of stream ${this.stream}'s ${this.op.kind} ${this.op.label} lands`;
  }

  get footprint(): SimFootprint {
    return (this.cachedFootprint ??= pieceFootprint(this.writes, this.piece));
  }
}

const TIMER_FOOTPRINT: SimFootprint = { accesses: [], observable: true };

class TimerOption implements SimChoiceOption {
  readonly kind = 'timer';
  /** Each timer is a thread of its own (negative, apart from stream ids): a re-armed timeout is a new one. */
  readonly stream: number;
  readonly key: string;
  readonly footprint = TIMER_FOOTPRINT;

  constructor(private readonly timer: SimTimer) {
    this.stream = -timer.id;
    this.key = `t${timer.id}`;
  }

  get description(): string {
    return `the timer due at ${this.timer.deadline} ns fires`;
  }
}

/** Seeds 0..count-1 of the device's generator as the options of a choice about `op`; they touch no memory. */
function seedOptions(op: StreamOp, count: number, key: string, describe: (i: number) => string): SimChoiceOption[] {
  return Array.from({ length: count }, (_, i) => ({ kind: 'order', stream: op.stream.id, key: `${key}${op.seq}.${i}`, description: describe(i), footprint: { accesses: [], observable: false } }));
}

/** Whether the operation runs a kernel that draws thread orders from the device's generator (a HIP-C kernel). */
function drawsThreadOrders(op: StreamOp): boolean {
  const p = op.payload;
  if (p.kind === 'kernel') return p.launch.fn.module.seededThreadOrder;
  return p.kind === 'graph' && p.exec.functions.some((f) => f.module.seededThreadOrder);
}

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
  /** Under a schedule source: the thread-order seed this run's HIP-C kernels draw from, once chosen. */
  private threadOrderSeed: number | undefined;
  private readonly startCandidates: SimStream[] = [];
  /** Under a schedule source: the completion just processed was invisible to the host (see tick). */
  private lastCompletionHidden = false;

  constructor(
    readonly mode: SchedulerMode,
    private readonly random: (n: number) => number,
    private readonly executor: Executor,
    private readonly log: EventLog,
    private readonly faults: FaultInjector,
    private readonly hooks: ScheduleHooks | null = null,
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
    if (this.hooks !== null) return this.stepChosen(this.hooks.source);
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

  /** One event picked by the schedule source among every event the contract allows next. */
  private stepChosen(source: SimScheduleSource): StepEvent | null {
    const candidates: Candidate[] = [];
    for (const s of this.streams) {
      const running = s.inFlight;
      if (running !== null) {
        candidates.push({ cls: CLASS_COMPLETE, time: running.end, stream: s, timer: null });
        // Ranked after the completion, so the default order lands all writes at once, as before. The last piece
        // lands with the completion itself.
        const writes = running.writes;
        if (writes !== null && writes.landed < writes.pieces - 1) candidates.push({ cls: CLASS_PART, time: running.end, stream: s, timer: null });
        continue;
      }
      const op = s.peek();
      if (op === undefined) continue;
      // A stream wait is ready once the captured work completed, whatever its virtual end time was.
      if (op.payload.kind === 'wait' && op.payload.capture.state !== 'complete') continue;
      let t = s.freeAt > op.enqueuedAt ? s.freeAt : op.enqueuedAt;
      if (t < this.now) t = this.now;
      candidates.push({ cls: CLASS_START, time: t, stream: s, timer: null });
    }
    // The earliest timer may fire before work in flight completes (nothing bounds how long GPU work takes, which is
    // what a timeout races against); timers due at the same time are a tie the source breaks. In the default order
    // it keeps its place in virtual time.
    const first = this.timers[0];
    if (first !== undefined) {
      for (const timer of this.timers) {
        if (timer.deadline !== first.deadline) break;
        candidates.push({ cls: CLASS_TIMER, time: timer.deadline, stream: null, timer });
      }
    }
    if (candidates.length === 0) return null;
    // Stable: equal (time, class) keep stream creation order.
    candidates.sort((a, b) => a.time - b.time || a.cls - b.cls);
    const pick = candidates.length === 1 ? 0 : source.choose({ kind: 'event', options: candidates.map((c) => this.describe(c)), time: this.now });
    const chosen = candidates[pick] ?? candidates[0]!;
    if (chosen.cls === CLASS_COMPLETE) return this.complete(chosen.stream!);
    if (chosen.cls === CLASS_START) return this.start(chosen.stream!, chosen.time > this.now ? chosen.time : this.now);
    if (chosen.cls === CLASS_PART) return this.landNextPiece(chosen.stream!);
    return this.fireTimer(chosen.timer!);
  }

  /**
   * The next piece of a running operation's writes lands (an explorer's choice): another operation that reads or
   * writes the same bytes before the completion sees a torn state, workgroup by workgroup or chunk by chunk.
   * Nothing the host can see changes, so the tick goes on.
   */
  private landNextPiece(stream: SimStream): StepEvent {
    const op = stream.inFlight!;
    const writes = op.writes!;
    const piece = writes.landed;
    commitWrites(this.hooks!.device, writes, piece + 1);
    this.lastCompletionHidden = true;
    return { kind: 'complete', time: BigInt(this.now), stream: stream.id, op: op.kind, label: `${op.label} (${writes.unit} ${piece + 1}/${writes.pieces} of its writes)`, status: op.status };
  }

  private describe(c: Candidate): SimChoiceOption {
    if (c.cls === CLASS_TIMER) return new TimerOption(c.timer!);
    if (c.cls === CLASS_PART) return new NextPieceOption(c.stream!.inFlight!);
    const s = c.stream!;
    return c.cls === CLASS_COMPLETE ? new OpEventOption('complete', s.inFlight!) : new OpEventOption('start', s.peek()!);
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

  /** Stops the scheduler for good: drops timers and queued work, rejects every waiter with `reason()`. */
  stop(reason: () => HalError): void {
    this.stopped = true;
    for (const t of this.timers) t.pending = false;
    this.timers.length = 0;
    // Built only when someone waits to hear it (a driver destroyed with nothing pending makes no error).
    let error: HalError | undefined;
    for (const s of this.streams) {
      for (const op of [...(s.inFlight ? [s.inFlight] : []), ...s.drain()]) {
        if (op.waiters !== undefined) this.rejectWaiters(op, (error ??= reason()));
      }
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
      cost = this.hooks === null ? this.executor.execute(op, time) : this.executeDeferred(this.hooks, op, time);
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

  /**
   * Under a schedule source: the graph's node order is a choice, so is (once per run, at the first launch of a
   * HIP-C kernel) the seed kernels draw their thread orders from, and the writes wait for the completion. Both pick
   * the device generator's seed: the graph order its low word, the thread-order seed its high word.
   */
  private executeDeferred(hooks: ScheduleHooks, op: StreamOp, time: number): number {
    const p = op.payload;
    let reseed = false;
    if (this.threadOrderSeed === undefined && drawsThreadOrders(op)) {
      const options = seedOptions(op, KERNEL_ORDERS, 'k', (i) => `kernels draw their thread orders with seed #${i} (from stream ${op.stream.id}'s ${op.label})`);
      this.threadOrderSeed = hooks.source.choose({ kind: 'kernel-order', options, time });
      reseed = true;
    }
    let graphOrder = 0;
    if (p.kind === 'graph' && p.exec.nodeCount > 1) {
      const options = seedOptions(op, GRAPH_ORDERS, 'g', (i) => `stream ${op.stream.id}'s graph ${op.label} replays its nodes in order #${i}`);
      graphOrder = hooks.source.choose({ kind: 'graph-order', options, time });
      reseed = true;
    }
    if (reseed) hooks.device.exports.seedRandom(graphOrder, this.threadOrderSeed ?? 0);
    const { cost, writes } = runDeferred(hooks.device, op, () => this.executor.execute(op, time));
    op.writes = writes;
    return cost;
  }

  private complete(stream: SimStream): StepEvent {
    const op = stream.inFlight!;
    stream.inFlight = null;
    if (op.end > this.now) this.now = op.end;
    if (this.hooks !== null) {
      if (op.writes !== null) {
        commitWrites(this.hooks.device, op.writes);
        op.writes = null;
      }
      const k = op.kind;
      this.lastCompletionHidden = op.waiters === undefined && k !== 'record' && k !== 'dtoh' && k !== 'host';
    }
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
    this.timers.splice(this.timers.indexOf(timer), 1);
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
    // One observable event per tick: starts run until the next completion or timer. Under a schedule source a
    // completion nothing on the host can see (no event capture, readback, host function or synchronize waiter)
    // does not end the tick either: the host could not react to it, so a host turn for it would be wasted.
    for (;;) {
      this.lastCompletionHidden = false;
      const event = this.step();
      if (event === null || (event.kind !== 'start' && !this.lastCompletionHidden)) break;
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
