/**
 * Shrinking: from a failing schedule to one with the fewest deviations from the default order that still fails
 * the same way.
 *
 * A schedule is shrunk as the list of events its deviations chose, replayed by identity (KeyedPicker), so
 * dropping one deviation leaves the others aimed at the same events.
 * 1. Happens-before pass: a deviation that took an event which commutes with every event it was taken over (no
 *    conflicting access, not both host-visible) cannot change what any later event sees on its own, so all such
 *    deviations are dropped together in one run (kept dropped only if the run still fails the same way).
 * 2. Delta debugging over the rest: drop chunks of deviations, halving the chunk size down to one, then pairs
 *    (deviations that only matter together). Every run that
 *    still fails with fewer deviations becomes the schedule (its recorded choices, so the result is always a
 *    schedule that really ran and replays positionally from its token).
 * 3. Fewer deviations elsewhere: dropping deviations cannot turn one schedule into a different, smaller one that
 *    fails the same way; so every schedule with one deviation, then two, then three, is tried while that is fewer
 *    than what is left (the search stops at the first failing one; a small scenario needs tens to a few hundred
 *    runs).
 * Stops early at a time budget; the schedule found so far is still a real failing one.
 */
import { independent } from '../backends/sim/deferred_writes.js';
import { KeyedPicker, ReplayPicker, deviationKeys, trimPicks, type Picker, type RecordedChoice } from './choices.js';

export interface ShrinkRun {
  /** Whether the run failed the same way. */
  readonly same: boolean;
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

/** Positions (among the deviations) whose chosen event commutes with each option ranked before it. */
export function commutingDeviations(choices: readonly RecordedChoice[]): number[] {
  const out: number[] = [];
  let n = 0;
  for (const c of choices) {
    if (c.pick === 0) continue;
    if (c.kind === 'event') {
      const taken = c.options[c.pick]!.footprint;
      let commutes = true;
      for (let j = 0; j < c.pick && commutes; j++) commutes = independent(taken, c.options[j]!.footprint);
      if (commutes) out.push(n);
    }
    n++;
  }
  return out;
}

export async function shrinkSchedule(
  picks: readonly number[],
  choices: readonly RecordedChoice[],
  run: (picker: Picker) => Promise<ShrinkRun>,
  budgetMs: number,
): Promise<ShrinkResult> {
  const t0 = performance.now();
  let bestPicks = trimPicks(picks);
  let bestChoices = choices;
  let best = deviationKeys(choices);
  let runs = 0;
  const outOfTime = (): boolean => performance.now() - t0 > budgetMs;
  const attempt = async (drop: ReadonlySet<number>): Promise<boolean> => {
    runs++;
    const result = await run(new KeyedPicker(best.filter((_, i) => !drop.has(i))));
    if (!result.same) return false;
    const keys = deviationKeys(result.choices);
    if (keys.length >= best.length) return false;
    best = keys;
    bestPicks = trimPicks(result.picks);
    bestChoices = result.choices;
    return true;
  };

  const commuting = commutingDeviations(bestChoices);
  if (commuting.length > 0 && commuting.length < best.length) await attempt(new Set(commuting));

  let chunk = Math.max(1, Math.floor(best.length / 2));
  while (!outOfTime() && best.length > 0) {
    if (chunk > best.length) chunk = best.length;
    let progressed = false;
    for (let start = best.length - chunk; start > -chunk && !outOfTime(); start -= chunk) {
      const drop = new Set<number>();
      for (let i = Math.max(0, start); i < start + chunk; i++) drop.add(i);
      if (await attempt(drop)) {
        progressed = true;
        break;
      }
    }
    if (progressed) continue;
    if (chunk > 1) {
      chunk = Math.max(1, Math.floor(chunk / 2));
      continue;
    }
    // Single drops are exhausted: deviations that only matter together are dropped in pairs.
    pairs: for (let i = 0; i < best.length && !outOfTime(); i++) {
      for (let j = i + 1; j < best.length && !outOfTime(); j++) {
        if (await attempt(new Set([i, j]))) {
          progressed = true;
          break pairs;
        }
      }
    }
    if (!progressed) break;
  }
  // Breadth first over schedules with fewer deviations than the best so far: all with one, then all with two.
  for (let level = 1; level < best.length && level <= 3 && !outOfTime(); level++) {
    runs++;
    const found = await fewerDeviations([], (await run(new ReplayPicker([]))).choices, 0, level);
    if (found !== null) {
      best = deviationKeys(found.choices);
      bestPicks = trimPicks(found.picks);
      bestChoices = found.choices;
      break;
    }
  }
  async function fewerDeviations(prefix: readonly number[], prefixChoices: readonly RecordedChoice[], from: number, left: number): Promise<ShrinkRun | null> {
    for (let i = from; i < prefixChoices.length; i++) {
      for (let j = 1; j < prefixChoices[i]!.options.length; j++) {
        if (outOfTime()) return null;
        const picks = prefix.slice();
        while (picks.length < i) picks.push(0);
        picks[i] = j;
        runs++;
        const result = await run(new ReplayPicker(picks));
        if (left === 1) {
          if (result.same && deviationKeys(result.choices).length < best.length) return result;
        } else {
          const deeper = await fewerDeviations(picks, result.choices, i + 1, left - 1);
          if (deeper !== null) return deeper;
        }
      }
    }
    return null;
  }
  return { picks: bestPicks, choices: bestChoices, runs, ms: performance.now() - t0, complete: !outOfTime() };
}
