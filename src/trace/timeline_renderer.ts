/**
 * The terminal timeline: a trace drawn as text a newcomer can read in a 100-column terminal.
 *
 *   - a time axis scaled to the whole trace;
 *   - one lane per queue, driver stream and host (extra rows where work overlaps), with bars `[label====]` for
 *     work, `·` while a submission waits for its semaphores, `✗` where something failed, `▲` host signals;
 *   - one row per semaphore showing its value where it changes;
 *   - below: which signal released which wait, how failures travelled, each semaphore's value steps, a legend.
 *
 * Columns are half-open time buckets: a bar covers every column whose time range intersects [start, end), so
 * back-to-back work touches without colliding. When two items of one row still fall into the same column, the
 * column shows `▒`. Output is pure text (ANSI colors only with `color: true`): golden tests compare it byte for
 * byte, and every line fits `width`.
 */
import type { TraceEvent, TraceTime } from './model.js';
import { formatDuration } from './time_format.js';
import { buildTimeline, hostWaitSpan, orderedLanes, type DependencySource, type Timeline, type TimelineSubmission } from './timeline.js';

export interface TimelineRenderOptions {
  /** Total columns (default 100, at least 40). */
  readonly width?: number;
  /** ANSI colors (default false). */
  readonly color?: boolean;
  /**
   * The time range the axis spans (default: the whole trace). Step mode renders each prefix of a trace against the
   * full range, so the picture grows in place instead of rescaling at every step. Work outside is not drawn;
   * work crossing an edge is cut there.
   */
  readonly range?: { readonly start: TraceTime; readonly end: TraceTime };
  /** Marks a moment ("now" in step mode) with ▼ on the axis and a guide line through empty cells. */
  readonly cursor?: TraceTime;
}

const SYMBOL = {
  waiting: '·',
  fill: '=',
  skipped: '~',
  open: '[',
  close: ']',
  continues: '>',
  single: '■',
  merged: '▒',
  cursor: '▼',
  guide: '│',
  failure: '✗',
  hostSignal: '▲',
  baseline: '─',
} as const;

type Style = 'plain' | 'dim' | 'bar' | 'fail' | 'host' | 'merged';

const ANSI: Record<Style, string> = {
  plain: '',
  dim: '\u001b[2m',
  bar: '\u001b[36m',
  fail: '\u001b[31;1m',
  host: '\u001b[33m',
  merged: '\u001b[35m',
};
const RESET = '\u001b[0m';

/** Priority: a higher layer overwrites a lower one; two items on the same layer in one cell merge. */
const Layer = { Empty: 0, Guide: 0.5, Waiting: 1, Bar: 2, Marker: 3 } as const;
type Layer = (typeof Layer)[keyof typeof Layer];

interface Cell {
  char: string;
  style: Style;
  layer: Layer;
  owner: number;
}

/** One drawable row of cells. */
class Row {
  readonly cells: Cell[];
  /** True once two items shared a cell (the legend then explains ▒). */
  merged = false;
  constructor(width: number) {
    this.cells = Array.from({ length: width }, () => ({ char: ' ', style: 'plain' as Style, layer: Layer.Empty, owner: -1 }));
  }

  put(column: number, char: string, style: Style, layer: Layer, owner: number): void {
    const cell = this.cells[column];
    if (cell === undefined) return;
    if (layer < cell.layer) return;
    if (layer === cell.layer && layer === Layer.Bar && cell.owner !== owner) {
      cell.char = SYMBOL.merged;
      cell.style = 'merged';
      cell.owner = owner;
      this.merged = true;
      return;
    }
    cell.char = char;
    cell.style = style;
    cell.layer = layer;
    cell.owner = owner;
  }

  render(color: boolean): string {
    if (!color) return this.cells.map((cell) => cell.char).join('').trimEnd();
    let out = '';
    let style: Style = 'plain';
    for (const cell of trimmed(this.cells)) {
      if (cell.style !== style) {
        if (style !== 'plain') out += RESET;
        if (cell.style !== 'plain') out += ANSI[cell.style];
        style = cell.style;
      }
      out += cell.char;
    }
    return style === 'plain' ? out : out + RESET;
  }
}

