/**
 * The terminal timeline: a trace drawn as text a newcomer can read in a 100-column terminal.
 *
 *   - a time axis scaled to the whole trace;
 *   - one lane per queue, driver stream and host (extra rows where work overlaps), with bars `[label====]` for
 *     work, `·` while a submission waits for its semaphores, `✗` where something failed, `▲` host signals, `!` where a
 *     submission is in a race the race checker reported (listed below with the edge that fixes it);
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
import { Layer, Row, Scale, SYMBOL, clip, fit, label } from './text_grid.js';
import { buildTimeline, hostWaitSpan, orderedLanes } from './timeline.js';
import { dependencySection, failureSection, legend, raceSection, semaphoreNamer, semaphoreSection } from './timeline_sections.js';

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

export function renderTimeline(events: readonly TraceEvent[], options: TimelineRenderOptions = {}): string {
  const width = Math.max(40, Math.floor(options.width ?? 100));
  const color = options.color ?? false;
  const timeline = buildTimeline(events);
  if (events.length === 0) return 'gpuhal timeline: empty trace (no events were recorded)\n';

  const lanes = orderedLanes(timeline.lanes);
  const semName = semaphoreNamer(timeline);
  const labelWidth = Math.min(20, Math.max(8, ...lanes.map((lane) => lane.name.length + 1), ...timeline.semaphores.map((sem) => semName(sem.id).length + 1)));
  const plotWidth = width - labelWidth;
  const scale = new Scale(options.range?.start ?? timeline.activityStart, options.range?.end ?? timeline.end, plotWidth);
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
    // A submission the race checker found racing: marked where its bar begins.
    const raceAt = sub.started ?? sub.enqueued;
    if (sub.race !== null && scale.visible(raceAt, raceAt)) {
      row.put(scale.column(raceAt), SYMBOL.race, 'fail', Layer.Marker, id);
      used.add('race');
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
  out.push(...raceSection(timeline, width));
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
