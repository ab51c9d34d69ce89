/**
 * The demo's "what happened" section, told from the device's trace: each submission under the name the demo gave
 * it, when it was submitted and what it waits for, when it finished and which values it signaled, and which waiting
 * submission each signal let start. Reading the trace (rather than watching semaphores from the host) shows the
 * scheduler's own view and keeps host waits out of the timeline.
 */
import type { TraceEvent } from '../trace/model.js';
import { formatDuration } from '../trace/time_format.js';

/** Each submission is told under its label (the queue operation's `label`, else its kind). */
export function tellStory(events: readonly TraceEvent[]): string[] {
  const lanes = new Map<number, string>();
  const semaphores = new Map<number, { name: string; value: bigint }>();
  const submissions = new Map<number, { lane: number; name: string }>();
  // Times count from the first submission (declarations before it are not part of the story).
  const origin = events.find((e) => e.kind === 'submit')?.ts ?? 0n;
  const lines: string[] = [];
  const say = (ts: bigint, text: string): void => {
    lines.push(`${formatDuration(ts - origin).padStart(9)}  ${text}`);
  };
  const semName = (id: number): string => semaphores.get(id)?.name ?? `semaphore ${id}`;
  const refs = (list: readonly { semaphore: number; value: bigint }[], op: string): string =>
    list.map((r) => `"${semName(r.semaphore)}" ${op} ${r.value}`).join(' and ');
  const queueName = (lane: number): string => (lanes.get(lane) ?? `lane ${lane}`).replace(/^queue(\d+)$/, 'queue $1');

  // The wait-satisfied event that met a submission's last open wait: the moment it may start.
  const waitCounts = new Map<number, number>();
  const releasedBy = new Map<number, number>();
  for (const e of events) {
    if (e.kind === 'submit') waitCounts.set(e.submission, e.waits.length);
    if (e.kind !== 'wait-satisfied') continue;
    const left = (waitCounts.get(e.submission) ?? 0) - 1;
    waitCounts.set(e.submission, left);
    if (left === 0 && e.signal !== null) releasedBy.set(e.seq, e.submission);
  }

  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    switch (e.kind) {
      case 'lane':
        lanes.set(e.lane, e.name);
        break;
      case 'semaphore':
        semaphores.set(e.semaphore, { name: e.name, value: e.initial });
        break;
      case 'signal': {
        const s = semaphores.get(e.semaphore);
        if (s !== undefined && e.value > s.value) s.value = e.value;
        if (e.submission === null) say(e.ts, `the host signals "${semName(e.semaphore)}" = ${e.value}`);
        break;
      }
      case 'submit': {
        const name = e.label;
        submissions.set(e.submission, { lane: e.lane, name });
        const open = e.waits.filter((w) => (semaphores.get(w.semaphore)?.value ?? 0n) < w.value).length;
        const waits = e.waits.length === 0 ? '' : ` — waits for ${refs(e.waits, '≥')}${open === 0 ? ' (already there)' : ''}`;
        const signalsText = e.signals.length === 0 ? '' : `${waits === '' ? ' —' : ';'} will signal ${refs(e.signals, '=')}`;
        say(e.ts, `${queueName(e.lane)}: ${name} submitted${waits}${signalsText}`);
        break;
      }
      case 'complete':
      case 'submission-failed': {
        const s = submissions.get(e.submission);
        if (s === undefined) break;
        // What this completion caused is recorded right after it: its signals and the waits they met.
        const consequences: string[] = [];
        for (let j = i + 1; j < events.length; j++) {
          const next = events[j]!;
          if (next.kind === 'signal' && next.submission === e.submission) {
            consequences.push(`"${semName(next.semaphore)}" = ${next.value}`);
          } else if (next.kind === 'semaphore-failed' && next.submission === e.submission) {
            consequences.push(`"${semName(next.semaphore)}" fails`);
          } else if (next.kind === 'wait-satisfied') {
            const released = releasedBy.get(next.seq);
            if (released !== undefined) consequences.push(`${submissions.get(released)?.name ?? `submission ${released}`} may start`);
          } else {
            break;
          }
        }
        const what = e.kind === 'complete' ? 'done' : `FAILED (${e.error.code}: ${e.error.message})`;
        say(e.ts, `${queueName(s.lane)}: ${s.name} ${what}${consequences.map((c) => ` → ${c}`).join('')}`);
        break;
      }
      default:
        break;
    }
  }
  return lines;
}
