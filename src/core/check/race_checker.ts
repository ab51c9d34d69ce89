/**
 * The happens-before race checker (createDevice({ check: true })): it watches every queue operation, every recorded
 * command and every host step of a device and reports two accesses to the same bytes, one a write, that nothing in
 * the contract orders. It lives above the driver seam, so it checks runs on every backend, and it is
 * schedule-independent: the order it uses comes only from the contract (docs/design.md rules 4 and 7) —
 *   - semaphore edges: a wait on S ≥ v is ordered after the signal of S that first reaches ≥ v;
 *   - barriers inside a command buffer (and the order of the command buffers of one execute);
 *   - the host: everything the host submits is ordered after what it did before, and a host wait (a semaphore wait,
 *     an awaited read or upload, a query that saw a value) orders what the host does after it resolved.
 * Never from lanes or driver streams: two submissions on one queue with no semaphore between them are unordered even
 * if they happened to share a stream, so the first run under any seed reports the missing edge.
 *
 * ## Vector clocks over chains
 * Every operation that touches memory or signals gets a position (chain, epoch) and a vector clock: clock[c] is the
 * newest epoch of chain c it is ordered after. A chain is a sequence of operations each ordered after the one
 * before; an operation extends a chain whose newest member it is ordered after (its own queue's first), else it
 * starts one. Chain 0 is the host; its epoch advances at each host signal. So "A happens before B" is
 * B.clock[A.chain] ≥ A.epoch, and the clocks are as long as the program is wide, not as long as it is.
 *
 * ## Wait before signal
 * An operation's clock is known only once each of its waits is *resolved*: some operation or host signal of at least
 * that value was submitted and is itself resolved. Until then it is kept aside with the host's clock at its
 * submission; the signal that resolves its last wait resolves it (iteratively, so long chains are loops), and only
 * then are its accesses checked. Operations are therefore checked in resolution order, in which nothing can be
 * ordered before an operation checked earlier — each pair is looked at exactly once, by the later one.
 *
 * ## Bounded memory
 * The *frontier* is the host's clock at the submission of the oldest unresolved operation (or the host's clock
 * now): every operation still to be checked is ordered after it. History entries ordered before the frontier can
 * never race again and are dropped in periodic sweeps; a write also supersedes earlier entries it covers and is
 * ordered after (anything unordered with those is unordered with the write too). Signals of a semaphore ordered
 * before the frontier collapse into a floor value.
 *
 * The checker never throws into the code that calls it: every entry point catches its own defects, records the
 * first one in `failure` and stops checking, so a bug here cannot hang or corrupt a run.
 */
import type { GpuBuffer } from '../gpu_buffer.js';
import { bindingTableKey, resolveCapturedTable, type BindingTable } from '../command_buffer/binding_table.js';
import type { CommandBuffer } from '../command_buffer/command_buffer.js';
import { HalError, StatusCode } from '../errors.js';
import type { TraceRecorder } from '../../trace/hooks.js';
import { signalsStart, type SyncList } from '../scheduler/sync_list.js';
import type { Semaphore } from '../semaphore/semaphore.js';
import { commandAccesses, unorderedCommands, type Access, type CommandConflict } from './accesses.js';
import { captureCallSite, type CallSite } from './call_site.js';
import { formatReport, nameOperation, type RaceKind, type RaceOperation, type RaceReport } from './race_report.js';

/** A vector clock, indexed by chain (0: the host); missing entries are 0. */
type Clock = number[];

export interface RaceCheckOptions {
  /** Reject the operation whose check found a race (it does not run; its signals fail) and throw at destroy(). */
  readonly strict?: boolean;
  /** Capture the user's call site of every submission and recorded command (default true). */
  readonly callSites?: boolean;
  /** Reports kept on the device (default 1000); later ones are counted in `droppedReports` and still sent to listeners. */
  readonly maxReports?: number;
}

/** What the scheduler's submission is to the checker: something that can still be failed before it runs. */
export interface CheckedSubmission {
  readonly state: string;
  waitFailed(error: HalError): void;
}

/** How much the checker holds: counters for the memory bound (tests assert them, never timings). */
export interface RaceCheckerStats {
  /** Memory access entries kept across all allocations. */
  readonly historyEntries: number;
  /** Allocations with history. */
  readonly trackedAllocations: number;
  /** Resolved semaphore signals kept (those not yet ordered before the frontier). */
  readonly signalEntries: number;
  /** Waits of submitted operations whose signal is not submitted yet. */
  readonly pendingWaits: number;
  /** Submitted operations whose clock is not known yet. */
  readonly unresolvedOperations: number;
  /** Chains in use (the width of the program as observed). */
  readonly chains: number;
  readonly checkedOperations: number;
  readonly sweeps: number;
}

