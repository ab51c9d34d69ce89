/**
 * The playground's timeline drawing: the trace's timeline analysis (src/trace/timeline.ts) as an SVG string. Lanes
 * per queue, device stream and the host; a bar per submission (waiting, running, completed, failed), per stream
 * operation and per host wait; semaphore values over time; an arrow from each signal to the wait it released and
 * red dashed arrows along the failure chain; a cursor at the simulator's "now".
 *
 * Pure (events in, markup out) so it runs in the page and in Node tests alike. Work still running is drawn up to
 * `now` only: the simulator knows an operation's end when it starts, the reader should not see the future.
 */
import type { TraceEvent, TraceTime } from '../../trace/model.js';
import { formatDuration } from '../../trace/time_format.js';
import { buildTimeline, orderedLanes, type DependencySource, type DependencyTarget, type Timeline, type TimelineLane } from '../../trace/timeline.js';

export interface TimelineSvgOptions {
  /** The simulator's current time (the cursor); work is drawn up to here. */
  readonly now: TraceTime;
  /** Total width in px; default 960. */
  readonly width?: number;
}

/** Colours, shared with the page's legend and the e2e test's pixel checks. */
export const COLORS = Object.freeze({
  completed: '#2e9d4f',
  running: '#1e6fd9',
  failed: '#d32f2f',
  waiting: '#f2b233',
  op: '#7a5cc7',
  opFailed: '#d32f2f',
  hostWait: '#8d6e63',
  dependency: '#1e6fd9',
  cursor: '#e64a19',
});

const LABEL_WIDTH = 150;
const RIGHT_PAD = 24;
const AXIS_HEIGHT = 26;
const ROW_HEIGHT = 22;
const BAR_HEIGHT = 16;
const LANE_PAD = 6;
const SEMAPHORE_ROW = 24;

