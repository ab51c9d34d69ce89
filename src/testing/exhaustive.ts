/**
 * Exhaustive exploration with sleep sets (Godefroid 1996), stateless: every schedule is a re-execution of the
 * scenario, steered down a depth-first tree of choices.
 *
 * At each event choice, options already explored there, and options asleep in the parent, stay asleep in the
 * child while they commute with the event just taken (same footprint rules as the simulator reports: starts read,
 * completions write, host-visible events never commute with each other). A sleeping option is not taken again,
 * so two schedules that differ only by swapping commuting events are run once. A run whose every enabled option
 * is asleep is redundant: it finishes on the default order and adds nothing below.
 */
import { independent } from '../backends/sim/deferred_writes.js';
import type { SimChoice, SimChoiceOption, SimFootprint } from '../backends/sim/schedule_source.js';
import type { Picker } from './choices.js';

interface Node {
  readonly kind: SimChoice['kind'];
  readonly options: readonly SimChoiceOption[];
  /** Asleep on entry: key → footprint. */
  readonly sleep: ReadonlyMap<string, SimFootprint>;
  readonly done: number[];
  current: number;
}

export class ExhaustiveSearch {
  private readonly stack: Node[] = [];
  private started = false;
  /** True once every schedule not pruned has run. */
  finished = false;
  /** Runs that found every option asleep somewhere (pruned below that point). */
  redundantRuns = 0;

  /** `prune: false` visits every order, commuting swaps included (to measure what sleep sets save). */
  constructor(private readonly prune = true) {}

  /** The picker for the next schedule; null once the tree is exhausted. */
  next(): Picker | null {
    if (this.started && !this.backtrack()) {
      this.finished = true;
      return null;
    }
    this.started = true;
    return new TreePicker(this);
  }

  /** Called by the picker: the pick at depth `index` of the current run. */
  pickAt(choice: SimChoice, index: number, run: TreePicker): number {
    if (index < this.stack.length) {
      const node = this.stack[index]!;
      // The same path must lead to the same choice; a scenario that is not deterministic ends the search here.
      return node.current < choice.options.length ? node.current : 0;
    }
    if (run.blocked || index > this.stack.length) return 0;
    const sleep = index === 0 || !this.prune ? new Map<string, SimFootprint>() : childSleep(this.stack[index - 1]!);
    const awake = choice.options.findIndex((o) => !sleep.has(o.key));
    if (awake < 0) {
      run.blocked = true;
      this.redundantRuns++;
      return 0;
    }
    this.stack.push({ kind: choice.kind, options: choice.options, sleep, done: [], current: awake });
    return awake;
  }

  /** Moves to the deepest node with an untried, awake option; false when there is none. */
  private backtrack(): boolean {
    while (this.stack.length > 0) {
      const node = this.stack[this.stack.length - 1]!;
      node.done.push(node.current);
      for (let j = 0; j < node.options.length; j++) {
        if (node.done.includes(j) || node.sleep.has(node.options[j]!.key)) continue;
        node.current = j;
        return true;
      }
      this.stack.pop();
    }
    return false;
  }
}

class TreePicker implements Picker {
  blocked = false;

  constructor(private readonly search: ExhaustiveSearch) {}

  pick(choice: SimChoice, index: number): number {
    return this.search.pickAt(choice, index, this);
  }
}

/** What stays asleep below `node` after it takes its current option. */
function childSleep(node: Node): Map<string, SimFootprint> {
  if (node.kind !== 'event') return new Map(node.sleep);
  const taken = node.options[node.current]!;
  const sleep = new Map<string, SimFootprint>();
  for (const [key, footprint] of node.sleep) {
    if (key !== taken.key && independent(footprint, taken.footprint)) sleep.set(key, footprint);
  }
  for (const j of node.done) {
    const o = node.options[j]!;
    if (independent(o.footprint, taken.footprint)) sleep.set(o.key, o.footprint);
  }
  return sleep;
}
