/**
 * The race checker, proven the way race detectors are validated: every correct program the project has is run
 * once as written and then once per mutant — each semaphore wait (of a queue operation, or a host wait) and each
 * execution barrier deleted, one at a time. An independent brute-force oracle (oracle/happens_before_oracle.ts, a
 * transitive closure over the tapped operation graph) decides whether a run leaves two conflicting accesses (or two
 * signals, or a use and a lifetime edge) unordered; the checker must report exactly those runs: no miss, no false
 * report. Many deletions leave the program race-free (another edge still orders the pair), which is why the oracle,
 * not the deletion, decides.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { judge } from './oracle/happens_before_oracle.js';
import { tapProgram, type Mutation } from './oracle/program_tap.js';
import {
  allScenarios, differentialScenarios, exampleScenarios, lessonScenarios, lifetimeScenarios, removeScenarioFiles, tutorialScenarios, type Scenario,
} from './oracle/scenarios.js';

interface Tally {
  scenario: string;
  mutants: number;
  expected: number;
  reported: number;
  missed: string[];
  falseReports: string[];
  originalRacy: boolean;
}

const tallies: Tally[] = [];
const FULL = process.env.GPUHAL_MUTATION_FULL === '1';
/** Without GPUHAL_MUTATION_FULL=1, at most about this many mutants per program (an even spread over its sites). */
const SAMPLED_MUTANTS = 30;

afterAll(() => {
  removeScenarioFiles();
  const sum = (f: (t: Tally) => number): number => tallies.reduce((n, t) => n + f(t), 0);
  const lines = tallies.map((t) => `${t.scenario}: ${t.mutants} mutants, ${t.expected} racy, ${t.reported} reported, ${t.missed.length} missed, ${t.falseReports.length} false${t.originalRacy ? ' (original racy)' : ''}`);
  lines.push(
    `TOTAL: ${tallies.length} programs, ${sum((t) => t.mutants)} mutants, ${sum((t) => t.expected)} races expected, ${sum((t) => t.reported)} reported, ` +
      `${sum((t) => t.missed.length)} missed, ${sum((t) => t.falseReports.length)} false reports`,
  );
  // The numbers docs/design.md quotes; printed so a run shows them.
  process.stdout.write(`\nrace checker mutation results\n${lines.join('\n')}\n`);
});

async function verdict(scenario: Scenario, mutation: Mutation) {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  // A mutant is another program: with a host wait deleted, a program's own floating promises may reject (a query
  // after its device was destroyed). Those rejections belong to the mutant, not to this suite: absorbed while it runs.
  const listeners = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', () => {});
  try {
    const run = await tapProgram(scenario.run, mutation);
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { run, oracle: judge(run.events) };
  } finally {
    process.removeAllListeners('unhandledRejection');
    for (const listener of listeners) process.on('unhandledRejection', listener);
    log.mockRestore();
  }
}

describe('mutation proof of the race checker', () => {
  // A source of programs that silently yields none (say, the tutorial's code fences change language) would shrink the
  // proof without failing it.
  it('draws programs from every source: lessons, the README example, the tutorial, lifetimes, differential workloads', () => {
    expect(lessonScenarios().length).toBeGreaterThanOrEqual(4);
    expect(exampleScenarios()).toHaveLength(1);
    expect(tutorialScenarios().length).toBeGreaterThanOrEqual(15);
    expect(lifetimeScenarios().length).toBeGreaterThanOrEqual(2);
    expect(differentialScenarios().length).toBeGreaterThanOrEqual(8);
  });

  it.each(allScenarios().map((s) => [s.name, s] as const))('%s: the checker agrees with the oracle on the program and every mutant', async (_, scenario) => {
    const original = await verdict(scenario, {});
    const tally: Tally = { scenario: scenario.name, mutants: 0, expected: 0, reported: 0, missed: [], falseReports: [], originalRacy: original.oracle.defects.length > 0 };
    tallies.push(tally);
    const compare = (what: string, result: Awaited<ReturnType<typeof verdict>>): void => {
      const racy = result.oracle.defects.length > 0;
      const reported = result.run.reports.length > 0;
      if (racy) tally.expected++;
      if (racy && reported) tally.reported++;
      if (racy && !reported) tally.missed.push(`${what}: oracle found ${result.oracle.defects[0]}`);
      if (!racy && reported) tally.falseReports.push(`${what}: ${result.run.reports[0]!.message}`);
    };
    // The original: only the lesson built around a missing semaphore is racy as written.
    compare('original', original);
    // Every mutant with GPUHAL_MUTATION_FULL=1; else an even spread of about SAMPLED_MUTANTS (keeps `npm test` short).
    const sites = original.run.waitSites + original.run.barrierSites;
    const stride = FULL ? 1 : Math.max(1, Math.ceil(sites / SAMPLED_MUTANTS));
    for (let n = 0; n < original.run.waitSites; n += stride) {
      const mutant = await verdict(scenario, { dropWait: n });
      tally.mutants++;
      compare(`without ${mutant.run.removed}`, mutant);
    }
    for (let n = 0; n < original.run.barrierSites; n += stride) {
      const mutant = await verdict(scenario, { dropBarrier: n });
      tally.mutants++;
      compare(`without ${mutant.run.removed}`, mutant);
    }
    expect(tally.missed, 'mutants the oracle calls racy that the checker did not report').toEqual([]);
    expect(tally.falseReports, 'runs the oracle calls race-free that the checker reported').toEqual([]);
  }, 1_800_000);
});
