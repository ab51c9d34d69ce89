/**
 * From a flat event list to what a viewer draws: bars per lane (packed into rows where work overlaps), semaphore
 * value steps, the dependency edges (which signal released which wait) and the failure chain.
 *
 * Both the Chrome/Perfetto exporter and the terminal renderer read this, so they always agree on what a trace
 * means. Pure and deterministic: the same events give the same timeline.
 */
import type {
  ClockKind,
  EventStamp,
  EventOf,
  HostWaitMode,
  HostWaitOutcome,
  LaneKind,
  OpKind,
  StreamOp,
  SubmissionEnqueued,
  TraceError,
  TraceEvent,
  TraceTime,
  ValueRef,
} from './model.js';

export interface TimelineDevice {
  readonly id: number;
  readonly name: string;
  readonly platform: string;
  readonly clock: ClockKind;
}

export interface TimelineLane {
  readonly id: number;
  readonly device: number;
  readonly kind: LaneKind;
  readonly name: string;
  /** How many rows overlapping work needs (at least 1). */
  rows: number;
}

export interface SemaphoreStep {
  readonly value: bigint;
  readonly ts: TraceTime;
  /** seq of the signal event. */
  readonly seq: number;
  /** The submission that signaled, or null for the host. */
  readonly submission: number | null;
}

export interface TimelineSemaphore {
  readonly id: number;
  readonly device: number;
  readonly name: string;
  readonly initial: bigint;
  /** When (and at which seq) it was declared: the counter starts there at `initial`. */
  readonly declared: TraceTime;
  readonly declaredSeq: number;
  readonly steps: SemaphoreStep[];
  failure: { readonly ts: TraceTime; readonly error: TraceError; readonly submission: number | null; readonly seq: number } | null;
}

export type SubmissionOutcome = 'completed' | 'failed' | 'pending';

/** A submission as drawn: what its submit event said, and when it was enqueued, started and ended. */
export interface TimelineSubmission extends Pick<SubmissionEnqueued, 'lane' | 'op' | 'label' | 'waits' | 'signals'> {
  readonly id: number;
  readonly enqueued: TraceTime;
  readonly submitSeq: number;
  issued: TraceTime | null;
  /** When it could run: issued and every wait reached. null if it never ran. */
  started: TraceTime | null;
  /**
   * The seq of the last event that made it ready (issue or a wait reached). Orders events recorded at the same
   * time: a wait's releasing signal always has a smaller seq than the start it released.
   */
  startSeq: number;
  /** Completion or failure; null while pending (drawn up to the end of the trace). */
  ended: TraceTime | null;
  endSeq: number;
  outcome: SubmissionOutcome;
  error: TraceError | null;
  /** The failed wait semaphore that propagated into this submission. */
  cause: number | null;
  /** The kind of the first race the race checker found this submission in, if any. */
  race: string | null;
  row: number;
}

/** A race the checker found: the two submissions (null: the host) and the edge that would order them. */
export interface TimelineRace {
  readonly seq: number;
  readonly race: string;
  readonly first: number | null;
  readonly second: number | null;
  readonly message: string;
  readonly fix: string;
}

/** A stream op placed on the timeline: the event's fields (its `opKind` as `kind`) and the row it is drawn in. */
export interface TimelineOp extends Omit<StreamOp, 'kind' | 'opKind'>, Pick<EventStamp, 'seq'> {
  readonly kind: OpKind;
  row: number;
}

export interface TimelineHostWait {
  readonly id: number;
  readonly lane: number;
  readonly mode: HostWaitMode;
  readonly targets: readonly ValueRef[];
  readonly timeout: TraceTime | null;
  readonly begin: TraceTime;
  readonly beginSeq: number;
  end: TraceTime | null;
  endSeq: number;
  outcome: HostWaitOutcome | null;
  error: TraceError | null;
  row: number;
}

/** A host action shown as a marker on the host lane. */
export interface HostMarker {
  readonly seq: number;
  readonly ts: TraceTime;
  readonly lane: number;
  readonly action: 'signal' | 'fail';
  readonly semaphore: number;
  readonly value: bigint | null;
  readonly error: TraceError | null;
}

export type DependencySource = { readonly submission: number } | { readonly host: HostMarker };
export type DependencyTarget = { readonly submission: number } | { readonly hostWait: number };

