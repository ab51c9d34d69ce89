/**
 * A schedule as data: the choices one run made, and the source that makes (and records) them.
 *
 * The simulator asks its schedule source at every point the semantics contract leaves open
 * (src/backends/sim/schedule_source.ts). A `RecordingSource` answers from a `Picker` (a strategy, or a replayed
 * list of picks) and keeps every choice with its options, so a failing run can be replayed from its picks,
 * shrunk, and explained. Option 0 is always the default order; a schedule's *deviations* are its non-zero picks.
 */
import type { SimChoice, SimChoiceOption, SimScheduleSource } from '../backends/sim/schedule_source.js';

/** One choice a run made. */
export interface RecordedChoice {
  readonly kind: SimChoice['kind'];
  readonly options: readonly SimChoiceOption[];
  readonly pick: number;
  /** Virtual ns when it was made. */
  readonly time: number;
}

/** Decides choices; `index` is the choice's position in the run (0-based). */
export interface Picker {
  pick(choice: SimChoice, index: number): number;
}

/** Answers the simulator's choices from a picker and records them; stops a run that never ends. */
export class RecordingSource implements SimScheduleSource {
  readonly choices: RecordedChoice[] = [];
  /** Set once the run made more choices than allowed (a livelock): later choices take the default. */
  overLimit = false;

  constructor(
    private readonly picker: Picker,
    private readonly maxChoices: number,
  ) {}

  choose(choice: SimChoice): number {
    const index = this.choices.length;
    if (index >= this.maxChoices) {
      this.overLimit = true;
      return 0;
    }
    let pick = this.picker.pick(choice, index);
    if (!Number.isInteger(pick) || pick < 0 || pick >= choice.options.length) pick = 0;
    this.choices.push({ kind: choice.kind, options: choice.options, pick, time: choice.time });
    return pick;
  }

  /** The picks made, trailing defaults dropped. */
  picks(): number[] {
    return trimPicks(this.choices.map((c) => c.pick));
  }
}

/** Replays a list of picks; past its end (or where a pick no longer fits) the default order. */
export class ReplayPicker implements Picker {
  /** How many picks did not fit the choice they were replayed at (the scenario changed since they were made). */
  mismatches = 0;

  constructor(private readonly picks: readonly number[]) {}

  pick(choice: SimChoice, index: number): number {
    const pick = this.picks[index] ?? 0;
    if (pick >= choice.options.length) {
      this.mismatches++;
      return 0;
    }
    return pick;
  }
}

export function trimPicks(picks: readonly number[]): number[] {
  let end = picks.length;
  while (end > 0 && picks[end - 1] === 0) end--;
  return picks.slice(0, end);
}

/** Positions of the non-default picks. */
export function deviations(picks: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < picks.length; i++) if (picks[i] !== 0) out.push(i);
  return out;
}

/** "stream 2's fill completes before stream 1's copy starts": what a deviation did instead of the default. */
export function describeDeviation(choice: RecordedChoice): string {
  const chosen = choice.options[choice.pick]!;
  // A graph order or a covering signal says what it chose; the default (order #0, the lowest signal) is implied.
  if (choice.kind !== 'event') return chosen.description;
  return `${chosen.description} before ${choice.options[0]!.description}`;
}

/**
 * Replays deviations by what they chose rather than where: at each choice it takes the next listed event as soon
 * as that event is offered, and the default otherwise. Dropping one deviation then leaves the others aimed at the
 * same events, where a positional replay would shift them onto other choices (what shrinking needs).
 */
export class KeyedPicker implements Picker {
  private next = 0;

  constructor(private readonly keys: readonly string[]) {}

  pick(choice: SimChoice): number {
    const key = this.keys[this.next];
    if (key === undefined) return 0;
    const index = choice.options.findIndex((o) => o.key === key);
    if (index < 0) return 0;
    this.next++;
    return index;
  }
}

/** The events a schedule's deviations chose, in order. */
export function deviationKeys(choices: readonly RecordedChoice[]): string[] {
  const keys: string[] = [];
  for (const c of choices) if (c.pick !== 0) keys.push(c.options[c.pick]!.key);
  return keys;
}