type Lifetime = { readonly kind: 'alloca' | 'dealloca'; readonly buffer: GpuBuffer };

/** A submitted queue operation as the checker knows it. */
export class CheckedOp {
  /** Joined with each resolved wait's signal clock; the operation's own clock once resolved. */
  clock: Clock | undefined;
  unresolved = 0;
  resolved = false;
  chain = -1;
  epoch = 0;
  submission: CheckedSubmission | undefined;
  /** Strict mode: the error the operation fails with instead of running. */
  failure: HalError | undefined;
  /** Races found before the scheduler gave it a submission: traced once it has one. */
  traceLater: (() => void)[] | undefined;

  constructor(
    readonly seq: number,
    readonly queueIndex: number,
    readonly queueLabel: string,
    readonly kind: string,
    readonly label: string | undefined,
    readonly site: CallSite | undefined,
    readonly sync: SyncList,
    readonly accesses: readonly Access[],
    readonly conflicts: readonly CommandConflict[],
    readonly lifetime: Lifetime | undefined,
    /** The host's clock when it was submitted (shared, never mutated). */
    readonly hostClock: Clock,
  ) {}
}

interface HistoryEntry {
  readonly access: Access;
  readonly op: CheckedOp;
  readonly chain: number;
  readonly epoch: number;
}

/** Everything known about one allocation's bytes. */
class AllocationHistory {
  entries: HistoryEntry[] = [];
  /** The alloca that made it, until that is ordered before the frontier. */
  alloca: CheckedOp | undefined;
  /** Its dealloca, once submitted. */
  dealloca: CheckedOp | undefined;
  /** Uses submitted after the dealloca and checked before it was resolved: checked against it when it is. */
  lateUses: { op: CheckedOp; access: Access }[] = [];
}

interface SignalEntry {
  readonly value: bigint;
  readonly clock: Clock;
  readonly chain: number;
  readonly epoch: number;
  /** undefined: the host signaled. */
  readonly op: CheckedOp | undefined;
  readonly site: CallSite | undefined;
}

class SemaphoreHistory {
  /** Resolved signals, sorted by value. */
  signals: SignalEntry[] = [];
  /** Waits whose signal is not resolved yet, sorted by value. */
  waiters: { op: CheckedOp; value: bigint }[] = [];
  /** Values up to here are reached by signals ordered before the frontier (or the initial value). */
  floor: bigint;

  constructor(
    readonly semaphore: Semaphore,
    initial: bigint,
  ) {
    this.floor = initial;
  }
}

interface CommandBufferAccesses {
  readonly accesses: readonly Access[];
  readonly conflicts: readonly CommandConflict[];
}

export type RaceListener = (report: RaceReport) => void;

const DEFAULT_MAX_REPORTS = 1000;
/** Sweep after this many checked operations at least (more when much history survives each sweep). */
const MIN_SWEEP_INTERVAL = 512;

export class RaceChecker {
  readonly strict: boolean;
  readonly callSites: boolean;
  readonly maxReports: number;
  readonly reports: RaceReport[] = [];
  droppedReports = 0;
  /** The checker's own first defect, if it had one (it stopped checking then). */
  failure: unknown;
  /** Errors thrown by report listeners (caught, so a listener cannot break the run). */
  readonly listenerErrors: unknown[] = [];
  /** The device's trace recorder, when it records one: each race is marked on the two submissions. */
  trace: TraceRecorder | undefined;

  private readonly listeners = new Set<RaceListener>();
  private seq = 0;
  private readonly hostClock: Clock = [0];
  private hostSnapshot: Clock | undefined;
  /** tips[c]: the newest epoch of chain c. */
  private readonly tips: number[] = [0];
  /** The chain each queue extended last (tried first). */
  private readonly queueChain: number[] = [];
  private readonly histories = new Map<number, AllocationHistory>();
  private readonly semaphores = new Map<Semaphore, SemaphoreHistory>();
  /** Unresolved operations in submission order. */
  private readonly unresolved = new Set<CheckedOp>();
  private readonly ready: CheckedOp[] = [];
  private readonly commandSites = new WeakMap<CommandBuffer, (CallSite | undefined)[]>();
  private readonly commandBufferAccesses = new WeakMap<CommandBuffer, Map<string, CommandBufferAccesses>>();
  private readonly reportedConflicts = new WeakSet<readonly CommandConflict[]>();
  /** Per command buffer, the binding tables of its last few executes and their accesses (see accessesOf). */
  private readonly recentTables = new WeakMap<CommandBuffer, { table: readonly TableEntry[]; accesses: CommandBufferAccesses }[]>();
  /** Operations failed by strict mode during the current entry point, failed once it is done. */
  private toReject: CheckedOp[] = [];
  private checked = 0;
  private sinceSweep = 0;
  private sweepInterval = MIN_SWEEP_INTERVAL;
  private sweeps = 0;

