/**
 * Export to the Chrome Trace Event Format (JSON object form), which Perfetto UI (ui.perfetto.dev) and
 * chrome://tracing open.
 *
 * Mapping:
 * - one process (pid) per device; one thread track (tid) per queue, driver stream and host lane, with extra
 *   tracks where work on one lane overlaps (queue operations without a semaphore between them may run
 *   concurrently, and a track needs properly nested slices);
 * - complete events ('X') for work: a submission's run (cat "submission"), driver stream ops (cat = op kind), host
 *   waits (cat "host-wait");
 * - async slices ('b'/'e', cat "waiting", one group "waiting on <queue>" per queue) for the time a submission
 *   waited for its semaphores: any number may wait at once, and async slices may overlap where thread slices
 *   may not;
 * - a counter ('C') per semaphore with its value over time;
 * - flow arrows ('s' → 'f', bp "e") from each signal to every wait it released (cat "dependency") and along the
 *   failure chain (cat "failure");
 * - instant events ('i', thread scope): "signal <sem> = <v>" where a submission signaled, "<sem> ≥ <v> reached"
 *   where a wait was released, host signals and fails, "host woke", and failures. Flows start and end on these.
 *   "RACE <kind>: <label>" (cat "race") on both submissions of a race the race checker reported, with the fix.
 *
 * Why flows bind to instants, never to the work slices: Perfetto binds a flow event to whatever slice is on top of
 * its track when the event is processed, and processes events sorted by (timestamp, then every 'X' with a duration
 * before everything else, then file order). A flow placed after a work slice can therefore end up bound to some
 * other slice that begins at the same moment. An instant immediately followed by its flow events is processed as
 * a unit (both sort as "everything else", in file order), so the flow always binds to it. Groups at one timestamp
 * are ordered by the seq of the event behind them, and a releasing signal always has a smaller seq than the release,
 * so every flow starts before it ends.
 *
 * Timestamps are microseconds (with ns decimals) relative to the start of the trace; `otherData` keeps the
 * origin. The gpuhal model is embedded under the top-level key "gpuhal" (trace viewers skip unknown keys), so
 * `gpuhal trace show` reads a file back losslessly.
 */
import { TRACE_MODEL_VERSION, type TraceEvent, type TraceTime } from './model.js';
import { encodeEvents, type EncodedTraceEvent } from './model_codec.js';
import { formatDuration, microseconds } from './time_format.js';
import { buildTimeline, hostWaitSpan, orderedLanes, type DependencySource, type TimelineSubmission } from './timeline.js';

export type ChromeArgs = Readonly<Record<string, string | number | boolean>>;

/** One Trace Event Format event, with the fields this exporter uses. */
export interface ChromeTraceEvent {
  readonly name: string;
  readonly cat?: string;
  readonly ph: 'X' | 'C' | 'i' | 's' | 'f' | 'b' | 'e' | 'M';
  readonly ts?: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid?: number;
  readonly id?: number;
  readonly bp?: 'e';
  readonly s?: 't';
  readonly args?: ChromeArgs;
}

export interface ChromeTrace {
  readonly traceEvents: ChromeTraceEvent[];
  readonly displayTimeUnit: 'ns';
  readonly otherData: Readonly<Record<string, string>>;
  /** The gpuhal model (see model_codec.ts); absent when exported with `embedModel: false`. */
  readonly gpuhal?: { readonly version: number; readonly events: EncodedTraceEvent[] };
}

export interface ChromeTraceOptions {
  /** Embed the gpuhal event list so the file can be read back (default true). */
  readonly embedModel?: boolean;
}

/**
 * One event and what must follow it directly in the file: an instant's flow events. Groups are ordered by time,
 * then by the seq of the model event behind them.
 */
interface Group {
  readonly ts: TraceTime;
  readonly order: number;
  readonly index: number;
  readonly events: ChromeTraceEvent[];
}

interface Anchor {
  readonly pid: number;
  readonly tid: number;
  readonly group: Group;
}