export function renderTimelineSvg(events: readonly TraceEvent[], options: TimelineSvgOptions): string {
  const width = options.width ?? 960;
  const timeline = buildTimeline(events);
  // buildTimeline starts a bar at issue once the waits recorded so far are met; mid-run, a wait not yet reached is
  // not recorded at all, so a submission issued to the device ahead of its signal would look running. Live, it is
  // still waiting: count its reached waits.
  const reached = new Map<number, number>();
  for (const event of events) if (event.kind === 'wait-satisfied') reached.set(event.submission, (reached.get(event.submission) ?? 0) + 1);
  for (const sub of timeline.submissions) {
    if (sub.outcome === 'pending' && (reached.get(sub.id) ?? 0) < sub.waits.length) sub.started = null;
  }
  // The axis starts at the first work-related event, as the terminal timeline's does: on a real clock setup (kernel
  // compilation, say) can come long before any work. Only declarations precede it; x() pins them to the left edge.
  const t0 = timeline.activityStart;
  const now = options.now > t0 ? options.now : t0;
  const last = now > timeline.end ? now : timeline.end;
  // A fifth of headroom after the latest moment, so what just happened is not pressed against the edge.
  const span = last > t0 ? ((last - t0) * 6n) / 5n : 1000n;
  const plot = width - LABEL_WIDTH - RIGHT_PAD;
  const x = (t: TraceTime): number => LABEL_WIDTH + (Number((t < t0 ? t0 : t) - t0) / Number(span)) * plot;
  const clip = (t: TraceTime): TraceTime => (t > now ? now : t);

  const lanes = orderedLanes(timeline.lanes);
  const laneTop = new Map<number, number>();
  let y = AXIS_HEIGHT;
  for (const lane of lanes) {
    laneTop.set(lane.id, y);
    y += lane.rows * ROW_HEIGHT + 2 * LANE_PAD;
  }
  const lanesBottom = y;
  const semaphoresTop = lanesBottom + 8;
  const height = semaphoresTop + 20 + timeline.semaphores.length * SEMAPHORE_ROW + 8;
  const rowY = (lane: number, row: number): number => (laneTop.get(lane) ?? AXIS_HEIGHT) + LANE_PAD + row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`);
  out.push(`<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="${COLORS.dependency}"/></marker>` +
    `<marker id="arrow-failed" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="${COLORS.failed}"/></marker></defs>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  axis(out, t0, span, plot, lanesBottom);

  lanes.forEach((lane, i) => {
    const top = laneTop.get(lane.id)!;
    const h = lane.rows * ROW_HEIGHT + 2 * LANE_PAD;
    out.push(`<g class="lane" data-lane="${esc(lane.name)}" data-kind="${lane.kind}">`);
    out.push(`<rect x="0" y="${top}" width="${width}" height="${h}" fill="${i % 2 === 0 ? '#f6f7f9' : '#eceff3'}"/>`);
    out.push(`<text x="8" y="${top + h / 2 + 4}" font-weight="600" fill="#263238">${esc(laneTitle(lane))}</text>`);
    out.push('</g>');
  });

  // Waiting first (underneath), then running work on top.
  for (const sub of timeline.submissions) {
    const waitEnd = sub.started ?? sub.ended ?? now;
    const top = rowY(sub.lane, sub.row);
    if (waitEnd > sub.enqueued || sub.started === null) {
      const x0 = x(sub.enqueued);
      const w = Math.max(2, x(clip(waitEnd)) - x0);
      out.push(`<rect class="waiting" data-submission="${sub.id}" x="${f(x0)}" y="${top + 3}" width="${f(w)}" height="${BAR_HEIGHT - 6}" fill="none" stroke="${COLORS.waiting}" stroke-width="2" stroke-dasharray="4 2"><title>${esc(`#${sub.id} ${sub.label}: waiting for ${refs(timeline, sub.waits, '≥')}`)}</title></rect>`);
    }
  }
  for (const sub of timeline.submissions) {
    const top = rowY(sub.lane, sub.row);
    const name = `#${sub.id} ${sub.label}`;
    if (sub.started === null) {
      if (sub.outcome === 'failed') {
        const xe = x(clip(sub.ended!));
        out.push(`<g class="submission" data-submission="${sub.id}" data-outcome="failed" data-label="${esc(sub.label)}">` +
          `<rect x="${f(xe - 7)}" y="${top}" width="14" height="${BAR_HEIGHT}" fill="${COLORS.failed}"/>${label(xe, 10, top + 12, `${name} never ran: ${sub.error?.code ?? ''}`, COLORS.failed, width, true)}` +
          `<title>${esc(`${name} did not run: ${sub.error?.code}: ${sub.error?.message}`)}</title></g>`);
      } else {
        out.push(`<g class="submission" data-submission="${sub.id}" data-outcome="waiting" data-label="${esc(sub.label)}"><text x="${f(x(sub.enqueued) + 4)}" y="${top + 12}" fill="#6d4c00">${esc(`${name} waits`)}</text></g>`);
      }
      continue;
    }
    const outcome = sub.outcome === 'pending' ? 'running' : sub.outcome;
    const color = outcome === 'completed' ? COLORS.completed : outcome === 'failed' ? COLORS.failed : COLORS.running;
    const x0 = x(sub.started);
    const w = Math.max(3, x(clip(sub.ended ?? now)) - x0);
    // A submission in a race the race checker reported: outlined, with the race named in its tooltip.
    const race = sub.race === null ? undefined : timeline.races.find((r) => r.first === sub.id || r.second === sub.id);
    out.push(`<g class="submission${race ? ' race' : ''}" data-submission="${sub.id}" data-outcome="${outcome}" data-label="${esc(sub.label)}"${race ? ` data-race="${esc(race.race)}"` : ''}>` +
      `<rect x="${f(x0)}" y="${top}" width="${f(w)}" height="${BAR_HEIGHT}" rx="2" fill="${color}"${race ? ` stroke="${COLORS.failed}" stroke-width="3"` : ''}/>` +
      (w > 40 ? `<text x="${f(x0 + 4)}" y="${top + 12}" fill="#ffffff">${esc(fit(`${race ? '! ' : ''}${name}`, w - 8))}</text>` : '') +
      `<title>${esc(`${name}: ${outcome}${sub.error ? ` (${sub.error.code}: ${sub.error.message})` : ''}${race ? `; RACE ${race.race}, fix: ${race.fix}` : ''}`)}</title></g>`);
  }
  for (const op of timeline.ops) {
    if (op.start > now) continue;
    const top = rowY(op.lane, op.row);
    const x0 = x(op.start);
    const w = Math.max(2, x(clip(op.end)) - x0);
    const color = op.status === 'ok' ? COLORS.op : COLORS.opFailed;
    out.push(`<g class="op" data-op="${esc(op.name)}" data-status="${op.status}"><rect x="${f(x0)}" y="${top + 2}" width="${f(w)}" height="${BAR_HEIGHT - 4}" fill="${color}" opacity="${op.status === 'skipped' ? 0.4 : 1}"/>` +
      (w > 50 ? `<text x="${f(x0 + 3)}" y="${top + 11}" fill="#ffffff" font-size="10">${esc(fit(op.name, w - 6))}</text>` : '') +
      `<title>${esc(`${op.name} (${op.kind}, ${op.status}) ${formatDuration(op.end - op.start)}`)}</title></g>`);
  }
  for (const wait of timeline.hostWaits) {
    const top = rowY(wait.lane, wait.row);
    const x0 = x(wait.begin);
    const w = Math.max(2, x(clip(wait.end ?? now)) - x0);
    const color = wait.outcome === 'failed' ? COLORS.failed : COLORS.hostWait;
    out.push(`<g class="host-wait" data-outcome="${wait.outcome ?? 'waiting'}"><rect x="${f(x0)}" y="${top + 4}" width="${f(w)}" height="${BAR_HEIGHT - 8}" fill="${color}" opacity="0.6"/>` +
      `<title>${esc(`host waits for ${refs(timeline, wait.targets, '≥')}: ${wait.outcome ?? 'waiting'}`)}</title></g>`);
  }
  for (const marker of timeline.hostMarkers) {
    const top = rowY(marker.lane, 0);
    const mx = x(marker.ts);
    const name = semName(timeline, marker.semaphore);
    const color = marker.action === 'fail' ? COLORS.failed : COLORS.dependency;
    const text = marker.action === 'fail' ? `${name} FAILED` : `${name} = ${marker.value}`;
    out.push(`<g class="host-marker" data-action="${marker.action}"><path d="M${f(mx)},${top} l6,${BAR_HEIGHT} l-12,0 z" fill="${color}"/>${label(mx, 8, top + 12, text, color, width, false)}</g>`);
  }

  // Arrows last so they stay visible over bars.
  const anchor = (end: DependencySource | DependencyTarget, ts: TraceTime): { x: number; y: number } | null => {
    if ('submission' in end) {
      const sub = timeline.submissionById.get(end.submission);
      return sub === undefined ? null : { x: x(clip(ts)), y: rowY(sub.lane, sub.row) + BAR_HEIGHT / 2 };
    }
    if ('host' in end) return { x: x(clip(ts)), y: rowY(end.host.lane, 0) + BAR_HEIGHT / 2 };
    const wait = timeline.hostWaits.find((w) => w.id === end.hostWait);
    return wait === undefined ? null : { x: x(clip(ts)), y: rowY(wait.lane, wait.row) + BAR_HEIGHT / 2 };
  };
  for (const dep of timeline.dependencies) {
    if (dep.ts > now) continue;
    const from = anchor(dep.from, dep.ts);
    const target = 'submission' in dep.to ? timeline.submissionById.get(dep.to.submission)?.started ?? dep.ts : dep.ts;
    const to = anchor(dep.to, target);
    if (from === null || to === null) continue;
    out.push(arrow(from, to, COLORS.dependency, false, `dependency`, `${semName(timeline, dep.semaphore)} = ${dep.signaled} released the wait for ≥ ${dep.value}`));
  }
  for (const edge of timeline.failureEdges) {
    const sem = timeline.semaphoreById.get(edge.semaphore);
    const ts = sem?.failure?.ts ?? t0;
    const from = anchor(edge.from, ts);
    const endTs = 'submission' in edge.to ? timeline.submissionById.get(edge.to.submission)?.ended ?? ts : timeline.hostWaits.find((w) => 'hostWait' in edge.to && w.id === edge.to.hostWait)?.end ?? ts;
    const to = anchor(edge.to, endTs);
    if (from === null || to === null) continue;
    out.push(arrow(from, to, COLORS.failed, true, 'failure', `${semName(timeline, edge.semaphore)} failed: ${edge.error.code}: ${edge.error.message}`));
  }

  semaphores(out, timeline, semaphoresTop, width, x, now);
  const cx = x(now);
  out.push(`<line class="cursor" x1="${f(cx)}" y1="${AXIS_HEIGHT - 4}" x2="${f(cx)}" y2="${height - 4}" stroke="${COLORS.cursor}" stroke-width="1.5"/>`);
  out.push(`<text x="${f(Math.min(cx + 3, width - 40))}" y="${AXIS_HEIGHT - 8}" fill="${COLORS.cursor}">now</text>`);
  out.push('</svg>');
  return out.join('\n');
}

function axis(out: string[], t0: TraceTime, span: bigint, plot: number, bottom: number): void {
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const px = LABEL_WIDTH + (plot * i) / ticks;
    const label = formatDuration((span * BigInt(i)) / BigInt(ticks));
    out.push(`<line x1="${f(px)}" y1="${AXIS_HEIGHT - 6}" x2="${f(px)}" y2="${bottom}" stroke="#cfd8dc" stroke-width="1"/>`);
    out.push(`<text x="${f(px)}" y="12" text-anchor="${i === 0 ? 'start' : i === ticks ? 'end' : 'middle'}" fill="#546e7a">${esc(label)}</text>`);
  }
  void t0;
}