  constructor(options: RaceCheckOptions) {
    this.strict = options.strict ?? false;
    this.callSites = options.callSites ?? true;
    this.maxReports = options.maxReports ?? DEFAULT_MAX_REPORTS;
  }

  get enabled(): boolean {
    return this.failure === undefined;
  }

  on(listener: RaceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): RaceCheckerStats {
    let historyEntries = 0;
    for (const h of this.histories.values()) historyEntries += h.entries.length + h.lateUses.length;
    let signalEntries = 0;
    let pendingWaits = 0;
    for (const s of this.semaphores.values()) {
      signalEntries += s.signals.length;
      pendingWaits += s.waiters.length;
    }
    return {
      historyEntries,
      trackedAllocations: this.histories.size,
      signalEntries,
      pendingWaits,
      unresolvedOperations: this.unresolved.size,
      chains: this.tips.length - 1,
      checkedOperations: this.checked,
      sweeps: this.sweeps,
    };
  }

  // --- entry points (each guarded: the checker never throws into its caller) --------------------------------------

  semaphoreCreated(semaphore: Semaphore, initial: bigint): void {
    this.guard(() => {
      this.semaphores.set(semaphore, new SemaphoreHistory(semaphore, initial));
    });
  }

  /** A command was appended to `commandBuffer` at `index`: remember where the user recorded it. */
  commandRecorded(commandBuffer: CommandBuffer, index: number): void {
    if (!this.callSites || !this.enabled) return;
    this.guard(() => {
      let sites = this.commandSites.get(commandBuffer);
      if (sites === undefined) this.commandSites.set(commandBuffer, (sites = []));
      sites[index] = captureCallSite();
    });
  }

  /** The accesses of an execute's command buffers (cached per command buffer and binding table). */
  executeAccesses(commandBuffers: readonly CommandBuffer[], tables: readonly (BindingTable | undefined)[] | undefined): CommandBufferAccesses {
    if (commandBuffers.length === 1) return this.accessesOf(commandBuffers[0]!, tables?.[0]);
    const accesses: Access[] = [];
    const conflicts: CommandConflict[] = [];
    commandBuffers.forEach((cb, i) => {
      const one = this.accessesOf(cb, tables?.[i]);
      accesses.push(...one.accesses);
      conflicts.push(...one.conflicts);
    });
    return { accesses, conflicts };
  }

  /**
   * A queue operation was validated and is about to be handed to the scheduler. Returns its record (undefined once
   * the checker stopped); in strict mode `failure` is set when it races and must not run.
   */
  submitted(
    queueIndex: number,
    queueLabel: string,
    kind: string,
    label: string | undefined,
    sync: SyncList,
    accesses: readonly (Access | undefined)[],
    conflicts: readonly CommandConflict[] = [],
    lifetime?: Lifetime,
  ): CheckedOp | undefined {
    if (!this.enabled) return undefined;
    // Captured here, not inside the guard: two frames fewer to collect on every submission.
    const site = this.callSites ? captureCallSite() : undefined;
    return this.guard(() => {
      const op = new CheckedOp(
        ++this.seq,
        queueIndex,
        queueLabel,
        kind,
        label,
        site,
        sync,
        accesses.includes(undefined) ? accesses.filter((a): a is Access => a !== undefined) : (accesses as readonly Access[]),
        conflicts,
        lifetime,
        this.snapshot(),
      );
      if (lifetime !== undefined) {
        const history = this.history(lifetime.buffer);
        if (lifetime.kind === 'alloca') history.alloca = op;
        else history.dealloca = op;
      }
      this.unresolved.add(op);
      const end = signalsStart(sync);
      for (let i = 1; i < end; i += 2) this.resolveWait(op, sync[i] as Semaphore, sync[i + 1] as bigint);
      if (op.unresolved === 0) this.ready.push(op);
      this.drain();
      return op;
    });
  }

  /** The scheduler accepted `op` as `submission` (strict mode can fail it while it is still pending). */
  attach(op: CheckedOp | undefined, submission: CheckedSubmission): void {
    if (op === undefined) return;
    op.submission = submission;
    const later = op.traceLater;
    if (later === undefined) return;
    op.traceLater = undefined;
    this.guard(() => {
      for (const record of later) record();
    });
  }

  /** The host signals `semaphore` to `value` (called before the value moves, so nothing has been released yet). */
  hostSignaled(semaphore: Semaphore, value: bigint): void {
    if (!this.enabled) return;
    this.guard(() => {
      this.hostClock[0]!++;
      this.hostSnapshot = undefined;
      this.resolveSignal(semaphore, value, this.hostClock.slice(), 0, this.hostClock[0]!, undefined, this.callSites ? captureCallSite() : undefined);
      this.drain();
    });
  }