function trimmed(cells: readonly Cell[]): readonly Cell[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1]!.char === ' ') end--;
  return cells.slice(0, end);
}

/** Maps trace time onto plot columns. */
class Scale {
  readonly span: bigint;
  constructor(readonly start: TraceTime, end: TraceTime, readonly columns: number) {
    this.span = end > start ? end - start : 1n;
  }

  /** The column whose time bucket holds `t`. */
  column(t: TraceTime): number {
    const offset = t - this.start;
    if (offset <= 0n) return 0;
    return Math.min(this.columns - 1, Number((offset * BigInt(this.columns)) / this.span));
  }

  /** Columns covered by [from, to): first and last (a zero-length span covers the column of `from`). */
  range(from: TraceTime, to: TraceTime): [number, number] {
    const first = this.column(from);
    const last = to > from ? this.column(to - 1n) : first;
    return [first, Math.max(first, last)];
  }

  get end(): TraceTime {
    return this.start + this.span;
  }

  /** True when [from, to] touches the range (a point when from === to). */
  visible(from: TraceTime, to: TraceTime): boolean {
    return to >= this.start && from <= this.end;
  }

  /** Time per column, for the header. */
  get perColumn(): bigint {
    return this.span / BigInt(this.columns) || 1n;
  }
}

export function renderTimeline(events: readonly TraceEvent[], options: TimelineRenderOptions = {}): string {
  const width = Math.max(40, Math.floor(options.width ?? 100));
  const color = options.color ?? false;
  const timeline = buildTimeline(events);
  if (events.length === 0) return 'gpuhal timeline: empty trace (no events were recorded)\n';

  const lanes = orderedLanes(timeline.lanes);
  const semName = semaphoreNamer(timeline);
  const labelWidth = Math.min(20, Math.max(8, ...lanes.map((lane) => lane.name.length + 1), ...timeline.semaphores.map((sem) => semName(sem.id).length + 1)));
  const plotWidth = width - labelWidth;
  const scale = new Scale(options.range?.start ?? timeline.start, options.range?.end ?? timeline.end, plotWidth);
  const at = (t: TraceTime): string => formatDuration(t - scale.start);
  const out: string[] = [];
  const used = new Set<keyof typeof SYMBOL>();

  // Header and axis.
  const device = timeline.devices[0];
  const what = device === undefined ? 'gpuhal timeline' : `gpuhal timeline · ${device.name} (${device.platform}, ${device.clock} clock)`;
  const now = options.cursor === undefined ? '' : ` · now ${at(options.cursor)}`;
  out.push(fit(`${what} · ${formatDuration(scale.end - scale.start)}${now} · 1 column ≈ ${formatDuration(scale.perColumn)}`, width));
  const axisLines = axis(scale, labelWidth);
  const cursorColumn = options.cursor !== undefined && scale.visible(options.cursor, options.cursor) ? scale.column(options.cursor) : undefined;
  if (cursorColumn !== undefined) {
    const ruler = Array.from(axisLines[1]!);
    ruler[labelWidth + cursorColumn] = SYMBOL.cursor;
    axisLines[1] = ruler.join('');
    used.add('cursor');
  }
  out.push(...axisLines);

  // Lanes.
  const laneRows = new Map<number, Row[]>();
  for (const lane of lanes) laneRows.set(lane.id, Array.from({ length: lane.rows }, () => new Row(plotWidth)));
  const rowOf = (laneId: number, row: number): Row | undefined => laneRows.get(laneId)?.[row];
  let owner = 0;

  for (const sub of timeline.submissions) {
    const row = rowOf(sub.lane, sub.row);
    if (row === undefined) continue;
    const id = owner++;
    const waitEnd = sub.started ?? sub.ended ?? timeline.end;
    if (waitEnd > sub.enqueued && scale.visible(sub.enqueued, waitEnd)) {
      const [first, last] = scale.range(sub.enqueued, waitEnd);
      for (let c = first; c <= last; c++) row.put(c, SYMBOL.waiting, 'dim', Layer.Waiting, id);
      used.add('waiting');
    }
    if (sub.started !== null) {
      drawBar(row, scale, sub.started, sub.ended ?? timeline.end, sub.label, sub.ended === null, id, used);
    }
    if (sub.outcome === 'failed' && sub.ended !== null && scale.visible(sub.ended, sub.ended)) {
      row.put(scale.column(sub.ended), SYMBOL.failure, 'fail', Layer.Marker, id);
      used.add('failure');
    }
  }
  for (const op of timeline.ops) {
    const row = rowOf(op.lane, op.row);
    if (row === undefined) continue;
    const id = owner++;
    const skipped = op.status === 'skipped';
    drawBar(row, scale, op.start, op.end, op.name, false, id, used, skipped ? SYMBOL.skipped : SYMBOL.fill);
    if (skipped) used.add('skipped');
    if (op.status === 'failed' && scale.visible(op.end, op.end)) {
      row.put(scale.range(op.start, op.end)[1], SYMBOL.failure, 'fail', Layer.Marker, id);
      used.add('failure');
    }
  }
  for (const wait of timeline.hostWaits) {
    const row = rowOf(wait.lane, wait.row);
    if (row === undefined) continue;
    const span = hostWaitSpan(wait, timeline);
    const targets = wait.targets.map((target) => `${semName(target.semaphore)}≥${target.value}`).join(wait.mode === 'all' ? '&' : '|');
    drawBar(row, scale, span.start, span.end, `wait ${targets}`, wait.end === null, owner++, used);
    if (wait.outcome === 'failed' && scale.visible(span.end, span.end)) {
      row.put(scale.column(span.end), SYMBOL.failure, 'fail', Layer.Marker, owner);
      used.add('failure');
    }
  }
  for (const marker of timeline.hostMarkers) {
    const row = rowOf(marker.lane, 0);
    if (row === undefined || !scale.visible(marker.ts, marker.ts)) continue;
    const failed = marker.action === 'fail';
    row.put(scale.column(marker.ts), failed ? SYMBOL.failure : SYMBOL.hostSignal, failed ? 'fail' : 'host', Layer.Marker, owner++);
    used.add(failed ? 'failure' : 'hostSignal');
  }
  for (const lane of lanes) {
    laneRows.get(lane.id)!.forEach((row, index) => {
      if (row.merged) used.add('merged');
      if (cursorColumn !== undefined) row.put(cursorColumn, SYMBOL.guide, 'dim', Layer.Guide, -1);
      out.push(label(index === 0 ? lane.name : '', labelWidth) + row.render(color));
    });
  }

  // Semaphore value rows.
  for (const sem of timeline.semaphores) {
    const row = new Row(plotWidth);
    const failedAt = sem.failure?.ts ?? null;
    // Drawn from its declaration (or the start of the range) until it failed (or the end of the trace so far).
    const lastTime = failedAt ?? timeline.end;
    if (scale.visible(sem.declared, lastTime)) {
      const from = scale.column(sem.declared);
      const until = scale.column(lastTime);
      for (let c = from; c <= until; c++) row.put(c, SYMBOL.baseline, 'dim', Layer.Waiting, -1);
      used.add('baseline');
      // The value the row starts with: the last one set before the range began.
      let first = sem.initial;
      for (const step of sem.steps) if (step.ts < scale.start) first = step.value;
      const labels = [
        { column: from, text: first.toString() },
        ...sem.steps.filter((step) => scale.visible(step.ts, step.ts) && step.ts >= scale.start).map((step) => ({ column: scale.column(step.ts), text: step.value.toString() })),
      ];
      if (writeValueLabels(row, labels)) used.add('merged');
      if (failedAt !== null && scale.visible(failedAt, failedAt)) {
        row.put(until, SYMBOL.failure, 'fail', Layer.Marker, -1);
        used.add('failure');
      }
    }
    if (cursorColumn !== undefined) row.put(cursorColumn, SYMBOL.guide, 'dim', Layer.Guide, -1);
    out.push(label(semName(sem.id), labelWidth) + row.render(color));
  }

  out.push(...dependencySection(timeline, semName, at, width));
  out.push(...failureSection(timeline, semName, at, width));
  out.push(...semaphoreSection(timeline, semName, at, width));
  out.push(...legend(used, width));
  return out.join('\n') + '\n';
}