/** "Signal `semaphore`=`signaled` released the wait for ≥ `value`." */
export interface Dependency {
  readonly semaphore: number;
  readonly value: bigint;
  readonly signaled: bigint;
  /** When the releasing signal happened. */
  readonly ts: TraceTime;
  /** seq of the releasing signal event. */
  readonly signalSeq: number;
  /** seq of the event that recorded the release (wait-satisfied, or the end of a host wait). */
  readonly releaseSeq: number;
  readonly from: DependencySource;
  readonly to: DependencyTarget;
}

/** A failure that travelled: from a failed semaphore's source to a submission or host wait that waited on it. */
export interface FailureEdge {
  readonly semaphore: number;
  readonly from: DependencySource;
  readonly to: DependencyTarget;
  readonly error: TraceError;
}

export interface Timeline {
  readonly devices: TimelineDevice[];
  readonly lanes: TimelineLane[];
  readonly semaphores: TimelineSemaphore[];
  readonly submissions: TimelineSubmission[];
  readonly ops: TimelineOp[];
  readonly hostWaits: TimelineHostWait[];
  readonly hostMarkers: HostMarker[];
  readonly dependencies: Dependency[];
  readonly failureEdges: FailureEdge[];
  /** Races the race checker reported (devices created with `check`). */
  readonly races: TimelineRace[];
  /** Earliest and latest time any event or span touches. */
  readonly start: TraceTime;
  readonly end: TraceTime;
  /**
   * When the first work-related event happened (declarations of devices, lanes and semaphores excluded). On a real
   * clock setup can come long before any work (compiling kernels, say); a drawing starts here so that it does not
   * spend most of its width on an empty stretch.
   */
  readonly activityStart: TraceTime;
  /** Lookups by id. */
  readonly laneById: ReadonlyMap<number, TimelineLane>;
  readonly semaphoreById: ReadonlyMap<number, TimelineSemaphore>;
  readonly submissionById: ReadonlyMap<number, TimelineSubmission>;
}

