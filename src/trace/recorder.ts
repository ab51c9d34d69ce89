/**
 * MemoryTraceRecorder: the TraceRecorder (hooks.ts) that keeps every event in memory.
 *
 * Derived facts are computed here, not at call sites: which signal released each wait (the first signal whose
 * value reached the waited value), and which failed wait semaphore caused a submission to fail. Core objects are
 * held weakly, so a recording never keeps a submission's captures alive.
 */
import { HalError } from '../core/errors.js';
import type {
  TraceClock,
  TraceDeviceInfo,
  TraceHostWaitInfo,
  TraceListener,
  TraceOpInfo,
  TraceRecorder,
  TraceSubmissionInfo,
  TraceValue,
  TraceValueList,
} from './hooks.js';
import type { HostWaitOutcome, LaneKind, TraceError, TraceEvent, ValueRef } from './model.js';

interface SemaphoreState {
  readonly id: number;
  readonly device: number;
  /** Every value the semaphore took, ascending, with the seq of the signal that set it (-1: initial value). */
  readonly history: { value: bigint; seq: number }[];
  failed: boolean;
}

interface PendingWait {
  readonly submission: number;
  readonly value: bigint;
}

interface SubmissionState {
  readonly waits: readonly ValueRef[];
  /** Wait indices not yet reached. */
  readonly unreached: Set<number>;
}

/**
 * Ids of objects, held weakly: a recording must not keep the core's objects (submissions hold their captured
 * buffers) alive. Primitive keys (a driver handle may be a number) are held in a plain map.
 */
class IdTable<V> {
  private readonly objects = new WeakMap<object, V>();
  private readonly primitives = new Map<unknown, V>();

  get(key: unknown): V | undefined {
    return isObject(key) ? this.objects.get(key) : this.primitives.get(key);
  }

  set(key: unknown, value: V): void {
    if (isObject(key)) this.objects.set(key, value);
    else this.primitives.set(key, value);
  }

  delete(key: unknown): void {
    if (isObject(key)) this.objects.delete(key);
    else this.primitives.delete(key);
  }
}

const isObject = (key: unknown): key is object => (typeof key === 'object' && key !== null) || typeof key === 'function';

/** Keeps every event in memory, stamped by `clock`. One recorder may serve several devices. */
export class MemoryTraceRecorder implements TraceRecorder {
  private readonly recorded: TraceEvent[] = [];
  /** Events kept elsewhere until read (a driver's log), pulled in by `events`. */
  private readonly sources: (() => void)[] = [];
  private pulling = false;
  private readonly clock: TraceClock;
  private readonly listeners: TraceListener[] = [];
  private readonly devices = new IdTable<number>();
  private deviceCount = 0;
  private readonly lanes = new IdTable<number>();
  private readonly hostLanes = new Map<number, number>();
  private readonly semaphores = new IdTable<SemaphoreState>();
  private readonly semaphoresById: SemaphoreState[] = [];
  private readonly submissions = new IdTable<number>();
  private readonly submissionState = new Map<number, SubmissionState>();
  private readonly hostWaits = new IdTable<number>();
  private readonly pendingWaits = new Map<number, PendingWait[]>();
  private nextLane = 1;
  private nextSubmission = 1;
  private nextHostWait = 1;

  constructor(clock: TraceClock) {
    this.clock = clock;
  }

  /**
   * Every event so far, in recording order. Reading it first pulls in what the sources hold (a traced device's
   * driver log: its stream lanes), so the events are complete whenever they are read.
   */
  get events(): TraceEvent[] {
    this.pull();
    return this.recorded;
  }

  /**
   * Adds a source of events recorded elsewhere (a driver's log), called to append them before `events` is read; it
   * must add only what it has not added before. Returns the function that pulls it one last time and removes it.
   */
  addSource(pull: () => void): () => void {
    this.sources.push(pull);
    return () => {
      const index = this.sources.indexOf(pull);
      if (index < 0) return;
      this.pullOne(pull);
      this.sources.splice(index, 1);
    };
  }

  /** Appends what every source holds now. A listener that reads `events` while a source is pulled gets what is there. */
  pull(): void {
    for (const source of this.sources) this.pullOne(source);
  }

  private pullOne(source: () => void): void {
    if (this.pulling) return;
    this.pulling = true;
    try {
      source();
    } finally {
      this.pulling = false;
    }
  }