function drawBar(
  row: Row, scale: Scale, start: TraceTime, end: TraceTime, text: string, open: boolean, owner: number, used: Set<keyof typeof SYMBOL>,
  fill: string = SYMBOL.fill,
): void {
  if (!scale.visible(start, end)) return;
  open ||= end > scale.end; // cut at the right edge: it goes on
  const [first, last] = scale.range(start, end);
  const length = last - first + 1;
  if (length === 1) {
    row.put(first, open ? SYMBOL.continues : SYMBOL.single, 'bar', Layer.Bar, owner);
    used.add(open ? 'continues' : 'single');
    return;
  }
  const inner = Array.from(clip(text, length - 2));
  row.put(first, SYMBOL.open, 'bar', Layer.Bar, owner);
  for (let i = 0; i < length - 2; i++) row.put(first + 1 + i, inner[i] ?? fill, 'bar', Layer.Bar, owner);
  row.put(last, open ? SYMBOL.continues : SYMBOL.close, 'bar', Layer.Bar, owner);
  used.add(open ? 'continues' : 'open');
}

/**
 * Writes semaphore values where they change. Newest first: a value that would touch or overlap a newer one is
 * left out and its column shows `▒` (several changes there), so crowded rows never run digits together.
 * Returns whether any value was left out.
 */
