/**
 * Exploration strategies: how the next schedule's choices are picked.
 *
 * - random: every choice uniformly at random from the schedule's own seed.
 * - pct: probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010). Each stream is a thread with a
 *   random priority; the enabled event of the highest-priority stream goes next; at d−1 random steps (of the k a
 *   run takes) the running stream's priority drops below every other. A bug of depth d is found by one schedule
 *   with probability ≥ 1 / (n·k^(d−1)) for n streams, whatever the program.
 * - exhaustive (exhaustive.ts): every schedule, pruning orders that only swap commuting events.
 */
import type { SimChoice } from '../backends/sim/schedule_source.js';
import type { Picker } from './choices.js';
import { seededRandom } from '../util/seeded_random.js';

/** The seed of schedule `index` of an exploration seeded with `seed`: each schedule has its own source. */
export function scheduleSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

export class RandomPicker implements Picker {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  pick(choice: SimChoice): number {
    return Math.floor(this.random() * choice.options.length);
  }
}

/** Timer firings in a row PCT allows before it lets the streams run (see pick). */
const MAX_TIMER_RUN = 8;

export class PctPicker implements Picker {
  private readonly random: () => number;
  private readonly priorities = new Map<number, number>();
  /** Event-choice counts at which a priority change happens, the i-th lowering to priority depth − 1 − i. */
  private readonly changePoints: number[];
  private steps = 0;
  /** Consecutive event picks that fired a timer. */
  private timerRun = 0;

  /** `steps`: how many event choices a run of the scenario takes (estimated from earlier runs). */
  constructor(seed: number, private readonly depth: number, steps: number) {
    this.random = seededRandom(seed);
    this.changePoints = [];
    for (let i = 0; i < depth - 1; i++) this.changePoints.push(1 + Math.floor(this.random() * Math.max(1, steps)));
  }

  pick(choice: SimChoice): number {
    if (choice.kind !== 'event') return Math.floor(this.random() * choice.options.length);
    this.steps++;
    let best = this.highest(choice);
    // A timeout that is re-armed each time it fires is a new thread each time; once a stream's priority has been
    // lowered, every fresh timer would outrank it forever. After a run of timer picks, the streams get a turn.
    if (choice.options[best]!.kind === 'timer') {
      if (++this.timerRun > MAX_TIMER_RUN) {
        const other = this.highest(choice, true);
        if (other >= 0) best = other;
      }
    }
    if (choice.options[best]!.kind !== 'timer') this.timerRun = 0;
    // How far the chosen stream's running operation got is not a matter of priority: its completion or the next
    // piece of its writes, at random.
    if (choice.options[best]!.kind === 'complete') {
      const stream = choice.options[best]!.stream;
      const part = choice.options.findIndex((o) => o.kind === 'part' && o.stream === stream);
      if (part >= 0 && this.random() < 0.5) best = part;
    }
    const change = this.changePoints.indexOf(this.steps);
    if (change >= 0) {
      // Lowered below every initial priority (those are ≥ depth), in change-point order.
      this.priorities.set(choice.options[best]!.stream, this.depth - 1 - change);
      best = this.highest(choice);
    }
    return best;
  }

  private priority(stream: number): number {
    let p = this.priorities.get(stream);
    if (p === undefined) {
      p = this.depth + this.random();
      this.priorities.set(stream, p);
    }
    return p;
  }

  /** The option of the highest-priority thread (skipping timers when asked; -1 when nothing is left). */
  private highest(choice: SimChoice, skipTimers = false): number {
    let best = skipTimers ? -1 : 0;
    let bestPriority = -Infinity;
    for (let i = 0; i < choice.options.length; i++) {
      if (skipTimers && choice.options[i]!.kind === 'timer') continue;
      const p = this.priority(choice.options[i]!.stream);
      if (p > bestPriority) {
        bestPriority = p;
        best = i;
      }
    }
    return best;
  }
}
