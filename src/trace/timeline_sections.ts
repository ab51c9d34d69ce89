/**
 * The text under the terminal timeline's lanes: which signal released which wait (grouped by signal, so a fan-out
 * reads as one line), the failure chain in order, each semaphore's value steps, and a legend of the symbols used.
 */
import type { TraceTime } from './model.js';
import { SYMBOL, pad, wrap } from './text_grid.js';
import type { DependencySource, Timeline, TimelineSubmission } from './timeline.js';

export function dependencySection(timeline: Timeline, semName: (id: number) => string, at: (t: TraceTime) => string, width: number): string[] {
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

export function failureSection(timeline: Timeline, semName: (id: number) => string, at: (t: TraceTime) => string, width: number): string[] {
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

/** The races the race checker reported, in the order found, each with the edge that would order the pair. */
export function raceSection(timeline: Timeline, width: number): string[] {
  if (timeline.races.length === 0) return [];
  const side = (id: number | null): string => {
    const sub = id === null ? undefined : submissionById(timeline, id);
    return sub === undefined ? 'the host' : describeSubmission(sub, timeline);
  };
  const lines = ['', ...wrap('Races the race checker reported (nothing orders the two; the fix names the missing edge):', width, 2)];
  for (const race of timeline.races) {
    const pair = race.first === race.second ? `commands of ${side(race.first)}` : `${side(race.first)} and ${side(race.second)}`;
    lines.push(...wrap(`${SYMBOL.race} ${race.race}: ${pair}; fix: ${race.fix}`, width, 4));
  }
  return lines;
}

export function semaphoreSection(timeline: Timeline, semName: (id: number) => string, at: (t: TraceTime) => string, width: number): string[] {
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
  race: '! in a race the race checker reported',
  cursor: '▼│ now',
  baseline: '─0──1─ semaphore value where it changes',
};

export function legend(used: Set<keyof typeof SYMBOL>, width: number): string[] {
  const parts = (Object.keys(LEGEND) as (keyof typeof SYMBOL)[]).filter((key) => used.has(key)).map((key) => LEGEND[key]!);
  if (parts.length === 0) return [];
  return ['', ...wrap(`Legend: ${parts.join('   ')}`, width, 8)];
}

// --- text helpers ------------------------------------------------------------------------------------------------

export function semaphoreNamer(timeline: Timeline): (id: number) => string {
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