  /** Calls `listener` with each event as it is recorded (step mode, live views). Returns an unsubscribe. */
  subscribe(listener: TraceListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  // --- declarations ----------------------------------------------------------------------------------------------

  declareDevice(device: object, info: TraceDeviceInfo): void {
    if (this.devices.get(device) !== undefined) return;
    const id = ++this.deviceCount;
    this.devices.set(device, id);
    this.record({ kind: 'device', device: id, name: info.name, platform: info.platform, clock: info.clock, seq: this.recorded.length, ts: this.clock() });
  }

  declareQueue(queue: object, device: object, name: string): void {
    if (this.lanes.get(queue) === undefined) this.declareLane(queue, this.deviceId(device), 'queue', name);
  }

  declareStream(stream: unknown, device: object, name: string): void {
    if (this.lanes.get(stream) === undefined) this.declareLane(stream, this.deviceId(device), 'stream', name);
  }

  declareSemaphore(semaphore: object, device: object, name: string, initial: bigint): void {
    if (this.semaphores.get(semaphore) === undefined) this.addSemaphore(semaphore, this.deviceId(device), name, initial);
  }

  private addSemaphore(semaphore: object, device: number, name: string, initial: bigint): SemaphoreState {
    const state: SemaphoreState = {
      id: this.semaphoresById.length + 1,
      device,
      history: [{ value: initial, seq: -1 }],
      failed: false,
    };
    this.semaphores.set(semaphore, state);
    this.semaphoresById.push(state);
    this.record({ kind: 'semaphore', semaphore: state.id, device: state.device, name, initial, seq: this.recorded.length, ts: this.clock() });
    return state;
  }

  // --- submissions -----------------------------------------------------------------------------------------------

  submitted(submission: object, queue: object, info: TraceSubmissionInfo): void {
    const lane = this.laneId(queue, 'queue');
    const id = this.nextSubmission++;
    this.submissions.set(submission, id);
    const waits = this.valueRefs(info.waits);
    const signals = this.valueRefs(info.signals);
    this.record({ kind: 'submit', submission: id, lane, op: info.op, label: info.label ?? info.op, waits, signals, seq: this.recorded.length, ts: this.clock() });
    const state: SubmissionState = { waits, unreached: new Set() };
    this.submissionState.set(id, state);
    waits.forEach((wait, index) => {
      const sem = this.semaphoresById[wait.semaphore - 1]!;
      const releasing = firstReaching(sem, wait.value);
      if (releasing !== undefined) {
        this.record({ kind: 'wait-satisfied', submission: id, semaphore: wait.semaphore, value: wait.value, signal: releasing < 0 ? null : releasing, seq: this.recorded.length, ts: this.clock() });
      } else {
        state.unreached.add(index);
        let pending = this.pendingWaits.get(wait.semaphore);
        if (pending === undefined) this.pendingWaits.set(wait.semaphore, (pending = []));
        insertByValue(pending, { submission: id, value: wait.value });
      }
    });
  }

  issued(submission: object): void {
    const id = this.submissions.get(submission);
    if (id !== undefined) this.record({ kind: 'issue', submission: id, seq: this.recorded.length, ts: this.clock() });
  }

  completed(submission: object): void {
    const id = this.submissions.get(submission);
    if (id === undefined) return; // submitted before tracing was attached
    this.submissionState.delete(id);
    this.record({ kind: 'complete', submission: id, seq: this.recorded.length, ts: this.clock() });
  }

  submissionFailed(submission: object, error: unknown, cause?: object): void {
    const id = this.submissions.get(submission);
    if (id === undefined) return; // submitted before tracing was attached
    let causeId: number | undefined = cause === undefined ? undefined : this.semaphoreState(cause).id;
    const state = this.submissionState.get(id);
    if (causeId === undefined && state !== undefined) {
      // The core may not say which wait failed; the first unreached wait on a failed semaphore is the one.
      for (const index of state.unreached) {
        const wait = state.waits[index]!;
        if (this.semaphoresById[wait.semaphore - 1]!.failed) {
          causeId = wait.semaphore;
          break;
        }
      }
    }
    if (state !== undefined) this.dropPendingWaits(id, state);
    this.submissionState.delete(id);
    this.record({ kind: 'submission-failed', submission: id, error: traceError(error), cause: causeId === undefined ? null : { semaphore: causeId }, seq: this.recorded.length, ts: this.clock() });
  }

  race(first: object | undefined, second: object | undefined, info: { readonly race: string; readonly message: string; readonly fix: string }): void {
    const id = (submission: object | undefined): number | null => (submission === undefined ? null : (this.submissions.get(submission) ?? null));
    this.record({ kind: 'race', race: info.race, first: id(first), second: id(second), message: info.message, fix: info.fix, seq: this.recorded.length, ts: this.clock() });
  }

  // --- semaphores ------------------------------------------------------------------------------------------------

  signaled(semaphore: object, value: bigint, submission?: object): void {
    const sem = this.semaphoreState(semaphore);
    // Only value changes are recorded: a device signal at or below the current value is a legal no-op.
    if (value <= sem.history[sem.history.length - 1]!.value) return;
    const by = this.knownSubmission(submission);
    if (by === null) this.hostLane(sem.device);
    const seq = this.record({ kind: 'signal', semaphore: sem.id, value, submission: by, seq: this.recorded.length, ts: this.clock() });
    sem.history.push({ value, seq });
    const pending = this.pendingWaits.get(sem.id);
    if (pending === undefined) return;
    // Pending waits are sorted by value: the ones this signal reaches are a prefix.
    let reached = 0;
    while (reached < pending.length && pending[reached]!.value <= value) reached++;
    const released = pending.splice(0, reached);
    if (pending.length === 0) this.pendingWaits.delete(sem.id);
    for (const wait of released) {
      const state = this.submissionState.get(wait.submission);
      if (state !== undefined) {
        for (const index of state.unreached) {
          const ref = state.waits[index]!;
          if (ref.semaphore === sem.id && ref.value === wait.value) {
            state.unreached.delete(index);
            break;
          }
        }
      }
      this.record({ kind: 'wait-satisfied', submission: wait.submission, semaphore: sem.id, value: wait.value, signal: seq, seq: this.recorded.length, ts: this.clock() });
    }
  }

  semaphoreFailed(semaphore: object, error: unknown, submission?: object): void {
    const sem = this.semaphoreState(semaphore);
    sem.failed = true;
    const by = this.knownSubmission(submission);
    if (by === null) this.hostLane(sem.device);
    this.record({ kind: 'semaphore-failed', semaphore: sem.id, error: traceError(error), submission: by, seq: this.recorded.length, ts: this.clock() });
  }

  // --- host waits ------------------------------------------------------------------------------------------------

  hostWaitBegin(wait: object, info: TraceHostWaitInfo): void {
    const id = this.nextHostWait++;
    this.hostWaits.set(wait, id);
    const targets = this.valueRefs(info.targets);
    const device = targets.length > 0 ? this.semaphoresById[targets[0]!.semaphore - 1]!.device : this.deviceId(undefined);
    this.record({ kind: 'host-wait', wait: id, lane: this.hostLane(device), mode: info.mode, targets, timeout: info.timeout ?? null, seq: this.recorded.length, ts: this.clock() });
  }

  hostWaitEnd(wait: object, outcome: HostWaitOutcome, error?: unknown): void {
    const id = this.hostWaits.get(wait);
    if (id === undefined) return; // began before tracing was attached
    this.hostWaits.delete(wait);
    this.record({ kind: 'host-wait-end', wait: id, outcome, error: error === undefined ? null : traceError(error), seq: this.recorded.length, ts: this.clock() });
  }

  // --- driver work -----------------------------------------------------------------------------------------------

  streamOp(stream: unknown, info: TraceOpInfo): void {
    const submission = info.submission === undefined ? null : (this.submissions.get(info.submission) ?? null);
    this.record({
      kind: 'op', lane: this.laneId(stream, 'stream'), opKind: info.kind, name: info.name, start: info.start, end: info.end, submission,
      status: info.status ?? 'ok', error: info.error ?? null, seq: this.recorded.length, ts: this.clock()
    });
  }

  // --- internals -------------------------------------------------------------------------------------------------

  /**
   * Appends an event. Call sites stamp it themselves (`seq: this.recorded.length, ts: this.clock()`, last, so every
   * event has the same key order): copying a body into a new object with spread costs microseconds per event.
   */
  private record(event: TraceEvent): number {
    this.recorded.push(event);
    for (const listener of this.listeners) listener(event);
    return event.seq;
  }

  private deviceId(device: object | undefined): number {
    if (device !== undefined) {
      const id = this.devices.get(device);
      if (id !== undefined) return id;
      this.declareDevice(device, { name: labelOf(device) ?? `device ${this.deviceCount + 1}`, platform: 'unknown', clock: 'real' });
      return this.devices.get(device)!;
    }
    // Used before any device was declared: attribute it to the first device, or to an anonymous one.
    if (this.deviceCount === 0) this.declareDevice({}, { name: 'device', platform: 'unknown', clock: 'real' });
    return 1;
  }

  private declareLane(key: unknown, device: number, laneKind: LaneKind, name: string): number {
    const id = this.nextLane++;
    this.lanes.set(key, id);
    this.record({ kind: 'lane', lane: id, device, laneKind, name, seq: this.recorded.length, ts: this.clock() });
    return id;
  }

  private laneId(key: unknown, laneKind: LaneKind): number {
    const id = this.lanes.get(key);
    if (id !== undefined) return id;
    const name = (typeof key === 'object' && key !== null ? labelOf(key) : undefined) ?? `${laneKind}${this.nextLane}`;
    return this.declareLane(key, this.deviceId(undefined), laneKind, name);
  }

  private hostLane(device: number): number {
    let lane = this.hostLanes.get(device);
    if (lane === undefined) {
      lane = this.declareLane(Symbol('host'), device, 'host', 'host');
      this.hostLanes.set(device, lane);
    }
    return lane;
  }

  private semaphoreState(semaphore: object): SemaphoreState {
    const state = this.semaphores.get(semaphore);
    if (state !== undefined) return state;
    // Not declared (tracing attached after it was created): its earlier history is unknown, start from 0.
    const name = labelOf(semaphore) ?? `semaphore${this.semaphoresById.length + 1}`;
    return this.addSemaphore(semaphore, this.deviceId(undefined), name, 0n);
  }

  /**
   * The id of a submission the recorder saw submitted. A signal or failure from one submitted before tracing was
   * attached is recorded without its source (shown like a host action) rather than inventing a submission.
   */
  private knownSubmission(submission: object | undefined): number | null {
    return submission === undefined ? null : (this.submissions.get(submission) ?? null);
  }

  private valueRefs(list: TraceValueList): ValueRef[] {
    if (Array.isArray(list)) {
      return (list as readonly TraceValue[]).map((entry) => ({ semaphore: this.semaphoreState(entry.semaphore).id, value: entry.value }));
    }
    const { semaphores, values } = list as { readonly semaphores: readonly object[]; readonly values: readonly bigint[] };
    return semaphores.map((semaphore, index) => ({ semaphore: this.semaphoreState(semaphore).id, value: values[index] ?? 0n }));
  }

  private dropPendingWaits(submission: number, state: SubmissionState): void {
    for (const index of state.unreached) {
      const semaphore = state.waits[index]!.semaphore;
      const pending = this.pendingWaits.get(semaphore);
      if (pending === undefined) continue;
      const kept = pending.filter((wait) => wait.submission !== submission);
      if (kept.length === 0) this.pendingWaits.delete(semaphore);
      else this.pendingWaits.set(semaphore, kept);
    }
  }
}

/** Inserts after every entry of equal or lower value (so equal values keep submission order). */
function insertByValue(list: PendingWait[], wait: PendingWait): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.value <= wait.value) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, wait);
}

/** The seq of the first signal that brought `sem` to at least `value` (-1: its initial value), or undefined. */
function firstReaching(sem: SemaphoreState, value: bigint): number | undefined {
  const history = sem.history;
  if (history[history.length - 1]!.value < value) return undefined;
  let lo = 0;
  let hi = history.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (history[mid]!.value >= value) hi = mid;
    else lo = mid + 1;
  }
  return history[lo]!.seq;
}

function labelOf(object: object): string | undefined {
  const label = (object as { label?: unknown }).label;
  return typeof label === 'string' ? label : undefined;
}

/** Normalizes anything thrown into the recorded form; HalErrors keep their code and message. */
export function traceError(error: unknown): TraceError {
  if (error instanceof HalError) return { code: error.code, message: error.detail };
  if (error instanceof Error) return { code: 'UNKNOWN', message: error.message };
  return { code: 'UNKNOWN', message: String(error) };
}