  /** A host wait resolved: the host is ordered after the signals that reached the listed values. */
  hostWaited(entries: readonly { readonly semaphore: Semaphore; readonly value: bigint }[]): void {
    if (!this.enabled) return;
    this.guard(() => {
      for (const { semaphore, value } of entries) {
        if (semaphore.currentValue >= value) this.hostObservedValue(semaphore, value);
      }
    });
  }

  /** The host read `value` from `semaphore` (a query): as a wait for it that resolved. */
  hostObserved(semaphore: Semaphore, value: bigint): void {
    if (!this.enabled) return;
    this.guard(() => this.hostObservedValue(semaphore, value));
  }

  /** A read or upload the host awaits has settled successfully: the host is ordered after it. */
  hostSettled(op: CheckedOp | undefined): void {
    if (op === undefined || !this.enabled) return;
    this.guard(() => {
      if (op.resolved && op.clock !== undefined) this.joinHost(op.clock);
    });
  }

  /** An allocation's memory went back (every submission that used it has finished): its history ends. */
  memoryFreed(ptr: number): void {
    if (!this.enabled) return;
    this.guard(() => {
      this.histories.delete(ptr);
    });
  }

  /** Strict mode: the error destroy() throws when anything was reported. */
  destroyError(): HalError | undefined {
    if (!this.strict) return undefined;
    const count = this.reports.length + this.droppedReports;
    if (count === 0) return undefined;
    const listed = this.reports.slice(0, 5).map((r) => r.message);
    return new HalError(
      StatusCode.FAILED_PRECONDITION,
      `race checker (strict): ${count} race report(s) on this device: ${listed.join(' | ')}${count > listed.length ? ` | … ${count - listed.length} more` : ''}`,
    );
  }

  // --- resolution --------------------------------------------------------------------------------------------------

  private guard<T>(fn: () => T): T | undefined {
    try {
      const result = fn();
      if (this.toReject.length > 0) this.rejectPending();
      return result;
    } catch (error) {
      // A defect in the checker must not break the program it watches: stop checking, keep the evidence.
      this.failure ??= error;
      this.toReject = [];
      this.ready.length = 0;
      return undefined;
    }
  }

  private snapshot(): Clock {
    return (this.hostSnapshot ??= this.hostClock.slice());
  }

  private joinHost(clock: Clock): void {
    if (join(this.hostClock, clock)) this.hostSnapshot = undefined;
  }

  private semaphoreHistory(semaphore: Semaphore): SemaphoreHistory {
    let history = this.semaphores.get(semaphore);
    if (history === undefined) {
      // Declared at creation normally; one made before checking began counts from 0.
      history = new SemaphoreHistory(semaphore, 0n);
      this.semaphores.set(semaphore, history);
    }
    return history;
  }

  private history(buffer: GpuBuffer): AllocationHistory {
    const key = buffer.devicePtr;
    let history = this.histories.get(key);
    if (history === undefined) this.histories.set(key, (history = new AllocationHistory()));
    return history;
  }

  /** The first resolved signal reaching `value`; null when the value is reached by the floor (orders nothing new). */
  private signalFor(history: SemaphoreHistory, value: bigint): SignalEntry | null | undefined {
    if (value <= history.floor) return null;
    const signals = history.signals;
    const i = lowerBound(signals, value);
    return i < signals.length ? signals[i] : undefined;
  }

  private resolveWait(op: CheckedOp, semaphore: Semaphore, value: bigint): void {
    const history = this.semaphoreHistory(semaphore);
    const signal = this.signalFor(history, value);
    if (signal === null) return;
    if (signal !== undefined) {
      join((op.clock ??= op.hostClock.slice()), signal.clock);
      return;
    }
    op.unresolved++;
    const waiters = history.waiters;
    let i = waiters.length;
    while (i > 0 && waiters[i - 1]!.value > value) i--;
    waiters.splice(i, 0, { op, value });
  }

  private hostObservedValue(semaphore: Semaphore, value: bigint): void {
    const signal = this.signalFor(this.semaphoreHistory(semaphore), value);
    if (signal) this.joinHost(signal.clock);
  }

  private drain(): void {
    for (let op = this.ready.pop(); op !== undefined; op = this.ready.pop()) this.check(op);
  }

  /** `op`'s waits are all resolved: give it its place, check its accesses, resolve its signals. */
  private check(op: CheckedOp): void {
    op.resolved = true;
    this.unresolved.delete(op);
    const clock = (op.clock ??= op.hostClock.slice());
    const sync = op.sync;
    const start = signalsStart(sync);
    if (op.accesses.length === 0 && op.lifetime === undefined && start === sync.length) return;
    this.place(op, clock);
    this.checked++;
    if (op.conflicts.length > 0) this.reportCommands(op);
    if (op.lifetime !== undefined) this.checkLifetime(op, clock);
    this.checkAccesses(op, clock);
    for (let i = start; i < sync.length; i += 2) {
      this.resolveSignal(sync[i] as Semaphore, sync[i + 1] as bigint, clock, op.chain, op.epoch, op, undefined);
    }
    if (++this.sinceSweep >= this.sweepInterval) this.sweep();
  }

