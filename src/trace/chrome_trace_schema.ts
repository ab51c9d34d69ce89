/**
 * What a Chrome Trace Event file must look like for Perfetto's JSON importer to show it as intended, as a zod
 * schema (per-event structure) plus the cross-event rules the importer relies on:
 * - slices ('X') on one track nest properly (a slice that partly overlaps another is dropped or mis-nested);
 * - every flow has exactly one start ('s') and one end ('f'), with matching cat and name, and the start is
 *   processed first;
 * - every flow event finds an open slice on its track when it is processed (Perfetto binds a flow to the topmost
 *   open slice; without one the arrow is lost);
 * - every async begin ('b') has one end ('e') with the same cat, id and pid, not before it.
 *
 * `bindFlows` replays the importer's binding so tests can assert which slices an arrow connects. The replay uses
 * the importer's processing order for JSON traces that contain complete events: by timestamp, then 'E' events,
 * then 'X' events longest first, then everything else in file order (Perfetto's TraceSorter "slow sorting"), and
 * its slice-stack rule (closed on the left, open on the right; instants at one timestamp stack). Timestamps are
 * compared in integer nanoseconds (llround(µs * 1000)), as the importer does.
 */
import * as z from 'zod/mini';

const finite = z.number().check(z.refine(Number.isFinite, { error: 'must be a finite number' }));
const nonNegative = finite.check(z.refine((value) => value >= 0, { error: 'must be ≥ 0' }));
const int = z.int();
const args = z.record(z.string(), z.unknown());
const text = z.string();
const category = z.string().check(z.minLength(1));
const flowId = z.union([int, z.string()]);

const metadataEvent = z.discriminatedUnion('name', [
  z.object({ ph: z.literal('M'), name: z.literal('process_name'), pid: int, args: z.object({ name: text }) }),
  z.object({ ph: z.literal('M'), name: z.literal('process_sort_index'), pid: int, args: z.object({ sort_index: int }) }),
  z.object({ ph: z.literal('M'), name: z.literal('thread_name'), pid: int, tid: int, args: z.object({ name: text }) }),
  z.object({ ph: z.literal('M'), name: z.literal('thread_sort_index'), pid: int, tid: int, args: z.object({ sort_index: int }) }),
]);

export const chromeTraceEventSchema = z.union([
  z.object({ ph: z.literal('X'), name: text, cat: z.optional(text), ts: nonNegative, dur: nonNegative, pid: int, tid: int, args: z.optional(args) }),
  z.object({
    ph: z.literal('C'), name: z.string().check(z.minLength(1)), cat: z.optional(text), ts: nonNegative, pid: int, tid: z.optional(int),
    args: z.record(z.string(), finite).check(z.refine((record) => Object.keys(record).length > 0, { error: 'a counter needs at least one value' })),
  }),
  z.object({ ph: z.literal('i'), name: text, cat: z.optional(text), s: z.enum(['t', 'p', 'g']), ts: nonNegative, pid: int, tid: int, args: z.optional(args) }),
  z.object({ ph: z.literal('s'), name: text, cat: category, id: flowId, ts: nonNegative, pid: int, tid: int }),
  z.object({ ph: z.literal('f'), name: text, cat: category, id: flowId, bp: z.optional(z.literal('e')), ts: nonNegative, pid: int, tid: int }),
  z.object({ ph: z.enum(['b', 'e']), name: text, cat: category, id: flowId, ts: nonNegative, pid: int, tid: z.optional(int), args: z.optional(args) }),
  metadataEvent,
]);

export type CheckedChromeEvent = z.infer<typeof chromeTraceEventSchema>;

export const chromeTraceSchema = z
  .object({
    traceEvents: z.array(chromeTraceEventSchema),
    displayTimeUnit: z.optional(z.enum(['ms', 'ns'])),
    otherData: z.optional(z.record(z.string(), z.unknown())),
  })
  .check(
    z.superRefine((trace, ctx) => {
      for (const problem of crossEventProblems(trace.traceEvents)) ctx.addIssue({ code: 'custom', message: problem.message, path: ['traceEvents', problem.index] });
    }),
  );

export interface BoundFlow {
  readonly id: number | string;
  readonly cat: string;
  readonly name: string;
  /** Names of the slices the arrow connects, and their tracks as "pid:tid". */
  readonly from: string;
  readonly to: string;
  readonly fromTrack: string;
  readonly toTrack: string;
}

interface Problem {
  readonly index: number;
  readonly message: string;
}

const nanos = (us: number): number => Math.round(us * 1000);