function writeValueLabels(row: Row, labels: readonly { column: number; text: string }[]): boolean {
  const taken = new Array<boolean>(row.cells.length).fill(false);
  let merged = false;
  for (let i = labels.length - 1; i >= 0; i--) {
    const chars = Array.from(labels[i]!.text);
    const start = Math.max(0, Math.min(labels[i]!.column, row.cells.length - chars.length));
    const end = start + chars.length; // exclusive
    let free = !(taken[start - 1] ?? false) && !(taken[end] ?? false);
    for (let c = start; c < end && free; c++) free = !taken[c];
    if (free) {
      chars.forEach((char, k) => {
        row.put(start + k, char, i === 0 ? 'plain' : 'bar', Layer.Marker, -1);
        taken[start + k] = true;
      });
    } else if (!taken[labels[i]!.column]) {
      row.put(labels[i]!.column, SYMBOL.merged, 'merged', Layer.Marker, -1);
      merged = true;
    }
  }
  return merged;
}

/** Tick labels and a ruler, with ticks at round times (1, 2 or 5 × 10^k ns) at least 10 columns apart. */
function axis(scale: Scale, labelWidth: number): string[] {
  const minGap = 10n;
  let step = 1n;
  for (;;) {
    for (const factor of [1n, 2n, 5n]) {
      const candidate = step * factor;
      if (candidate * BigInt(scale.columns) >= scale.span * minGap) {
        step = candidate;
        return drawAxis(scale, labelWidth, step);
      }
    }
    step *= 10n;
  }
}