  /** Extends a chain `op` is ordered after (its queue's last one first), or starts a chain. */
  private place(op: CheckedOp, clock: Clock): void {
    const tips = this.tips;
    let chain = this.queueChain[op.queueIndex] ?? 0;
    if (chain === 0 || (clock[chain] ?? 0) !== tips[chain]) {
      chain = 0;
      for (let c = 1; c < tips.length; c++) {
        if ((clock[c] ?? 0) === tips[c]) {
          chain = c;
          break;
        }
      }
      if (chain === 0) {
        chain = tips.length;
        tips.push(0);
      }
    }
    const epoch = tips[chain]! + 1;
    tips[chain] = epoch;
    clock[chain] = epoch;
    op.chain = chain;
    op.epoch = epoch;
    this.queueChain[op.queueIndex] = chain;
  }

  private resolveSignal(
    semaphore: Semaphore,
    value: bigint,
    clock: Clock,
    chain: number,
    epoch: number,
    op: CheckedOp | undefined,
    site: CallSite | undefined,
  ): void {
    const history = this.semaphoreHistory(semaphore);
    const signals = history.signals;
    const entry: SignalEntry = { value, clock, chain, epoch, op, site };
    const i = lowerBound(signals, value);
    // Signals of one semaphore must be ordered by value. The one below must happen before this one; one at or above
    // was resolved earlier, so this one cannot be ordered before it (at most after it: a signal going backwards).
    const below = i > 0 ? signals[i - 1] : undefined;
    if (below !== undefined && (clock[below.chain] ?? 0) < below.epoch) this.reportValueOrder(history, below, entry);
    const above = i < signals.length ? signals[i] : undefined;
    // The same value signaled again, after the first: a no-op by the contract. It released nothing and must not be
    // the signal a later wait of that value is ordered after (that wait was released by the first one).
    if (above !== undefined && above.value === value && (clock[above.chain] ?? 0) >= above.epoch) return;
    if (above !== undefined) this.reportValueOrder(history, entry, above);
    signals.splice(i, 0, entry);
    // Release the waits this value reaches.
    const waiters = history.waiters;
    let released = 0;
    while (released < waiters.length && waiters[released]!.value <= value) {
      const waiter = waiters[released++]!.op;
      join((waiter.clock ??= waiter.hostClock.slice()), clock);
      if (--waiter.unresolved === 0) this.ready.push(waiter);
    }
    if (released > 0) waiters.splice(0, released);
  }

  // --- checks ------------------------------------------------------------------------------------------------------

