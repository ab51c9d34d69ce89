/**
 * `gpuhal explore <file>`: explores the scenarios a module exports (gpuhal/testing), or replays one from a token.
 *
 * The module exports scenarios as `scenarios` (a record of name → scenario), as its default export (a scenario or
 * such a record), or as named exports that are scenario objects ({ run(context) }). Exit status: 0 when no
 * schedule failed (a replay that passes), 1 when one did, 2 on a usage error.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HalError } from '../core/errors.js';
import { replay, runExploration, type ExploreResult, type Scenario, type Strategy } from '../testing/index.js';

export const EXPLORE_USAGE = `usage: gpuhal explore <file> [--scenario <name>] [--schedules <n>] [--strategy random|pct|exhaustive]
                     [--depth <d>] [--seed <n>] [--time-budget <ms>] [--kernel-thread-order <o>]
                     [--replay <token>] [--json]

  <file>               a JavaScript module exporting scenarios (\`scenarios\`, the default export, or named
                       exports with a run(context) function)
  --scenario <name>    only this scenario (default: every one the module exports)
  --schedules <n>      schedules per scenario (default 1000)
  --strategy <s>       random (default), pct, or exhaustive
  --depth <d>          pct: the bug depth (default 3)
  --seed <n>           the exploration's seed (default 1)
  --time-budget <ms>   stop each scenario's exploration after this many milliseconds
  --kernel-thread-order <o>
                       which workgroups of a HIP-C kernel run their threads in a seeded order: sampled (the
                       default: all of a launch of at most 16, a sample of larger ones) or every-workgroup
                       (slower; finds a race confined to one workgroup of a large launch sooner)
  --replay <token>     run one schedule from a failure's replay token (needs one scenario)
  --json               print the results as JSON
`;

function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && typeof (value as Scenario).run === 'function';
}

/** The scenarios a module exports, by name. */
export function scenariosOf(module: Record<string, unknown>): Map<string, Scenario> {
  const found = new Map<string, Scenario>();
  const addRecord = (record: unknown): void => {
    if (typeof record !== 'object' || record === null) return;
    for (const [name, value] of Object.entries(record)) if (isScenario(value)) found.set(value.name ?? name, value);
  };
  addRecord(module.scenarios);
  const fallback = module.default;
  if (isScenario(fallback)) found.set(fallback.name ?? 'default', fallback);
  else addRecord(fallback);
  for (const [name, value] of Object.entries(module)) {
    if (name !== 'default' && name !== 'scenarios' && isScenario(value)) found.set(value.name ?? name, value);
  }
  return found;
}

function usage(message: string, err: (line: string) => void): number {
  err(`gpuhal explore: ${message}\n\n${EXPLORE_USAGE}`);
  return 2;
}

function integer(name: string, raw: string | undefined, min: number): number | string | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(n) || n < min) return `--${name} must be an integer ≥ ${min} (got ${JSON.stringify(raw)})`;
  return n;
}

function resultJson(result: ExploreResult): unknown {
  const f = result.failure;
  return {
    scenario: result.scenario, strategy: result.strategy, schedules: result.schedules, elapsedMs: Math.round(result.elapsedMs),
    exhausted: result.exhausted,
    failure: f === null ? null : {
      kind: f.failure.kind, message: f.failure.message, schedule: f.schedule, token: f.token, originalToken: f.originalToken,
      decisive: f.decisive, shrink: f.shrink, faults: f.faults,
    },
  };
}