function semaphores(out: string[], timeline: Timeline, top: number, width: number, x: (t: TraceTime) => number, now: TraceTime): void {
  out.push(`<text x="8" y="${top + 13}" font-weight="600" fill="#263238">semaphores</text>`);
  timeline.semaphores.forEach((sem, i) => {
    const y = top + 20 + i * SEMAPHORE_ROW;
    const failed = sem.failure !== null && sem.failure.ts <= now;
    const current = sem.steps.filter((step) => step.ts <= now).at(-1)?.value ?? sem.initial;
    out.push(`<g class="semaphore" data-semaphore="${esc(sem.name)}" data-value="${current}" data-failed="${failed}">`);
    out.push(`<rect x="0" y="${y}" width="${width}" height="${SEMAPHORE_ROW - 2}" fill="${i % 2 === 0 ? '#fafafa' : '#f1f3f5'}"/>`);
    out.push(`<text x="8" y="${y + 15}" fill="#263238">${esc(`${sem.name} = ${failed ? 'FAILED' : current}`)}</text>`);
    // The value as a step line: flat at each value until the next signal.
    let px = x(sem.declared);
    let value = sem.initial;
    const points: string[] = [];
    const level = (v: bigint): number => y + SEMAPHORE_ROW - 6 - (v === 0n ? 0 : 10);
    points.push(`${f(px)},${level(value)}`);
    for (const step of sem.steps) {
      if (step.ts > now) break;
      const sx = x(step.ts);
      points.push(`${f(sx)},${level(value)}`, `${f(sx)},${level(step.value)}`);
      out.push(`<text class="semaphore-step" x="${f(sx + 3)}" y="${y + 10}" fill="${COLORS.dependency}" font-size="10">${esc(String(step.value))}</text>`);
      value = step.value;
      px = sx;
    }
    const endX = x(failed ? sem.failure!.ts : now);
    points.push(`${f(endX)},${level(value)}`);
    out.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${COLORS.dependency}" stroke-width="1.5"/>`);
    if (failed) {
      out.push(label(endX, 4, y + 15, `✗ ${sem.failure!.error.code}`, COLORS.failed, width, true));
    }
    out.push('</g>');
  });
}