function drawAxis(scale: Scale, labelWidth: number, step: bigint): string[] {
  const labels = Array.from({ length: scale.columns }, () => ' ');
  const ruler = Array.from({ length: scale.columns }, () => SYMBOL.baseline as string);
  let freeFrom = 0;
  for (let t = 0n; t <= scale.span; t += step) {
    const column = scale.column(scale.start + t);
    if (t > 0n && column === scale.column(scale.start + t - step)) continue;
    ruler[column] = t === 0n ? '├' : '┼';
    const text = Array.from(t === 0n ? '0' : formatDuration(t));
    if (column < freeFrom || column + text.length > scale.columns) continue;
    text.forEach((char, i) => (labels[column + i] = char));
    freeFrom = column + text.length + 1;
  }
  return [' '.repeat(labelWidth) + labels.join('').trimEnd(), ' '.repeat(labelWidth) + ruler.join('')];
}

function dependencySection(timeline: Timeline, semName: (id: number) => string, at: (t: TraceTime) => string, width: number): string[] {
  if (timeline.dependencies.length === 0) return [];
  const lines = ['', ...wrap('Signals and the waits they released:', width, 2)];
  // Group by the releasing signal (one signal may release many waits: fan-out).
  const groups = new Map<string, { ts: TraceTime; from: string; sem: string; value: bigint; released: string[] }>();
  for (const dep of timeline.dependencies) {
    const key = `${describeSourceKey(dep.from)}|${dep.semaphore}|${dep.signaled}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { ts: dep.ts, from: describeSource(dep.from, timeline), sem: semName(dep.semaphore), value: dep.signaled, released: [] };
      groups.set(key, group);
    }
    const target = 'submission' in dep.to ? describeSubmission(submissionById(timeline, dep.to.submission)!, timeline) : `a host wait`;
    group.released.push(`${target} (needed ≥ ${dep.value})`);
  }
  const ordered = [...groups.values()].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  for (const group of ordered) {
    lines.push(...wrap(`${pad(at(group.ts), 7)} ${group.from} signaled ${group.sem} = ${group.value}, releasing ${group.released.join(', ')}`, width, 10));
  }
  return lines;
}

function failureSection(timeline: Timeline, semName: (id: number) => string, at: (t: TraceTime) => string, width: number): string[] {
  interface Entry { ts: TraceTime; seq: number; text: string }
  const entries: Entry[] = [];
  for (const sem of timeline.semaphores) {
    if (sem.failure === null) continue;
    const { error } = sem.failure;
    const text = sem.failure.submission === null
      ? `the host failed ${semName(sem.id)}: ${error.code}: ${error.message}`
      : `${semName(sem.id)} failed with ${error.code}, because ${describeSubmission(submissionById(timeline, sem.failure.submission)!, timeline)} would have signaled it`;
    entries.push({ ts: sem.failure.ts, seq: sem.failure.seq, text });
  }
  for (const sub of timeline.submissions) {
    if (sub.outcome !== 'failed' || sub.ended === null) continue;
    const what = describeSubmission(sub, timeline);
    const text = sub.cause !== null
      ? `${what} did not run: it waited on ${semName(sub.cause)}, which failed`
      : `${what} failed while running: ${sub.error!.code}: ${sub.error!.message}`;
    entries.push({ ts: sub.ended, seq: sub.endSeq, text });
  }
  for (const wait of timeline.hostWaits) {
    if (wait.outcome !== 'failed' || wait.end === null) continue;
    const targets = wait.targets.map((target) => `${semName(target.semaphore)} ≥ ${target.value}`).join(wait.mode === 'all' ? ' and ' : ' or ');
    entries.push({ ts: wait.end, seq: wait.endSeq, text: `the host's wait for ${targets} rejected with ${wait.error?.code ?? 'UNKNOWN'}` });
  }
  if (entries.length === 0) return [];
  entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq - b.seq));
  const title = 'Failures, in order (a failed wait fails the submission, which fails what it would signal):';
  return ['', ...wrap(title, width, 2), ...entries.flatMap((entry) => wrap(`${pad(at(entry.ts), 7)} ${SYMBOL.failure} ${entry.text}`, width, 10))];
}