interface OpenSlice {
  readonly name: string;
  readonly end: number;
  readonly dur: number;
}

/** Where the importer puts an event among those with the same timestamp (smaller first). */
function tieKey(event: CheckedChromeEvent): number {
  if (event.ph === 'X') return -nanos(event.dur);
  return 0;
}

/** Replays the importer: its processing order, per-track stacks of open slices, flow binding. */
function replay(events: readonly CheckedChromeEvent[]): { problems: Problem[]; flows: BoundFlow[] } {
  const problems: Problem[] = [];
  const order = events
    .map((event, index) => ({ event, index }))
    .filter((entry) => entry.event.ph !== 'M')
    .sort((a, b) => nanos((a.event as { ts: number }).ts) - nanos((b.event as { ts: number }).ts) || tieKey(a.event) - tieKey(b.event) || a.index - b.index);
  const stacks = new Map<string, OpenSlice[]>();
  const starts = new Map<string, { from: string; fromTrack: string; index: number; cat: string; name: string; id: number | string }>();
  const flows: BoundFlow[] = [];
  const ends = new Set<string>();
  const openAsync = new Map<string, { index: number; name: string }>();
  for (const { event, index } of order) {
    if (event.ph === 'M' || event.ph === 'C') continue;
    if (event.ph === 'b' || event.ph === 'e') {
      const key = `${event.pid}\u0000${event.cat}\u0000${event.id}`;
      if (event.ph === 'b') {
        if (openAsync.has(key)) problems.push({ index, message: `async slice "${event.name}" (cat ${event.cat}, id ${event.id}) begins again before it ended` });
        openAsync.set(key, { index, name: event.name });
      } else if (!openAsync.delete(key)) {
        problems.push({ index, message: `async end "${event.name}" (cat ${event.cat}, id ${event.id}) has no begin before it` });
      }
      continue;
    }
    const track = `${event.pid}:${event.tid}`;
    let stack = stacks.get(track);
    if (stack === undefined) stacks.set(track, (stack = []));
    const at = nanos(event.ts);
    if (event.ph === 'X' || event.ph === 'i') {
      const dur = event.ph === 'X' ? nanos(event.dur) : 0;
      const end = at + dur;
      // Perfetto's rule: intervals are closed on the left and open on the right, except that instants at one
      // timestamp stack on each other.
      for (let top = stack[stack.length - 1]; top !== undefined; top = stack[stack.length - 1]) {
        if (top.end < at || (top.end === at && !(top.dur === 0 && dur === 0))) stack.pop();
        else break;
      }
      const parent = stack[stack.length - 1];
      if (parent !== undefined && end > parent.end) {
        problems.push({ index, message: `slice "${event.name}" on track ${track} overlaps "${parent.name}" without nesting in it` });
      }
      stack.push({ name: event.name, end, dur });
      continue;
    }
    const key = `${event.cat}\u0000${event.name}\u0000${event.id}`;
    const top = stack[stack.length - 1];
    if (top === undefined || top.end < at) {
      problems.push({ index, message: `flow ${event.ph} "${event.name}" (id ${event.id}) has no open slice to bind to on track ${track}` });
      continue;
    }
    if (event.ph === 's') {
      if (starts.has(key)) problems.push({ index, message: `flow id ${event.id} (cat ${event.cat}) starts twice` });
      starts.set(key, { from: top.name, fromTrack: track, index, cat: event.cat, name: event.name, id: event.id });
    } else {
      const start = starts.get(key);
      if (start === undefined) {
        problems.push({ index, message: `flow end "${event.name}" (id ${event.id}) comes before its start, or has none` });
        continue;
      }
      if (ends.has(key)) problems.push({ index, message: `flow id ${event.id} (cat ${event.cat}) ends twice` });
      ends.add(key);
      flows.push({ id: event.id, cat: event.cat, name: event.name, from: start.from, to: top.name, fromTrack: start.fromTrack, toTrack: track });
    }
  }
  for (const open of openAsync.values()) problems.push({ index: open.index, message: `async slice "${open.name}" never ends` });
  for (const [key, start] of starts) {
    if (!ends.has(key)) problems.push({ index: start.index, message: `flow "${start.name}" (id ${start.id}) has a start but no end` });
  }
  return { problems, flows };
}

function crossEventProblems(events: readonly CheckedChromeEvent[]): Problem[] {
  return replay(events).problems;
}

/** The arrows a viewer would draw, as (from slice, to slice) names. Call on a trace that passed the schema. */
export function bindFlows(events: readonly CheckedChromeEvent[]): BoundFlow[] {
  return replay(events).flows;
}