export async function exploreCommand(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        scenario: { type: 'string' }, schedules: { type: 'string' }, strategy: { type: 'string' }, depth: { type: 'string' },
        seed: { type: 'string' }, 'time-budget': { type: 'string' }, replay: { type: 'string' }, json: { type: 'boolean' },
        'kernel-thread-order': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error), err);
  }
  const v = parsed.values;
  if (v.help) {
    out(EXPLORE_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) return usage(parsed.positionals.length === 0 ? 'a module file is required' : `unexpected argument ${JSON.stringify(parsed.positionals[1])}`, err);
  const strategy = (v.strategy ?? 'random') as Strategy;
  if (!['random', 'pct', 'exhaustive'].includes(strategy)) return usage(`--strategy must be random, pct or exhaustive (got ${JSON.stringify(v.strategy)})`, err);
  const numbers = { schedules: integer('schedules', v.schedules, 1), depth: integer('depth', v.depth, 1), seed: integer('seed', v.seed, 0), timeBudgetMs: integer('time-budget', v['time-budget'], 1) };
  for (const value of Object.values(numbers)) if (typeof value === 'string') return usage(value, err);
  if (v.depth !== undefined && strategy !== 'pct') return usage('--depth applies to --strategy pct only', err);
  const threadOrder = v['kernel-thread-order'];
  if (threadOrder !== undefined && threadOrder !== 'sampled' && threadOrder !== 'every-workgroup') {
    return usage(`--kernel-thread-order must be sampled or every-workgroup (got ${JSON.stringify(threadOrder)})`, err);
  }
  // Device options every schedule (and a replay) runs with; a replay command carries the flag that made them.
  const device = threadOrder === undefined ? {} : { device: { sim: { kernelThreadOrder: threadOrder as 'sampled' | 'every-workgroup' } } };
  const replayFlags = threadOrder === undefined ? '' : ` --kernel-thread-order ${threadOrder}`;

  const file = parsed.positionals[0]!;
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (error) {
    err(`gpuhal explore: cannot load ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const all = scenariosOf(module);
  if (all.size === 0) return usage(`${file} exports no scenarios (objects with a run(context) function)`, err);
  let selected = [...all.values()];
  if (v.scenario !== undefined) {
    const one = all.get(v.scenario);
    if (one === undefined) return usage(`${file} has no scenario ${JSON.stringify(v.scenario)} (scenarios: ${[...all.keys()].join(', ')})`, err);
    selected = [one];
  }

  if (v.replay !== undefined) {
    if (selected.length !== 1) return usage(`--replay needs one scenario: add --scenario (scenarios: ${[...all.keys()].join(', ')})`, err);
    const scenario = selected[0]!;
    let result;
    try {
      result = await replay(scenario, v.replay, device);
    } catch (error) {
      if (HalError.is(error)) return usage(error.message, err);
      throw error;
    }
    if (v.json) {
      out(JSON.stringify({ scenario: scenario.name, token: v.replay, failure: result.failure && { kind: result.failure.kind, message: result.failure.message }, decisive: result.decisive, mismatches: result.mismatches }, null, 2));
    } else {
      out(result.failure === null ? `replay ${v.replay}: scenario "${scenario.name}" passes` : `replay ${v.replay}: scenario "${scenario.name}" fails\n  ${result.failure.kind}: ${result.failure.message.split('\n')[0]}`);
      for (const d of result.decisive) out(`    - ${d}`);
      if (result.mismatches > 0) out(`  note: ${result.mismatches} choice(s) of the token did not fit this scenario (was it changed?)`);
    }
    return result.failure === null ? 0 : 1;
  }

  const progress = process.stderr.isTTY === true && !v.json;
  const results: ExploreResult[] = [];
  for (const scenario of selected) {
    const name = scenario.name ?? 'scenario';
    const result = await runExploration(scenario, {
      strategy,
      ...device,
      ...(numbers.schedules !== undefined ? { schedules: numbers.schedules as number } : {}),
      ...(numbers.depth !== undefined ? { depth: numbers.depth as number } : {}),
      ...(numbers.seed !== undefined ? { seed: numbers.seed as number } : {}),
      ...(numbers.timeBudgetMs !== undefined ? { timeBudgetMs: numbers.timeBudgetMs as number } : {}),
      ...(progress ? { onProgress: (p: { schedules: number; elapsedMs: number }) => {
        process.stderr.write(`\r  ${name}: ${p.schedules} schedules, ${Math.round(p.schedules / (p.elapsedMs / 1000))}/s `);
      } } : {}),
    });
    if (progress) process.stderr.write('\r\x1b[K');
    results.push(result);
    if (v.json) continue;
    if (result.failure === null) {
      out(`ok   ${name}: ${result.schedules} schedules (${strategy}${result.exhausted ? ', every schedule' : ''}) in ${Math.round(result.elapsedMs)} ms, no failure`);
    } else {
      out(`FAIL ${name}`);
      out(result.failure.text.replace('<file>', file).replace(`--replay ${result.failure.token}`, `--replay ${result.failure.token}${replayFlags}`));
    }
  }
  if (v.json) out(JSON.stringify(results.map(resultJson), null, 2));
  return results.some((r) => r.failure !== null) ? 1 : 0;
}