export function buildTimeline(events: readonly TraceEvent[]): Timeline {
  const devices: TimelineDevice[] = [];
  const lanes = new Map<number, TimelineLane>();
  const semaphores = new Map<number, TimelineSemaphore>();
  const submissions = new Map<number, TimelineSubmission>();
  const ops: TimelineOp[] = [];
  const hostWaits = new Map<number, TimelineHostWait>();
  const hostMarkers: HostMarker[] = [];
  const signalsBySeq = new Map<number, EventOf<'signal'>>();
  const hostMarkerBySeq = new Map<number, HostMarker>();
  const satisfied: EventOf<'wait-satisfied'>[] = [];
  /** Waits reached per submission: an issued submission still short of some is waiting on the device, not running. */
  const waitsReached = new Map<number, number>();
  const hostLaneOfDevice = new Map<number, number>();
  let start: TraceTime | null = null;
  let end: TraceTime | null = null;
  const touch = (t: TraceTime): void => {
    if (start === null || t < start) start = t;
    if (end === null || t > end) end = t;
  };
  const lastReadyAt = new Map<number, TraceTime>();
  let activityStart: TraceTime | null = null;
  const races: TimelineRace[] = [];

  for (const event of events) {
    touch(event.ts);
    if (event.kind !== 'device' && event.kind !== 'lane' && event.kind !== 'semaphore') {
      // Driver ops are imported after the fact: their own start is when they happened, not the event's timestamp.
      const at = event.kind === 'op' && event.start < event.ts ? event.start : event.ts;
      if (activityStart === null || at < activityStart) activityStart = at;
    }
    switch (event.kind) {
      case 'device':
        devices.push({ id: event.device, name: event.name, platform: event.platform, clock: event.clock });
        break;
      case 'lane':
        lanes.set(event.lane, { id: event.lane, device: event.device, kind: event.laneKind, name: event.name, rows: 1 });
        if (event.laneKind === 'host' && !hostLaneOfDevice.has(event.device)) hostLaneOfDevice.set(event.device, event.lane);
        break;
      case 'semaphore':
        semaphores.set(event.semaphore, {
          id: event.semaphore, device: event.device, name: event.name, initial: event.initial, declared: event.ts, declaredSeq: event.seq, steps: [], failure: null,
        });
        break;
      case 'submit':
        submissions.set(event.submission, {
          id: event.submission, lane: event.lane, op: event.op, label: event.label, waits: event.waits, signals: event.signals,
          enqueued: event.ts, submitSeq: event.seq, issued: null, started: null, startSeq: event.seq, ended: null, endSeq: -1,
          outcome: 'pending', error: null, cause: null, race: null, row: 0,
        });
        lastReadyAt.set(event.submission, event.ts);
        break;
      case 'issue': {
        const sub = submissions.get(event.submission);
        if (sub === undefined) break;
        sub.issued = event.ts;
        sub.startSeq = Math.max(sub.startSeq, event.seq);
        break;
      }
      case 'wait-satisfied': {
        satisfied.push(event);
        waitsReached.set(event.submission, (waitsReached.get(event.submission) ?? 0) + 1);
        const ready = lastReadyAt.get(event.submission);
        if (ready !== undefined && event.ts > ready) lastReadyAt.set(event.submission, event.ts);
        const sub = submissions.get(event.submission);
        if (sub !== undefined) sub.startSeq = Math.max(sub.startSeq, event.seq);
        break;
      }
      case 'complete':
        endSubmission(event.submission, event, 'completed');
        break;
      case 'race': {
        races.push({ seq: event.seq, race: event.race, first: event.first, second: event.second, message: event.message, fix: event.fix });
        for (const id of [event.first, event.second]) {
          const sub = id === null ? undefined : submissions.get(id);
          if (sub !== undefined) sub.race ??= event.race;
        }
        break;
      }
      case 'submission-failed': {
        const sub = endSubmission(event.submission, event, 'failed');
        if (sub === undefined) break;
        sub.error = event.error;
        sub.cause = event.cause?.semaphore ?? null;
        break;
      }
      case 'signal': {
        signalsBySeq.set(event.seq, event);
        const sem = semaphores.get(event.semaphore);
        if (sem !== undefined) sem.steps.push({ value: event.value, ts: event.ts, seq: event.seq, submission: event.submission });
        if (event.submission === null) markHost(event, sem?.device ?? 1, 'signal', event.value, null);
        break;
      }
      case 'semaphore-failed': {
        const sem = semaphores.get(event.semaphore);
        if (sem !== undefined && sem.failure === null) sem.failure = { ts: event.ts, error: event.error, submission: event.submission, seq: event.seq };
        if (event.submission === null) markHost(event, sem?.device ?? 1, 'fail', null, event.error);
        break;
      }
      case 'op':
        touch(event.start);
        touch(event.end);
        ops.push({
          seq: event.seq, lane: event.lane, kind: event.opKind, name: event.name, start: event.start, end: event.end, submission: event.submission,
          status: event.status, error: event.error, row: 0,
        });
        break;
      case 'host-wait':
        hostWaits.set(event.wait, { id: event.wait, lane: event.lane, mode: event.mode, targets: event.targets, timeout: event.timeout, begin: event.ts, beginSeq: event.seq, end: null, endSeq: -1, outcome: null, error: null, row: 0 });
        break;
      case 'host-wait-end': {
        const wait = hostWaits.get(event.wait);
        if (wait === undefined) break;
        wait.end = event.ts;
        wait.endSeq = event.seq;
        wait.outcome = event.outcome;
        wait.error = event.error;
        break;
      }
    }
  }

  /** Ends a known submission at `at` (the event that completed or failed it); undefined for an unknown one. */
  function endSubmission(id: number, at: EventStamp, outcome: 'completed' | 'failed'): TimelineSubmission | undefined {
    const sub = submissions.get(id);
    if (sub === undefined) return undefined;
    sub.ended = at.ts;
    sub.endSeq = at.seq;
    sub.outcome = outcome;
    return sub;
  }

  /** A semaphore signalled or failed by the host, marked on the host lane of the semaphore's device. */
  function markHost(at: EventStamp & { readonly semaphore: number }, device: number, action: HostMarker['action'], value: bigint | null, error: TraceError | null): void {
    const marker: HostMarker = { seq: at.seq, ts: at.ts, lane: hostLaneFor(device), action, semaphore: at.semaphore, value, error };
    hostMarkers.push(marker);
    hostMarkerBySeq.set(at.seq, marker);
  }

  // Host markers need a host lane even when the recorder never declared one (no host waits were traced).
  function hostLaneFor(device: number): number {
    let lane = hostLaneOfDevice.get(device);
    if (lane === undefined) {
      lane = -device; // synthetic: hand-built traces may signal from the host without declaring a host lane
      lanes.set(lane, { id: lane, device, kind: 'host', name: 'host', rows: 1 });
      hostLaneOfDevice.set(device, lane);
    }
    return lane;
  }

  for (const sub of submissions.values()) {
    const ready = lastReadyAt.get(sub.id)!;
    if (sub.outcome === 'failed' && sub.cause !== null) continue; // never ran
    // A trace cut short (step mode) may end while an issued submission still waits for a value: not started yet.
    if (sub.outcome === 'pending' && (waitsReached.get(sub.id) ?? 0) < sub.waits.length) continue;
    if (sub.issued !== null) sub.started = sub.issued > ready ? sub.issued : ready;
    else if (sub.outcome !== 'pending') sub.started = ready; // completed without an issue hook: assume it ran once ready
    if (sub.started !== null && sub.ended !== null && sub.started > sub.ended) sub.started = sub.ended;
  }

  const traceStart = start ?? 0n;
  const traceEnd = end ?? 0n;

  // Which signal released which wait.
  const dependencies: Dependency[] = [];
  for (const event of satisfied) {
    if (event.signal === null) continue;
    const signal = signalsBySeq.get(event.signal);
    if (signal === undefined) continue;
    dependencies.push({
      semaphore: event.semaphore, value: event.value, signaled: signal.value, ts: signal.ts, signalSeq: signal.seq, releaseSeq: event.seq,
      from: sourceOf(signal, hostMarkerBySeq), to: { submission: event.submission },
    });
  }
  for (const wait of hostWaits.values()) {
    if (wait.outcome !== 'reached' || wait.end === null) continue;
    const releasing = wait.targets
      .map((target) => ({ target, step: firstStepReaching(semaphores.get(target.semaphore), target.value, wait.end!) }))
      .filter((entry): entry is { target: ValueRef; step: SemaphoreStep } => entry.step !== undefined);
    // 'any' is released by the earliest signal among its targets; 'all' by each target's own signal.
    const chosen = wait.mode === 'any' ? releasing.sort((a, b) => a.step.seq - b.step.seq).slice(0, 1) : releasing;
    for (const { target, step } of chosen) {
      const signal = signalsBySeq.get(step.seq)!;
      dependencies.push({
        semaphore: target.semaphore, value: target.value, signaled: step.value, ts: step.ts, signalSeq: step.seq, releaseSeq: wait.endSeq,
        from: sourceOf(signal, hostMarkerBySeq), to: { hostWait: wait.id },
      });
    }
  }

  // How failures travelled: a failed semaphore's source → each submission that failed because of it.
  const failureEdges: FailureEdge[] = [];
  const failureSource = (sem: TimelineSemaphore): DependencySource =>
    sem.failure!.submission !== null ? { submission: sem.failure!.submission } : { host: hostMarkerBySeq.get(sem.failure!.seq)! };
  for (const sub of submissions.values()) {
    if (sub.cause === null) continue;
    const sem = semaphores.get(sub.cause);
    if (sem?.failure == null) continue;
    failureEdges.push({ semaphore: sem.id, from: failureSource(sem), to: { submission: sub.id }, error: sub.error! });
  }
  for (const wait of hostWaits.values()) {
    if (wait.outcome !== 'failed' || wait.end === null) continue;
    // The target whose failure came first (by the end of the wait) is the one that rejected it.
    let cause: TimelineSemaphore | undefined;
    for (const target of wait.targets) {
      const sem = semaphores.get(target.semaphore);
      if (sem?.failure == null || sem.failure.seq > wait.endSeq) continue;
      if (cause === undefined || sem.failure.seq < cause.failure!.seq) cause = sem;
    }
    if (cause !== undefined) failureEdges.push({ semaphore: cause.id, from: failureSource(cause), to: { hostWait: wait.id }, error: wait.error ?? cause.failure!.error });
  }

  const timeline: Timeline = {
    devices,
    lanes: [...lanes.values()],
    semaphores: [...semaphores.values()],
    submissions: [...submissions.values()],
    ops,
    hostWaits: [...hostWaits.values()],
    hostMarkers,
    dependencies,
    failureEdges,
    races,
    start: traceStart,
    activityStart: activityStart ?? traceStart,
    end: traceEnd,
    laneById: lanes,
    semaphoreById: semaphores,
    submissionById: submissions,
  };
  packRows(timeline);
  return timeline;
}