export function toChromeTrace(events: readonly TraceEvent[], options: ChromeTraceOptions = {}): ChromeTrace {
  const timeline = buildTimeline(events);
  // Not activityStart: every event, declarations included, needs ts ≥ 0 (Perfetto shows the empty setup; honest).
  const origin = timeline.start;
  const ts = (t: TraceTime): number => microseconds(t - origin);
  const dur = (from: TraceTime, to: TraceTime): number => microseconds(to > from ? to - from : 0n);
  const metadata: ChromeTraceEvent[] = [];
  const groups: Group[] = [];
  const newGroup = (at: TraceTime, order: number, first: ChromeTraceEvent): Group => {
    const group: Group = { ts: at, order, index: groups.length, events: [first] };
    groups.push(group);
    return group;
  };

  // Processes and tracks.
  const pidOf = new Map<number, number>();
  timeline.devices.forEach((device, index) => {
    const pid = index + 1;
    pidOf.set(device.id, pid);
    metadata.push({ name: 'process_name', ph: 'M', pid, args: { name: `${device.name} (${device.platform}, ${device.clock} clock)` } });
    metadata.push({ name: 'process_sort_index', ph: 'M', pid, args: { sort_index: pid } });
  });
  const pidOfDevice = (device: number): number => {
    let pid = pidOf.get(device);
    if (pid === undefined) {
      pid = pidOf.size + 1;
      pidOf.set(device, pid);
      metadata.push({ name: 'process_name', ph: 'M', pid, args: { name: `device ${device}` } });
    }
    return pid;
  };
  // Thread ids are pid * 1000 + n: never equal to a pid, which Perfetto would take for the main thread.
  const tids = new Map<number, number[]>();
  const nextTid = new Map<number, number>();
  for (const lane of orderedLanes(timeline.lanes)) {
    const pid = pidOfDevice(lane.device);
    const rows: number[] = [];
    for (let row = 0; row < lane.rows; row++) {
      const tid = (nextTid.get(pid) ?? pid * 1000 + 1);
      nextTid.set(pid, tid + 1);
      rows.push(tid);
      const name = row === 0 ? lane.name : `${lane.name} (${row + 1})`;
      metadata.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name } });
      metadata.push({ name: 'thread_sort_index', ph: 'M', pid, tid, args: { sort_index: tid } });
    }
    tids.set(lane.id, rows);
  }
  const place = (laneId: number, row: number): { pid: number; tid: number } => ({
    pid: pidOfDevice(timeline.laneById.get(laneId)!.device),
    tid: tids.get(laneId)![row]!,
  });
  const semName = (id: number): string => timeline.semaphoreById.get(id)?.name ?? `semaphore ${id}`;

  // Submissions: waiting phase, run, failure marker.
  const failureAnchor = new Map<number, Anchor>();
  for (const sub of timeline.submissions) {
    const { pid, tid } = place(sub.lane, sub.row);
    const args = submissionArgs(sub, semName);
    const waitEnd = sub.started ?? sub.ended ?? timeline.end;
    if (waitEnd > sub.enqueued) {
      const name = `waiting on ${timeline.laneById.get(sub.lane)!.name}`;
      newGroup(sub.enqueued, sub.submitSeq, { name, cat: 'waiting', ph: 'b', ts: ts(sub.enqueued), pid, tid, id: sub.id, args: { label: sub.label, ...args } });
      const endSeq = sub.started !== null ? sub.startSeq : sub.ended !== null ? sub.endSeq : Number.MAX_SAFE_INTEGER;
      newGroup(waitEnd, endSeq, { name, cat: 'waiting', ph: 'e', ts: ts(waitEnd), pid, tid, id: sub.id });
    }
    if (sub.started !== null) {
      const end = sub.ended ?? timeline.end;
      newGroup(sub.started, sub.startSeq, { name: sub.label, cat: 'submission', ph: 'X', ts: ts(sub.started), dur: dur(sub.started, end), pid, tid, args });
    }
    if (sub.outcome === 'failed' && sub.ended !== null) {
      const group = newGroup(sub.ended, sub.endSeq, {
        name: `FAILED ${sub.error!.code}: ${sub.label}`, cat: 'failure', ph: 'i', s: 't', ts: ts(sub.ended), pid, tid,
        args: { message: sub.error!.message, ...(sub.cause !== null ? { 'failed wait': semName(sub.cause) } : { 'failed while running': true }) },
      });
      failureAnchor.set(sub.id, { pid, tid, group });
    }
  }

  // Races the race checker reported: an instant on each racing submission's track, where its run begins, naming the
  // other side and the edge that would order the two.
  for (const race of timeline.races) {
    const sides = race.first === race.second ? [race.first] : [race.first, race.second];
    for (const id of sides) {
      const sub = id === null ? undefined : timeline.submissionById.get(id);
      if (sub === undefined) continue;
      const other = race.first === race.second ? undefined : id === race.first ? race.second : race.first;
      const otherSub = other === undefined || other === null ? undefined : timeline.submissionById.get(other);
      const at = sub.started ?? sub.enqueued;
      const { pid, tid } = place(sub.lane, sub.row);
      newGroup(at, race.seq, {
        name: `RACE ${race.race}: ${sub.label}`, cat: 'race', ph: 'i', s: 't', ts: ts(at), pid, tid,
        args: { with: other === undefined ? 'another command of the same submission' : otherSub?.label ?? 'the host', fix: race.fix, message: race.message },
      });
    }
  }

  // Driver work on streams.
  for (const op of timeline.ops) {
    const { pid, tid } = place(op.lane, op.row);
    const args: Record<string, string | number> = { kind: op.kind, status: op.status };
    if (op.submission !== null) args['submission'] = op.submission;
    if (op.error !== null) args['error'] = op.error;
    const name = op.status === 'ok' ? op.name : `${op.name} (${op.status})`;
    newGroup(op.start, op.seq, { name, cat: op.kind, ph: 'X', ts: ts(op.start), dur: dur(op.start, op.end), pid, tid, args });
  }

  // Host: waits, signals, fails.
  const hostWaitAnchor = new Map<number, Anchor>();
  for (const wait of timeline.hostWaits) {
    const { pid, tid } = place(wait.lane, wait.row);
    const span = hostWaitSpan(wait, timeline);
    const targets = wait.targets.map((target) => `${semName(target.semaphore)} ≥ ${target.value}`).join(wait.mode === 'all' ? ' and ' : ' or ');
    const args: Record<string, string> = { targets, outcome: wait.outcome ?? 'pending' };
    if (wait.timeout !== null) args['timeout'] = formatDuration(wait.timeout);
    if (wait.error !== null) args['error'] = `${wait.error.code}: ${wait.error.message}`;
    newGroup(span.start, wait.beginSeq, { name: `host wait ${targets}`, cat: 'host-wait', ph: 'X', ts: ts(span.start), dur: dur(span.start, span.end), pid, tid, args });
    if (wait.end !== null) {
      // The arrow from the releasing signal lands on this marker, at the moment the host woke up.
      const group = newGroup(wait.end, wait.endSeq, { name: `host woke (${wait.outcome})`, cat: 'host-wait', ph: 'i', s: 't', ts: ts(wait.end), pid, tid });
      hostWaitAnchor.set(wait.id, { pid, tid, group });
    }
  }
  const hostMarkerAnchor = new Map<number, Anchor>();
  for (const marker of timeline.hostMarkers) {
    const { pid, tid } = place(marker.lane, 0);
    const name = marker.action === 'signal' ? `host signal ${semName(marker.semaphore)} = ${marker.value}` : `host fail ${semName(marker.semaphore)}`;
    const event: ChromeTraceEvent = marker.error === null
      ? { name, cat: 'host', ph: 'i', s: 't', ts: ts(marker.ts), pid, tid }
      : { name, cat: 'failure', ph: 'i', s: 't', ts: ts(marker.ts), pid, tid, args: { code: marker.error.code, message: marker.error.message } };
    hostMarkerAnchor.set(marker.seq, { pid, tid, group: newGroup(marker.ts, marker.seq, event) });
  }

  // Semaphore counters.
  for (const sem of timeline.semaphores) {
    const pid = pidOfDevice(sem.device);
    newGroup(sem.declared, sem.declaredSeq, { name: sem.name, cat: 'semaphore', ph: 'C', ts: ts(sem.declared), pid, args: { value: Number(sem.initial) } });
    for (const step of sem.steps) {
      newGroup(step.ts, step.seq, { name: sem.name, cat: 'semaphore', ph: 'C', ts: ts(step.ts), pid, args: { value: Number(step.value) } });
    }
  }

  // Device signals: an instant where the submission signaled, on its track (the end of its run).
  const signalAnchor = new Map<number, Anchor>();
  for (const sem of timeline.semaphores) {
    for (const step of sem.steps) {
      if (step.submission === null) continue; // host signals have their marker already
      const sub = timeline.submissionById.get(step.submission);
      if (sub === undefined) continue;
      const { pid, tid } = place(sub.lane, sub.row);
      const group = newGroup(step.ts, step.seq, { name: `signal ${sem.name} = ${step.value}`, cat: 'signal', ph: 'i', s: 't', ts: ts(step.ts), pid, tid });
      signalAnchor.set(step.seq, { pid, tid, group });
    }
  }

  // Flows: each end is an instant, and its flow events follow it directly (see the header comment).
  let nextFlow = 1;
  const flow = (cat: string, name: string, from: Anchor | undefined, to: Anchor | undefined): void => {
    if (from === undefined || to === undefined) return;
    const id = nextFlow++;
    from.group.events.push({ name, cat, ph: 's', ts: from.group.events[0]!.ts!, pid: from.pid, tid: from.tid, id });
    to.group.events.push({ name, cat, ph: 'f', bp: 'e', ts: to.group.events[0]!.ts!, pid: to.pid, tid: to.tid, id });
  };
  const sourceAnchor = (source: DependencySource, failure: boolean, signalSeq?: number): Anchor | undefined =>
    'submission' in source
      ? (failure ? failureAnchor.get(source.submission) : signalAnchor.get(signalSeq!))
      : hostMarkerAnchor.get(source.host.seq);
  for (const dep of timeline.dependencies) {
    const name = `${semName(dep.semaphore)} ≥ ${dep.value}`;
    let to: Anchor | undefined;
    if ('submission' in dep.to) {
      // Lands where the released submission started; one that never ran gets it when the wait was reached.
      const sub = timeline.submissionById.get(dep.to.submission)!;
      const at = sub.started ?? (dep.ts > sub.enqueued ? dep.ts : sub.enqueued);
      const { pid, tid } = place(sub.lane, sub.row);
      const order = sub.started !== null ? Math.max(sub.startSeq, dep.releaseSeq) : dep.releaseSeq;
      to = { pid, tid, group: newGroup(at, order, { name: `${name} reached`, cat: 'dependency', ph: 'i', s: 't', ts: ts(at), pid, tid, args: { released: sub.label } }) };
    } else {
      to = hostWaitAnchor.get(dep.to.hostWait);
    }
    flow('dependency', name, sourceAnchor(dep.from, false, dep.signalSeq), to);
  }
  for (const edge of timeline.failureEdges) {
    const to = 'submission' in edge.to ? failureAnchor.get(edge.to.submission) : hostWaitAnchor.get(edge.to.hostWait);
    flow('failure', `${semName(edge.semaphore)} failed`, sourceAnchor(edge.from, true), to);
  }

  groups.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.order - b.order || a.index - b.index));
  const traceEvents = [...metadata, ...groups.flatMap((group) => group.events)];
  const otherData: Record<string, string> = {
    generator: 'gpuhal',
    origin_ns: origin.toString(),
    clock: timeline.devices[0]?.clock ?? 'unknown',
  };
  const trace: ChromeTrace = { traceEvents, displayTimeUnit: 'ns', otherData };
  return options.embedModel === false ? trace : { ...trace, gpuhal: { version: TRACE_MODEL_VERSION, events: encodeEvents(events) } };
}