function arrow(from: { x: number; y: number }, to: { x: number; y: number }, color: string, dashed: boolean, kind: string, title: string): string {
  const dx = Math.max(12, Math.abs(to.x - from.x) / 2);
  const path = from.y === to.y && Math.abs(to.x - from.x) < 2
    ? `M${f(from.x)},${f(from.y)} l0,0`
    : `M${f(from.x)},${f(from.y)} C${f(from.x + dx)},${f(from.y)} ${f(to.x - dx)},${f(to.y)} ${f(to.x)},${f(to.y)}`;
  return `<path class="${kind}" d="${path}" fill="none" stroke="${color}" stroke-width="1.5"${dashed ? ' stroke-dasharray="5 3"' : ''} marker-end="url(#${dashed ? 'arrow-failed' : 'arrow'})"><title>${esc(title)}</title></path>`;
}

/** Text `gap` px right of `x`, or left of it when it would run past the drawing's right edge. */
function label(x: number, gap: number, y: number, text: string, color: string, width: number, bold: boolean): string {
  const flip = x + gap + text.length * 6.5 > width - 4;
  return `<text x="${f(flip ? x - gap : x + gap)}" y="${y}" fill="${color}"${flip ? ' text-anchor="end"' : ''}${bold ? ' font-weight="600"' : ''}>${esc(text)}</text>`;
}

function laneTitle(lane: TimelineLane): string {
  return lane.kind === 'stream' ? `${lane.name} (device)` : lane.name;
}

function semName(timeline: Timeline, id: number): string {
  return timeline.semaphoreById.get(id)?.name ?? `semaphore ${id}`;
}

function refs(timeline: Timeline, list: readonly { semaphore: number; value: bigint }[], op: string): string {
  return list.length === 0 ? 'nothing' : list.map((ref) => `${semName(timeline, ref.semaphore)} ${op} ${ref.value}`).join(', ');
}

/** Truncates a label to roughly `px` pixels of 11px text. */
function fit(text: string, px: number): string {
  const chars = Math.floor(px / 6.2);
  return text.length <= chars ? text : chars <= 1 ? '' : `${text.slice(0, chars - 1)}…`;
}

const f = (n: number): string => (Math.round(n * 10) / 10).toString();

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