  private checkAccesses(op: CheckedOp, clock: Clock): void {
    const accesses = op.accesses;
    let seen: Set<string> | undefined;
    for (const access of accesses) {
      const history = this.histories.get(access.key) ?? this.newHistory(access.key);
      if (history.alloca !== undefined && history.alloca !== op) this.checkAfterAlloca(history.alloca, op, access, clock);
      if (history.dealloca !== undefined && history.dealloca !== op && history.dealloca.seq < op.seq) {
        if (history.dealloca.resolved) this.reportLifetime('use-after-free', history.dealloca, op, access);
        else history.lateUses.push({ op, access });
      }
      for (const entry of history.entries) {
        if (entry.op === op) continue;
        const a = entry.access;
        if (!(a.start < access.end && access.start < a.end && (a.write || access.write))) continue;
        if ((clock[entry.chain] ?? 0) >= entry.epoch) continue;
        const pair = `${entry.op.seq}:${a.command}:${access.command}`;
        if ((seen ??= new Set()).has(pair)) continue;
        seen.add(pair);
        this.reportAccesses(entry.op, a, op, access);
      }
    }
    for (const access of accesses) {
      const history = this.histories.get(access.key)!;
      // Entries this access covers and is ordered after add nothing: whatever races with them races with it.
      // Compacted in place: this runs for every access of every operation.
      const entries = history.entries;
      let kept = 0;
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        const a = entry.access;
        const covered =
          entry.op !== op && (access.write || !a.write) && access.start <= a.start && a.end <= access.end && (clock[entry.chain] ?? 0) >= entry.epoch;
        if (!covered) entries[kept++] = entry;
      }
      entries.length = kept;
      entries.push({ access, op, chain: op.chain, epoch: op.epoch });
    }
  }

  private newHistory(key: number): AllocationHistory {
    const history = new AllocationHistory();
    this.histories.set(key, history);
    return history;
  }

  private checkAfterAlloca(alloca: CheckedOp, op: CheckedOp, access: Access | undefined, clock: Clock): void {
    if (alloca.resolved && (clock[alloca.chain] ?? 0) >= alloca.epoch) return;
    this.reportLifetime('use-before-alloca', alloca, op, access);
  }

  /** An alloca or dealloca was resolved. */
  private checkLifetime(op: CheckedOp, clock: Clock): void {
    const { kind, buffer } = op.lifetime!;
    const history = this.histories.get(buffer.devicePtr);
    if (history === undefined) return;
    if (kind === 'alloca') return; // uses are checked against it when they are checked
    if (history.alloca !== undefined) this.checkAfterAlloca(history.alloca, op, undefined, clock);
    // Uses submitted after this dealloca must be ordered before it; rule 6 keeps the earlier ones alive.
    for (const { op: use, access } of history.lateUses) {
      if ((clock[use.chain] ?? 0) < use.epoch) this.reportLifetime('use-after-free', op, use, access);
    }
    history.lateUses = [];
  }

  // --- memory bound -------------------------------------------------------------------------------------------------

  /** The host's clock at the oldest unresolved submission, else now: every operation still to check is after it. */
  private frontier(): Clock {
    for (const op of this.unresolved) {
      // Failed before it was resolved (cancelled, a failed wait): it will never run.
      if (op.submission !== undefined && op.submission.state === 'done') {
        this.unresolved.delete(op);
        continue;
      }
      return op.hostClock;
    }
    return this.hostClock;
  }

  private sweep(): void {
    this.sinceSweep = 0;
    this.sweeps++;
    const floor = this.frontier();
    const before = (chain: number, epoch: number): boolean => (floor[chain] ?? 0) >= epoch;
    let kept = 0;
    for (const [key, history] of this.histories) {
      history.entries = history.entries.filter((e) => !before(e.chain, e.epoch));
      if (history.alloca !== undefined && history.alloca.resolved && before(history.alloca.chain, history.alloca.epoch)) history.alloca = undefined;
      kept += history.entries.length + history.lateUses.length;
      if (history.entries.length === 0 && history.alloca === undefined && history.dealloca === undefined) this.histories.delete(key);
    }
    for (const [semaphore, history] of this.semaphores) {
      const signals = history.signals;
      let n = 0;
      while (n < signals.length && before(signals[n]!.chain, signals[n]!.epoch)) n++;
      if (n > 0) {
        if (signals[n - 1]!.value > history.floor) history.floor = signals[n - 1]!.value;
        signals.splice(0, n);
      }
      kept += signals.length;
      if (semaphore.destroyed && history.waiters.length === 0) this.semaphores.delete(semaphore);
    }
    this.sweepInterval = Math.max(MIN_SWEEP_INTERVAL, 2 * kept);
  }

  // --- reports ------------------------------------------------------------------------------------------------------

  private side(op: CheckedOp, access: Access | undefined): RaceOperation {
    const command = access !== undefined && access.command >= 0;
    return {
      queue: op.queueLabel,
      queueIndex: op.queueIndex,
      operation: op.kind,
      label: op.label,
      submission: op.seq,
      commandBuffer: command ? access.commandBuffer : undefined,
      command: command ? access.command : undefined,
      access: access !== undefined ? `${access.write ? 'writes' : 'reads'} ${access.what}` : undefined,
      callSite: op.site?.toString(),
      recordedAt: command ? access.recordedAt?.toString() : undefined,
    };
  }

  private hostSide(site: CallSite | undefined): RaceOperation {
    return {
      queue: 'host',
      queueIndex: -1,
      operation: 'signal',
      label: undefined,
      submission: 0,
      commandBuffer: undefined,
      command: undefined,
      access: undefined,
      callSite: site?.toString(),
      recordedAt: undefined,
    };
  }

  private reportAccesses(a: CheckedOp, accessA: Access, b: CheckedOp, accessB: Access): void {
    const [first, firstAccess, second, secondAccess] = a.seq <= b.seq ? [a, accessA, b, accessB] : [b, accessB, a, accessA];
    this.emit(
      {
        kind: raceKind(firstAccess, secondAccess),
        first: this.side(first, firstAccess),
        second: this.side(second, secondAccess),
        buffer: accessB.buffer.label,
        range: overlap(accessA, accessB),
        semaphore: undefined,
        values: undefined,
        fix: orderingFix(first, second),
      },
      [first, second],
      b,
    );
  }

  /**
   * Commands of one command buffer that race with each other: reported at the first execute that uses the recording
   * (with this binding table); in strict mode every such execute is rejected.
   */
  private reportCommands(op: CheckedOp): void {
    const first = !this.reportedConflicts.has(op.conflicts);
    if (first) this.reportedConflicts.add(op.conflicts);
    for (const { earlier, later } of op.conflicts) {
      this.emit(
        {
          kind: raceKind(earlier, later),
          first: this.side(op, earlier),
          second: this.side(op, later),
          buffer: later.buffer.label,
          range: overlap(earlier, later),
          semaphore: undefined,
          values: undefined,
          fix: `add an executionBarrier() between commands ${earlier.command} and ${later.command} of ${later.commandBuffer}`,
        },
        [op, op],
        op,
        first,
      );
    }
  }

  private reportLifetime(kind: 'use-after-free' | 'use-before-alloca', lifetimeOp: CheckedOp, use: CheckedOp, access: Access | undefined): void {
    const buffer = lifetimeOp.lifetime!.buffer;
    const fix =
      kind === 'use-before-alloca'
        ? `make ${nameOperation(this.side(use, undefined))} wait on ${signalOf(lifetimeOp) ?? `a semaphore that ${nameOperation(this.side(lifetimeOp, undefined))} signals`}`
        : `make ${nameOperation(this.side(lifetimeOp, undefined))} wait on ${signalOf(use) ?? `a semaphore that ${nameOperation(this.side(use, undefined))} signals`}`;
    this.emit(
      {
        kind,
        first: this.side(lifetimeOp, undefined),
        second: this.side(use, access),
        buffer: buffer.label,
        range: access !== undefined ? { offset: access.start - access.key, length: access.end - access.start } : undefined,
        semaphore: undefined,
        values: undefined,
        fix,
      },
      [lifetimeOp, use],
      lifetimeOp.resolved && use.resolved ? (lifetimeOp.seq > use.seq ? lifetimeOp : use) : use,
    );
  }

  private reportValueOrder(history: SemaphoreHistory, lower: SignalEntry, higher: SignalEntry): void {
    const name = history.semaphore.label;
    const sideOf = (e: SignalEntry): RaceOperation => (e.op !== undefined ? this.side(e.op, undefined) : this.hostSide(e.site));
    const a = sideOf(lower);
    const b = sideOf(higher);
    const fix =
      higher.op === undefined
        ? `have the host wait for ${name} ≥ ${lower.value} before signaling ${higher.value}`
        : `make ${nameOperation(b)} wait on ${name} ≥ ${lower.value}`;
    const inOrder = (lower.op?.seq ?? 0) <= (higher.op?.seq ?? 0);
    const [first, second, values] = inOrder ? [a, b, [lower.value, higher.value] as const] : [b, a, [higher.value, lower.value] as const];
    const sides = inOrder ? ([lower.op, higher.op] as const) : ([higher.op, lower.op] as const);
    // The one resolved now is the offender: the other was checked before it existed.
    const offender = lower.op !== undefined && higher.op !== undefined ? (lower.op.seq > higher.op.seq ? lower.op : higher.op) : (lower.op ?? higher.op);
    this.emit({ kind: 'value-order', first, second, buffer: undefined, range: undefined, semaphore: name, values, fix }, sides, offender);
  }

  private emit(data: Omit<RaceReport, 'message'>, sides: readonly [CheckedOp | undefined, CheckedOp | undefined], offender: CheckedOp | undefined, record = true): void {
    const strict = this.strict && offender !== undefined && offender.failure === undefined;
    const keep = record && this.reports.length < this.maxReports;
    if (record && !keep) this.droppedReports++;
    // A report nobody will see (past maxReports, no listener, not strict) is only counted: formatting is the cost.
    if (!keep && !strict && (!record || this.listeners.size === 0)) return;
    const report: RaceReport = Object.freeze({ ...data, message: formatReport(data) });
    if (record) {
      this.traceRace(report, sides);
      if (keep) this.reports.push(report);
      for (const listener of this.listeners) {
        try {
          listener(report);
        } catch (error) {
          this.listenerErrors.push(error);
        }
      }
    }
    if (strict) {
      offender.failure = new HalError(StatusCode.FAILED_PRECONDITION, `race checker (strict) rejected this operation: ${report.message}`);
      this.toReject.push(offender);
    }
  }

  /** Marks the race in the trace; a side the scheduler has not accepted yet is marked once it has been. */
  private traceRace(report: RaceReport, [a, b]: readonly [CheckedOp | undefined, CheckedOp | undefined]): void {
    const trace = this.trace;
    if (trace === undefined) return;
    const record = (): void => trace.race(a?.submission, b?.submission, { race: report.kind, message: report.message, fix: report.fix });
    const waiting = [a, b].find((op) => op !== undefined && op.submission === undefined);
    if (waiting !== undefined) (waiting.traceLater ??= []).push(record);
    else record();
  }

  /** Strict mode: fail the operations found racing that the scheduler already holds (not yet run). */
  private rejectPending(): void {
    const list = this.toReject;
    this.toReject = [];
    for (const op of list) {
      const submission = op.submission;
      if (submission !== undefined && (submission.state === 'pending' || submission.state === 'ready')) submission.waitFailed(op.failure!);
    }
  }

  private accessesOf(cb: CommandBuffer, table: BindingTable | undefined): CommandBufferAccesses {
    let byTable = this.commandBufferAccesses.get(cb);
    if (byTable === undefined) this.commandBufferAccesses.set(cb, (byTable = new Map()));
    // The hot path: a table like one used recently (same buffers at the same addresses, offsets and lengths) is found
    // by comparing entries, without building its key.
    const recent = this.recentTables.get(cb);
    if (recent !== undefined && table !== undefined) {
      for (const seen of recent) if (sameTable(seen.table, table)) return seen.accesses;
    }
    const entries = resolveCapturedTable(table);
    const key = entries.length === 0 ? '' : bindingTableKey(entries);
    let cached = byTable.get(key);
    if (cached === undefined) {
      const commands = cb.recordedCommands;
      const sites = this.commandSites.get(cb);
      const accesses: Access[] = [];
      commands.forEach((command, index) => commandAccesses(command, index, entries, cb.label, sites?.[index], accesses));
      cached = { accesses, conflicts: unorderedCommands(commands, accesses) };
      // Tables change per execute; keep a few per command buffer, not one per table ever seen.
      if (byTable.size >= 16) byTable.delete(byTable.keys().next().value!);
      byTable.set(key, cached);
    }
    if (table !== undefined) {
      const list = this.recentTables.get(cb) ?? [];
      if (list.length >= 8) list.shift();
      list.push({ table: table.map((e) => ({ buffer: e.buffer, offset: e.offset ?? 0, length: e.length ?? e.buffer.byteLength - (e.offset ?? 0), ptr: e.buffer.devicePtr })), accesses: cached });
      this.recentTables.set(cb, list);
    }
    return cached;
  }
}