function sourceOf(signal: EventOf<'signal'>, hostMarkers: Map<number, HostMarker>): DependencySource {
  return signal.submission !== null ? { submission: signal.submission } : { host: hostMarkers.get(signal.seq)! };
}

function firstStepReaching(sem: TimelineSemaphore | undefined, value: bigint, by: TraceTime): SemaphoreStep | undefined {
  if (sem === undefined || sem.initial >= value) return undefined;
  // Steps ascend in value: binary search for the first that reaches `value`.
  const steps = sem.steps;
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]!.value >= value) hi = mid;
    else lo = mid + 1;
  }
  const step = steps[lo];
  return step !== undefined && step.ts <= by ? step : undefined;
}

/** Display order: per device, queues, then streams, then the host; declaration order within each. */
export function orderedLanes(lanes: readonly TimelineLane[]): TimelineLane[] {
  const rank = { queue: 0, stream: 1, host: 2 } as const;
  return [...lanes].sort((a, b) => a.device - b.device || rank[a.kind] - rank[b.kind] || Math.abs(a.id) - Math.abs(b.id));
}

/** When a submission ran: from its start to its end (or the end of the trace while running); null if it never ran. */
export function runningSpan(sub: TimelineSubmission, timeline: Timeline): { start: TraceTime; end: TraceTime } | null {
  return sub.started === null ? null : { start: sub.started, end: sub.ended ?? timeline.end };
}