/**
 * Stable JSON text: fixed key order (as built above), one trace event per line so files diff well, and a
 * trailing newline. Identical input gives identical bytes.
 */
export function serializeChromeTrace(trace: ChromeTrace): string {
  const lines: string[] = ['{"traceEvents":['];
  trace.traceEvents.forEach((event, index) => lines.push(JSON.stringify(event) + (index + 1 < trace.traceEvents.length ? ',' : '')));
  lines.push('],');
  lines.push(`"displayTimeUnit":${JSON.stringify(trace.displayTimeUnit)},`);
  lines.push(`"otherData":${JSON.stringify(trace.otherData)}${trace.gpuhal === undefined ? '' : ','}`);
  if (trace.gpuhal !== undefined) {
    lines.push(`"gpuhal":{"version":${trace.gpuhal.version},"events":[`);
    const encoded = trace.gpuhal.events;
    encoded.forEach((event, index) => lines.push(JSON.stringify(event) + (index + 1 < encoded.length ? ',' : '')));
    lines.push(']}');
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * The text of a trace file for `events`: `serializeChromeTrace(toChromeTrace(events))`, what `gpuhal demo
 * --trace-out` writes and `parseTraceFile` reads back. It returns the text and writes nothing, so it also works in
 * a browser; write it with `fs.writeFile(path, serializeTrace(events))`.
 */
export function serializeTrace(events: readonly TraceEvent[]): string {
  return serializeChromeTrace(toChromeTrace(events));
}

/** @deprecated It writes no file: use `serializeTrace`, the same function under a name that says what it returns. */
export const writeTraceFile: (events: readonly TraceEvent[]) => string = serializeTrace;

function submissionArgs(sub: TimelineSubmission, semName: (id: number) => string): ChromeArgs {
  const list = (refs: readonly { semaphore: number; value: bigint }[], op: string): string =>
    refs.length === 0 ? '-' : refs.map((ref) => `${semName(ref.semaphore)} ${op} ${ref.value}`).join(', ');
  const args: Record<string, string | number> = {
    submission: sub.id,
    op: sub.op,
    waits: list(sub.waits, '≥'),
    signals: list(sub.signals, '='),
    outcome: sub.outcome,
  };
  if (sub.error !== null) args['error'] = `${sub.error.code}: ${sub.error.message}`;
  if (sub.race !== null) args['race'] = sub.race;
  return args;
}