/** A binding-table entry as compared by `sameTable` (the address too: a freed address can come back for a new buffer). */
interface TableEntry {
  readonly buffer: GpuBuffer;
  readonly offset: number;
  readonly length: number;
  readonly ptr: number;
}

function sameTable(seen: readonly TableEntry[], table: BindingTable): boolean {
  if (seen.length !== table.length) return false;
  for (let i = 0; i < seen.length; i++) {
    const a = seen[i]!;
    const b = table[i]!;
    const offset = b.offset ?? 0;
    if (a.buffer !== b.buffer || a.ptr !== b.buffer.devicePtr || a.offset !== offset || a.length !== (b.length ?? b.buffer.byteLength - offset)) return false;
  }
  return true;
}

/** Joins `from` into `into`; true if `into` changed. */
function join(into: Clock, from: Clock): boolean {
  let changed = false;
  for (let i = 0; i < from.length; i++) {
    const v = from[i]!;
    if (v > (into[i] ?? 0)) {
      into[i] = v;
      changed = true;
    }
  }
  return changed;
}

/** Index of the first signal with value ≥ `value`. */
function lowerBound(signals: readonly SignalEntry[], value: bigint): number {
  let lo = 0;
  let hi = signals.length;
  // Signals almost always arrive in increasing order: check the end first.
  if (hi > 0 && signals[hi - 1]!.value < value) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (signals[mid]!.value < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** "S ≥ v" for the first signal of `op`, if it has one. */
function signalOf(op: CheckedOp): string | undefined {
  const start = signalsStart(op.sync);
  if (start === op.sync.length) return undefined;
  return `${(op.sync[start] as Semaphore).label} ≥ ${op.sync[start + 1] as bigint}`;
}

/** What an unordered pair of accesses, not both reads, is called by the one that came first. */
function raceKind(first: Access, second: Access): RaceKind {
  return first.write ? (second.write ? 'write-after-write' : 'read-after-write') : 'write-after-read';
}

/** The bytes two accesses of one allocation share, as an offset from `b`'s allocation base and a length. */
function overlap(a: Access, b: Access): { offset: number; length: number } {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return { offset: start - b.key, length: end - start };
}

/** The edge that orders `first` before `second` (or, when only `second` signals, the other way round). */
function orderingFix(first: CheckedOp, second: CheckedOp): string {
  const name = (op: CheckedOp): string => `${op.kind} #${op.seq}${op.label !== undefined ? ` "${op.label}"` : ''} on ${op.queueLabel}`;
  const firstSignal = signalOf(first);
  if (firstSignal !== undefined) return `make ${name(second)} wait on ${firstSignal}`;
  const secondSignal = signalOf(second);
  if (secondSignal !== undefined) return `make ${name(first)} wait on ${secondSignal}`;
  return `make ${name(first)} signal a semaphore and ${name(second)} wait on it`;
}
