/**
 * Shrinking: from a failing schedule to one with the fewest deviations from the default order that still fails
 * the same way.
 *
 * 1. Happens-before pass: a deviation that took an event which commutes with every event it was taken over (no
 *    conflicting access, not both host-visible) cannot change what any later event sees on its own, so all such
 *    deviations are reset together in one run (kept only if the run still fails the same way).
 * 2. Delta debugging over the rest: reset chunks of deviations, halving the chunk size down to one; every run that
 *    still fails replaces the schedule with the picks that run actually made (a reset can move later choices), so
 *    the result is always a schedule that was really run.
 * Stops early at a time budget; the schedule found so far is still a real failing one.
 */
import { independent } from '../backends/sim/deferred_writes.js';
import { deviations, trimPicks, type RecordedChoice } from './choices.js';

export interface ShrinkRun {
  /** Whether the run failed the same way. */
  readonly same: boolean;
  /** The picks it made and the choices it recorded. */
  readonly picks: readonly number[];
  readonly choices: readonly RecordedChoice[];
}

export interface ShrinkResult {
  readonly picks: number[];
  readonly choices: readonly RecordedChoice[];
  readonly runs: number;
  readonly ms: number;
  /** False when the time budget ran out first. */
  readonly complete: boolean;
}

/** Deviations whose chosen event commutes with each option ranked before it. */
export function commutingDeviations(choices: readonly RecordedChoice[]): number[] {
  const out: number[] = [];
  choices.forEach((c, i) => {
    if (c.pick === 0 || c.kind !== 'event') return;
    const taken = c.options[c.pick]!.footprint;
    let commutes = true;
    for (let j = 0; j < c.pick && commutes; j++) commutes = independent(taken, c.options[j]!.footprint);
    if (commutes) out.push(i);
  });
  return out;
}

export async function shrinkSchedule(
  picks: readonly number[],
  choices: readonly RecordedChoice[],
  run: (picks: readonly number[]) => Promise<ShrinkRun>,
  budgetMs: number,
): Promise<ShrinkResult> {
  const t0 = performance.now();
  let best = trimPicks(picks);
  let bestChoices = choices;
  let runs = 0;
  const outOfTime = (): boolean => performance.now() - t0 > budgetMs;
  const attempt = async (reset: readonly number[]): Promise<boolean> => {
    const candidate = best.slice();
    for (const i of reset) candidate[i] = 0;
    runs++;
    const result = await run(trimPicks(candidate));
    if (!result.same) return false;
    const next = trimPicks(result.picks);
    // Only accept progress: fewer deviations (a reset may have shifted choices and added some back).
    if (deviations(next).length >= deviations(best).length) return false;
    best = next;
    bestChoices = result.choices;
    return true;
  };

  const commuting = commutingDeviations(bestChoices);
  if (commuting.length > 0 && commuting.length < deviations(best).length) await attempt(commuting);

  let chunk = Math.max(1, Math.floor(deviations(best).length / 2));
  while (!outOfTime()) {
    const devs = deviations(best);
    if (devs.length === 0) break;
    if (chunk > devs.length) chunk = devs.length;
    let progressed = false;
    for (let start = devs.length - chunk; start > -chunk && !outOfTime(); start -= chunk) {
      if (await attempt(devs.slice(Math.max(0, start), start + chunk))) {
        progressed = true;
        break;
      }
    }
    if (progressed) continue;
    if (chunk === 1) break;
    chunk = Math.max(1, Math.floor(chunk / 2));
  }
  return { picks: best, choices: bestChoices, runs, ms: performance.now() - t0, complete: !outOfTime() };
}