export function hostWaitSpan(wait: TimelineHostWait, timeline: Timeline): { start: TraceTime; end: TraceTime } {
  return { start: wait.begin, end: wait.end ?? timeline.end };
}

/**
 * Gives each bar a row within its lane so that bars in one row never overlap in time (touching is fine):
 * queue operations without a semaphore between them may run concurrently (docs/design.md rule 4), and a trace viewer
 * needs properly nested slices per track. Greedy first-fit in start order: deterministic.
 *
 * Running work is packed first. Waiting is not packed: any number of submissions may wait at once (a long chain
 * submitted ahead of its signals), and a row each would bury the work; it is drawn underneath bars on the
 * submission's row. Submissions that never ran (a wait failed, or still waiting at the end) have only their wait
 * to show, so they go where their wait fits, opening at most MAX_NEVER_RAN_ROWS extra rows per lane; past that they
 * share the lane's last row.
 */
function packRows(timeline: Timeline): void {
  interface Item { start: TraceTime; end: TraceTime; order: number; assign(row: number): void; lane: number }
  const items: Item[] = [];
  let order = 0;
  for (const sub of timeline.submissions) {
    const span = runningSpan(sub, timeline);
    if (span !== null) items.push({ ...span, order: order++, lane: sub.lane, assign: (row) => { sub.row = row; } });
  }
  for (const op of timeline.ops) items.push({ start: op.start, end: op.end, order: order++, lane: op.lane, assign: (row) => { op.row = row; } });
  for (const wait of timeline.hostWaits) {
    const span = hostWaitSpan(wait, timeline);
    items.push({ ...span, order: order++, lane: wait.lane, assign: (row) => { wait.row = row; } });
  }
  items.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.order - b.order));
  // Per lane, per row: the intervals placed there, in start order.
  const rows = new Map<number, { start: TraceTime; end: TraceTime }[][]>();
  const rowsOf = (lane: number) => {
    let list = rows.get(lane);
    if (list === undefined) rows.set(lane, (list = []));
    return list;
  };
  for (const item of items) {
    const laneRows = rowsOf(item.lane);
    let row = laneRows.findIndex((intervals) => intervals[intervals.length - 1]!.end <= item.start);
    if (row < 0) {
      row = laneRows.length;
      laneRows.push([]);
    }
    laneRows[row]!.push({ start: item.start, end: item.end });
    item.assign(row);
  }

  const neverRan = timeline.submissions.filter((sub) => sub.started === null);
  const opened = new Map<number, number>();
  for (const sub of neverRan) {
    const span = { start: sub.enqueued, end: sub.ended ?? timeline.end };
    const laneRows = rowsOf(sub.lane);
    const overlaps = (intervals: readonly { start: TraceTime; end: TraceTime }[]): boolean =>
      intervals.some((interval) => interval.start < span.end && span.start < interval.end);
    let row = laneRows.findIndex((intervals) => !overlaps(intervals));
    if (row < 0 && (opened.get(sub.lane) ?? 0) < MAX_NEVER_RAN_ROWS) {
      opened.set(sub.lane, (opened.get(sub.lane) ?? 0) + 1);
      row = laneRows.length;
      laneRows.push([]);
    }
    if (row < 0) row = laneRows.length - 1;
    laneRows[row]!.push(span);
    sub.row = row;
  }
  for (const lane of timeline.lanes) lane.rows = Math.max(1, rows.get(lane.id)?.length ?? 1);
}

const MAX_NEVER_RAN_ROWS = 3;