function semaphoreSection(timeline: Timeline, semName: (id: number) => string, at: (t: TraceTime) => string, width: number): string[] {
  if (timeline.semaphores.length === 0) return [];
  const lines = ['', 'Semaphore values:'];
  for (const sem of timeline.semaphores) {
    let text = `${semName(sem.id)}: ${sem.initial}`;
    const steps = sem.steps.map((step) => ` →${step.value} @${at(step.ts)}`);
    // A long history keeps its beginning and end; the timeline rows above show the middle.
    if (steps.length > MAX_LISTED_STEPS) steps.splice(MAX_LISTED_STEPS / 2, steps.length - MAX_LISTED_STEPS, ` … (${steps.length - MAX_LISTED_STEPS} more) …`);
    text += steps.join('');
    if (sem.failure !== null) text += ` ${SYMBOL.failure} failed @${at(sem.failure.ts)} (${sem.failure.error.code})`;
    lines.push(...wrap(`  ${text}`, width, 4));
  }
  return lines;
}

const MAX_LISTED_STEPS = 12;

const LEGEND: Partial<Record<keyof typeof SYMBOL, string>> = {
  open: '[name==] running',
  single: '■ short work',
  skipped: '[name~~] skipped (an earlier failure poisoned the stream)',
  continues: '> still running at the end',
  waiting: '· waiting for semaphores',
  merged: '▒ several items in one column',
  failure: '✗ failure',
  hostSignal: '▲ host signal',
  cursor: '▼│ now',
  baseline: '─0──1─ semaphore value where it changes',
};

function legend(used: Set<keyof typeof SYMBOL>, width: number): string[] {
  const parts = (Object.keys(LEGEND) as (keyof typeof SYMBOL)[]).filter((key) => used.has(key)).map((key) => LEGEND[key]!);
  if (parts.length === 0) return [];
  return ['', ...wrap(`Legend: ${parts.join('   ')}`, width, 8)];
}

// --- text helpers ------------------------------------------------------------------------------------------------

function semaphoreNamer(timeline: Timeline): (id: number) => string {
  return (id) => timeline.semaphoreById.get(id)?.name ?? `semaphore ${id}`;
}

function submissionById(timeline: Timeline, id: number): TimelineSubmission | undefined {
  return timeline.submissionById.get(id);
}

function laneName(timeline: Timeline, id: number): string {
  return timeline.laneById.get(id)?.name ?? `lane ${id}`;
}

function describeSubmission(sub: TimelineSubmission, timeline: Timeline): string {
  return `"${sub.label}" on ${laneName(timeline, sub.lane)}`;
}

function describeSource(source: DependencySource, timeline: Timeline): string {
  return 'submission' in source ? describeSubmission(submissionById(timeline, source.submission)!, timeline) : 'the host';
}

function describeSourceKey(source: DependencySource): string {
  return 'submission' in source ? `s${source.submission}` : `h${source.host.seq}`;
}

/** `text` cut to `length` code points, ending in '…' when cut. */
function clip(text: string, length: number): string {
  const chars = Array.from(text);
  if (chars.length <= length) return text;
  if (length <= 1) return chars.slice(0, length).join('');
  return chars.slice(0, length - 1).join('') + '…';
}

function fit(text: string, width: number): string {
  return clip(text, width);
}

function label(text: string, width: number): string {
  const clipped = clip(text, width - 1);
  return clipped + ' '.repeat(width - Array.from(clipped).length);
}

function pad(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - Array.from(text).length)) + text;
}

/** Word-wraps `text` to `width` code points; continuation lines are indented by `indent`. */
function wrap(text: string, width: number, indent: number): string[] {
  const lines: string[] = [];
  const lead = /^ */.exec(text)![0];
  let line = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    const candidate = line.trim() === '' ? line + word : `${line} ${word}`;
    if (Array.from(candidate).length <= width || line.trim() === '') {
      line = candidate;
      continue;
    }
    lines.push(line);
    line = ' '.repeat(indent) + word;
  }
  if (line.trim() !== '') lines.push(line);
  return lines.map((entry) => clip(entry.trimEnd(), width));
}
