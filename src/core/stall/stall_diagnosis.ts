/**
 * Stall diagnosis: when nothing can make progress on its own — no device work in flight, no timed wait armed — yet
 * submissions are pending or the host waits, this says who waits for what: each pending submission and host wait,
 * the value it needs and the current one, which pending submissions could signal it, and a wait cycle if there is
 * one. It is plain data (schedule explorers treat a stall as a failed schedule) and one message (the HalError that
 * settles stalled host waits).
 *
 * Only semaphore edges count. Submissions on one queue are not ordered with each other (rule 4), so there is no
 * first-in-first-out edge to follow, and the host could still signal any semaphore: a stall is final only when the
 * host has nothing left to run (Node's beforeExit, or a test that knows its scenario is done).
 */
import type { Semaphore } from '../semaphore/semaphore.js';
import type { Submission } from '../scheduler/submission.js';
import { signalsStart } from '../scheduler/sync_list.js';
import type { OutstandingHostWait } from './stall_watch.js';

/** One wait that is not reached. */
export interface StalledWait {
  readonly semaphore: string;
  readonly needed: bigint;
  readonly current: bigint;
  /** Ids (`StalledSubmission.id`) of the pending submissions that would signal at least `needed`. Empty: only the host could. */
  readonly signaledBy: readonly number[];
}

export interface StalledSubmission {
  /** 1, 2, ... in submission order among the pending ones. */
  readonly id: number;
  readonly queue: number;
  /** The operation: execute, fill, read, ... */
  readonly op: string;
  /** Its waits that are not reached. */
  readonly waits: readonly StalledWait[];
  readonly signals: readonly { readonly semaphore: string; readonly value: bigint }[];
}

export interface StalledHostWait {
  readonly mode: 'all' | 'any';
  /** Its entries that are not reached. */
  readonly waits: readonly StalledWait[];
}

export interface StallDiagnosis {
  readonly device: string;
  readonly submissions: readonly StalledSubmission[];
  readonly hostWaits: readonly StalledHostWait[];
  /** Queue operations the host awaits (reads, uploads) among the pending submissions. */
  readonly awaitedOperations: number;
  /** Submissions handed to the device and not finished (non-zero only when nobody advances the device: a manual-mode simulator nobody steps). */
  readonly inFlight: number;
  /** Ids of pending submissions that wait on each other in a circle (each on a value only the next would signal), or undefined. */
  readonly cycle: readonly number[] | undefined;
  /** All of the above in words, one line per submission or wait. */
  readonly message: string;
}

export interface StallState {
  readonly device: string;
  /** Pending submissions in submission order. */
  readonly pending: readonly Submission[];
  readonly hostWaits: Iterable<OutstandingHostWait>;
  readonly inFlight: number;
  readonly awaitedOperations: number;
}

/**
 * The diagnosis of `state`, or undefined when it is not stalled: work is in flight on a device that advances by
 * itself (`inFlightAdvances`), a timed wait will fire, or nothing waits at all.
 */
export function diagnoseStall(state: StallState, inFlightAdvances: boolean): StallDiagnosis | undefined {
  const hostWaits = [...state.hostWaits];
  if (state.inFlight > 0 && inFlightAdvances) return undefined;
  if (hostWaits.some((w) => w.timed)) return undefined;
  if (state.pending.length === 0 && hostWaits.length === 0) return undefined;

  const ids = new Map<Submission, number>();
  state.pending.forEach((s, i) => ids.set(s, i + 1));
  const signalersOf = (semaphore: Semaphore, needed: bigint): number[] => {
    const out: number[] = [];
    for (const s of state.pending) {
      const sync = s.sync;
      for (let i = signalsStart(sync); i < sync.length; i += 2) {
        if (sync[i] === semaphore && (sync[i + 1] as bigint) >= needed) {
          out.push(ids.get(s)!);
          break;
        }
      }
    }
    return out;
  };
  const stalledWait = (semaphore: Semaphore, needed: bigint): StalledWait => ({
    semaphore: semaphore.label,
    needed,
    current: semaphore.currentValue,
    signaledBy: signalersOf(semaphore, needed),
  });

  const submissions: StalledSubmission[] = state.pending.map((s) => {
    const sync = s.sync;
    const end = signalsStart(sync);
    const waits: StalledWait[] = [];
    for (let i = 1; i < end; i += 2) {
      const semaphore = sync[i] as Semaphore;
      const needed = sync[i + 1] as bigint;
      if (semaphore.currentValue < needed) waits.push(stalledWait(semaphore, needed));
    }
    const signals = [];
    for (let i = end; i < sync.length; i += 2) signals.push({ semaphore: (sync[i] as Semaphore).label, value: sync[i + 1] as bigint });
    return { id: ids.get(s)!, queue: s.queue.index, op: s.work.kind, waits, signals };
  });
  const stalledHostWaits: StalledHostWait[] = hostWaits.map((w) => ({
    mode: w.mode,
    waits: w.entries.filter((e) => e.semaphore.currentValue < e.value).map((e) => stalledWait(e.semaphore, e.value)),
  }));
  const cycle = findCycle(submissions);
  const diagnosis = {
    device: state.device,
    submissions,
    hostWaits: stalledHostWaits,
    awaitedOperations: state.awaitedOperations,
    inFlight: state.inFlight,
    cycle,
  };
  return { ...diagnosis, message: describeStall(diagnosis) };
}

/** A cycle in "submission → a pending submission that would signal one of its waits", by depth-first search. */
function findCycle(submissions: readonly StalledSubmission[]): number[] | undefined {
  const byId = new Map(submissions.map((s) => [s.id, s]));
  const state = new Map<number, 'open' | 'done'>();
  const path: number[] = [];
  const visit = (id: number): number[] | undefined => {
    state.set(id, 'open');
    path.push(id);
    for (const wait of byId.get(id)!.waits) {
      for (const next of wait.signaledBy) {
        const seen = state.get(next);
        if (seen === 'open') return [...path.slice(path.indexOf(next)), next];
        if (seen === undefined) {
          const found = visit(next);
          if (found) return found;
        }
      }
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const s of submissions) {
    if (state.has(s.id)) continue;
    const found = visit(s.id);
    if (found) return found;
  }
  return undefined;
}

function waitText(w: StalledWait): string {
  const who = w.signaledBy.length > 0
    ? `could be signaled by ${w.signaledBy.map((id) => `#${id}`).join(', ')}`
    : 'no pending submission signals it (only the host could)';
  return `${w.semaphore} ≥ ${w.needed}n (now ${w.current}n): ${who}`;
}

function describeStall(d: Omit<StallDiagnosis, 'message'>): string {
  const lines = [
    `device ${d.device} is stalled: nothing can run or time out, yet ${d.hostWaits.length} host wait(s) and ` +
      `${d.submissions.length} pending submission(s) wait for values nobody is going to signal` +
      (d.inFlight > 0 ? ` (${d.inFlight} submission(s) are in flight on a simulator in manual mode that nobody steps)` : ''),
  ];
  for (const w of d.hostWaits) {
    lines.push(`  host wait (${w.mode}) for ${w.waits.map(waitText).join(w.mode === 'all' ? '; and ' : '; or ')}`);
  }
  for (const s of d.submissions) {
    const waits = s.waits.map(waitText).join('; and ');
    lines.push(`  #${s.id} ${s.op} on queue ${s.queue} waits for ${waits}`);
  }
  if (d.cycle) {
    lines.push(`  wait cycle: ${d.cycle.map((id) => `#${id}`).join(' → ')} (each waits on a value only the next would signal)`);
  }
  return lines.join('\n');
}
