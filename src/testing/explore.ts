/**
 * `explore(scenario, options)`: runs a scenario under many schedules of the simulator and, on the first failing
 * one, shrinks it and reports it with a replay token. `replay(scenario, token)` runs one schedule again.
 *
 * A scenario gets a fresh simulated device per schedule (a pooled driver reset between schedules) and does what
 * a test does: submit, wait, assert. The schedule source (choices.ts) makes every choice the contract leaves
 * open; the strategy (strategies.ts, exhaustive.ts) decides how. The first schedule is always the default order.
 */
import { createDevice, type Device, type DeviceOptions } from '../core/device.js';
import { invalidArgument } from '../core/errors.js';
import { scheduleMacrotask } from '../util/macrotask.js';
import type { SimDriver } from '../backends/sim/driver.js';
import type { FaultPlan } from '../backends/sim/fault_plan.js';
import { RecordingSource, ReplayPicker, deviations, describeDeviation, type Picker, type RecordedChoice } from './choices.js';
import { EXPLORE_BACKEND, ensureRegistered, releaseDriver, requestDriver } from './device_pool.js';
import { ExhaustiveSearch } from './exhaustive.js';
import { classifyError, failureSignature, raceReportCheck, type FailureCheck, type ScheduleFailure } from './failure.js';
import { shrinkSchedule } from './shrink.js';
import { PctPicker, RandomPicker, scheduleSeed } from './strategies.js';
import { decodeReplayToken, encodeToken } from './token.js';
import { describeUnit, planOf, unitsOf, type FaultUnit } from './fault_units.js';
import type { InjectedFault } from '../backends/sim/fault_injector.js';

export interface ScenarioContext {
  /** A fresh simulated device; the explorer drains and destroys it after the scenario (destroying it too is fine). */
  readonly device: Device;
}

export type ScenarioFunction = (context: ScenarioContext) => Promise<void> | void;

/** Device options a scenario may set (the backend is always the explorer's simulator). */
export type ScenarioDeviceOptions = Omit<DeviceOptions, 'backend' | 'seed' | 'hip'>;

export interface Scenario {
  readonly name?: string;
  readonly device?: ScenarioDeviceOptions;
  readonly run: ScenarioFunction;
}

export type ScenarioLike = Scenario | ScenarioFunction;

export type Strategy = 'random' | 'pct' | 'exhaustive';

export interface ExploreProgress {
  readonly schedules: number;
  readonly elapsedMs: number;
}

export interface ExploreOptions {
  /** Most schedules to run (default 1000). Exhaustive stops earlier when every schedule has run. */
  readonly schedules?: number;
  /** Stop after this many milliseconds of wall time, whichever comes first. */
  readonly timeBudgetMs?: number;
  /** 'random' (default), 'pct' or 'exhaustive'. */
  readonly strategy?: Strategy;
  /** PCT's bug depth d (default 3): at most d−1 priority changes per schedule. */
  readonly depth?: number;
  /** The exploration's seed (default 1); schedule i draws from its own seed derived from it. */
  readonly seed?: number;
  /** Device options merged over the scenario's. */
  readonly device?: ScenarioDeviceOptions;
  /**
   * Faults to inject on every schedule (the simulator's fault plans). When the plan has random faults, each
   * schedule draws their seed from its own choices (option 0: the plan's seed), so a token replays its faults.
   */
  readonly faults?: FaultPlan;
  /** Extra failure checks run after each scenario (race reports of the device's checker are always checked). */
  readonly checks?: readonly FailureCheck[];
  /** Shrink a failure (default true) within this budget (default 10 000 ms). */
  readonly shrink?: boolean;
  readonly shrinkBudgetMs?: number;
  /** Choices allowed per schedule before it counts as a livelock (default 100 000). */
  readonly maxChoices?: number;
  /** Called about every 100 ms while exploring. */
  readonly onProgress?: (progress: ExploreProgress) => void;
}

export interface FailureReport {
  readonly scenario: string;
  readonly failure: ScheduleFailure;
  /** Which schedule failed first (0 = the default order). */
  readonly schedule: number;
  readonly strategy: Strategy;
  /** Replays the shrunk schedule. */
  readonly token: string;
  /** Replays the schedule as first found. */
  readonly originalToken: string;
  /** The shrunk schedule's deviations from the default order, in words: the decisive choices. */
  readonly decisive: readonly string[];
  readonly shrink: { readonly fromDeviations: number; readonly toDeviations: number; readonly runs: number; readonly ms: number; readonly complete: boolean } | null;
  /**
   * With faults injected: the fewest of them that still fail the same way (the token carries them), restated as an
   * explicit plan. null when the failing run injected none, or shrinking is off.
   */
  readonly faults: {
    /** Faults the failing schedule injected. */
    readonly injected: number;
    /** The ones kept, in words ("out of memory at allocation 5"). */
    readonly kept: readonly string[];
    /** The plan that injects just those. */
    readonly plan: FaultPlan;
    readonly runs: number;
    /** False when restating the faults as an explicit plan did not fail the same way (then nothing was dropped). */
    readonly reproduced: boolean;
  } | null;
  /** The report as text (what a failing test prints). */
  readonly text: string;
}

export interface ExploreResult {
  readonly scenario: string;
  readonly strategy: Strategy;
  readonly schedules: number;
  readonly elapsedMs: number;
  /** Exhaustive only: every schedule not pruned ran. */
  readonly exhausted: boolean;
  readonly failure: FailureReport | null;
}

/** What a failing explore() rejects with: the report is on `.report`, and is the message. */
export class ScheduleFailureError extends Error {
  constructor(readonly report: FailureReport) {
    super(report.text);
    this.name = 'ScheduleFailureError';
  }
}

export interface ReplayResult {
  readonly failure: ScheduleFailure | null;
  readonly decisive: readonly string[];
  /** Picks that no longer fit their choice (the scenario changed since the token was made). */
  readonly mismatches: number;
}

interface NormalizedScenario {
  readonly name: string;
  readonly device: ScenarioDeviceOptions;
  readonly run: ScenarioFunction;
}

function normalize(scenario: ScenarioLike): NormalizedScenario {
  if (typeof scenario === 'function') return { name: scenario.name || 'scenario', device: {}, run: scenario };
  if (typeof scenario !== 'object' || scenario === null || typeof scenario.run !== 'function') {
    throw invalidArgument(`scenario must be a function or an object with a run(context) function (got ${String(scenario)})`);
  }
  return { name: scenario.name ?? (scenario.run.name || 'scenario'), device: scenario.device ?? {}, run: scenario.run };
}

function positiveInteger(field: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalidArgument(`explore options.${field} must be an integer ≥ ${min} (got ${String(value)})`);
  }
  return value;
}

interface Resolved {
  readonly schedules: number;
  readonly timeBudgetMs: number;
  readonly strategy: Strategy;
  readonly depth: number;
  readonly seed: number;
  readonly device: ScenarioDeviceOptions;
  readonly faults: FaultPlan | undefined;
  readonly checks: readonly FailureCheck[];
  readonly shrink: boolean;
  readonly shrinkBudgetMs: number;
  readonly maxChoices: number;
  readonly onProgress: ((progress: ExploreProgress) => void) | undefined;
}

const KNOWN_OPTIONS = new Set(['schedules', 'timeBudgetMs', 'strategy', 'depth', 'seed', 'device', 'faults', 'checks', 'shrink', 'shrinkBudgetMs', 'maxChoices', 'onProgress']);

function resolveOptions(options: ExploreOptions | undefined): Resolved {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw invalidArgument(`explore options must be an object (got ${String(o)})`);
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.has(key)) throw invalidArgument(`explore options.${key} is not an option (options: ${[...KNOWN_OPTIONS].join(', ')})`);
  }
  const strategy = o.strategy ?? 'random';
  if (strategy !== 'random' && strategy !== 'pct' && strategy !== 'exhaustive') {
    throw invalidArgument(`explore options.strategy must be 'random', 'pct' or 'exhaustive' (got ${String(strategy)})`);
  }
  if (o.timeBudgetMs !== undefined && !(typeof o.timeBudgetMs === 'number' && o.timeBudgetMs > 0)) {
    throw invalidArgument(`explore options.timeBudgetMs must be a positive number (got ${String(o.timeBudgetMs)})`);
  }
  if (o.shrink !== undefined && typeof o.shrink !== 'boolean') throw invalidArgument(`explore options.shrink must be true or false (got ${String(o.shrink)})`);
  if (o.checks !== undefined && !(Array.isArray(o.checks) && o.checks.every((c) => typeof c === 'function'))) {
    throw invalidArgument(`explore options.checks must be an array of functions (got ${String(o.checks)})`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalidArgument(`explore options.onProgress must be a function (got ${String(o.onProgress)})`);
  if (o.device !== undefined && (typeof o.device !== 'object' || o.device === null)) throw invalidArgument(`explore options.device must be an object (got ${String(o.device)})`);
  return {
    schedules: positiveInteger('schedules', o.schedules, 1000),
    timeBudgetMs: o.timeBudgetMs ?? Infinity,
    strategy,
    depth: positiveInteger('depth', o.depth, 3),
    seed: positiveInteger('seed', o.seed, 1, 0),
    device: o.device ?? {},
    faults: o.faults,
    checks: o.checks ?? [],
    shrink: o.shrink ?? true,
    shrinkBudgetMs: o.shrinkBudgetMs ?? 10_000,
    maxChoices: positiveInteger('maxChoices', o.maxChoices, 100_000),
    onProgress: o.onProgress,
  };
}

/** Deviations a report's text lists (the report's `decisive` has them all). */
const MAX_LISTED = 20;

/** Default device memory for explored scenarios: small, so resetting a driver between schedules is cheap. */
const DEFAULT_MEMORY_BYTES = 16 * 1024 * 1024;

/** Runs the scenario once under `picker`; returns its failure (or null) and what it chose. */
async function runSchedule(
  scenario: NormalizedScenario,
  resolved: Pick<Resolved, 'device' | 'faults' | 'checks' | 'maxChoices'>,
  picker: Picker,
): Promise<{ failure: ScheduleFailure | null; source: RecordingSource; injected: readonly InjectedFault[] }> {
  ensureRegistered();
  const source = new RecordingSource(picker, resolved.maxChoices);
  const { memoryBytes, sim, ...deviceOptions } = { ...scenario.device, ...resolved.device };
  const faults = resolved.faults === undefined ? undefined : faultsFor(resolved.faults, source);
  const request = requestDriver({ ...sim, memoryBytes: memoryBytes ?? DEFAULT_MEMORY_BYTES, schedule: source, ...(faults ? { faults } : {}) });
  let device: Device;
  try {
    device = await createDevice({ ...deviceOptions, backend: EXPLORE_BACKEND });
  } catch (error) {
    request.cancel();
    throw error;
  }
  const driver = request.take();
  let failure: ScheduleFailure | null = null;
  let abandoned = false;
  try {
    const outcome = await watch(Promise.resolve().then(() => scenario.run({ device })), driver, source);
    if (outcome === 'stall') {
      abandoned = true;
      const diagnosis = device.diagnoseStall();
      failure = {
        kind: 'stall',
        message: diagnosis?.message ?? 'stall: the scenario still waits, but nothing queued, running or timed on the simulator could ever release it',
      };
    } else if (outcome === 'livelock') {
      abandoned = true;
      failure = { kind: 'livelock', message: `livelock: the schedule made more than ${resolved.maxChoices} choices without finishing` };
    } else {
      for (const check of [raceReportCheck, ...resolved.checks]) {
        const found = await check(device);
        if (found) {
          failure = found;
          break;
        }
      }
    }
  } catch (error) {
    failure = classifyError(error);
  }
  try {
    if (abandoned) device.destroy();
    else await device[Symbol.asyncDispose]();
  } catch (error) {
    failure ??= classifyError(error);
  }
  const injected = resolved.faults === undefined ? [] : driver.injectedFaults();
  releaseDriver(driver);
  return { failure, source, injected };
}

/** Random-fault seeds a schedule chooses among (option 0 is the plan's own). */
const FAULT_SEEDS = 8;

/** The plan for one schedule: with random faults, their seed is one of the schedule's choices. */
function faultsFor(plan: FaultPlan, source: RecordingSource): FaultPlan {
  if (plan.random === undefined) return plan;
  const base = plan.random.seed ?? plan.seed ?? 1;
  const options = Array.from({ length: FAULT_SEEDS }, (_, i) => ({
    kind: 'order' as const, stream: 0, key: `faults${i}`, description: `random faults drawn with seed ${base + i}`,
    footprint: { accesses: [], observable: false },
  }));
  const pick = source.choose({ kind: 'faults', options, time: 0 });
  return { ...plan, random: { ...plan.random, seed: base + pick } };
}

/**
 * Settles with the scenario, or says it stalled (the simulator stayed idle for a few host turns while the
 * scenario waited) or livelocked. Scenarios must wait only on gpuhal: a real-time timer looks like a stall.
 */
function watch(run: Promise<void>, driver: SimDriver, source: RecordingSource): Promise<'done' | 'stall' | 'livelock'> {
  return new Promise((resolve, reject) => {
    let settled = false;
    run.then(
      () => {
        settled = true;
        resolve('done');
      },
      (error: unknown) => {
        if (settled) return; // rejected after the schedule was abandoned (its device was destroyed)
        settled = true;
        reject(error);
      },
    );
    let idleTurns = 0;
    const poll = (): void => {
      if (settled) return;
      if (source.overLimit) {
        settled = true;
        resolve('livelock');
        return;
      }
      idleTurns = driver.hasPendingWork() ? 0 : idleTurns + 1;
      if (idleTurns >= 3) {
        settled = true;
        resolve('stall');
        return;
      }
      scheduleMacrotask(poll);
    };
    scheduleMacrotask(poll);
  });
}

function pickerFor(r: Resolved, index: number, steps: number, search: ExhaustiveSearch | null): Picker | null {
  if (index === 0 && r.strategy !== 'exhaustive') return new ReplayPicker([]);
  const seed = scheduleSeed(r.seed, index);
  switch (r.strategy) {
    case 'random':
      return new RandomPicker(seed);
    case 'pct':
      return new PctPicker(seed, r.depth, steps);
    case 'exhaustive':
      return search!.next();
  }
}

/** Explores without throwing: the result says whether (and how) a schedule failed. */
export async function runExploration(scenarioLike: ScenarioLike, options?: ExploreOptions): Promise<ExploreResult> {
  const scenario = normalize(scenarioLike);
  const r = resolveOptions(options);
  const t0 = performance.now();
  let lastProgress = t0;
  const search = r.strategy === 'exhaustive' ? new ExhaustiveSearch() : null;
  let steps = 1;
  let index = 0;
  for (; index < r.schedules; index++) {
    const now = performance.now();
    if (now - t0 > r.timeBudgetMs) break;
    if (r.onProgress && now - lastProgress >= 100) {
      lastProgress = now;
      r.onProgress({ schedules: index, elapsedMs: now - t0 });
    }
    const picker = pickerFor(r, index, steps, search);
    if (picker === null) break;
    const { failure, source } = await runSchedule(scenario, r, picker);
    const eventChoices = source.choices.reduce((n, c) => n + (c.kind === 'event' ? 1 : 0), 0);
    if (eventChoices > steps) steps = eventChoices;
    if (failure !== null) {
      const report = await reportFailure(scenario, r, index, failure, source);
      return { scenario: scenario.name, strategy: r.strategy, schedules: index + 1, elapsedMs: performance.now() - t0, exhausted: false, failure: report };
    }
  }
  return {
    scenario: scenario.name, strategy: r.strategy, schedules: index, elapsedMs: performance.now() - t0,
    exhausted: search?.finished ?? false, failure: null,
  };
}

/**
 * Explores `scenario`; resolves with the run's statistics when no schedule failed, rejects with a
 * ScheduleFailureError carrying the shrunk report otherwise. `test('x', () => explore(s, { schedules: 2000 }))`.
 */
export async function explore(scenario: ScenarioLike, options?: ExploreOptions): Promise<ExploreResult> {
  const result = await runExploration(scenario, options);
  if (result.failure !== null) throw new ScheduleFailureError(result.failure);
  return result;
}

/** Runs one schedule from a replay token (from a report, or `gpuhal explore --replay`). */
export async function replay(scenarioLike: ScenarioLike, token: string, options?: Pick<ExploreOptions, 'device' | 'faults' | 'checks' | 'maxChoices'>): Promise<ReplayResult> {
  const scenario = normalize(scenarioLike);
  const { picks, faults } = decodeReplayToken(token);
  const r = resolveOptions(options);
  const picker = new ReplayPicker(picks);
  // A token with faults replays exactly those (messages of kernel faults from the explored plan, when given).
  const { failure, source } = await runSchedule(scenario, faults === null ? r : { ...r, faults: planOf(faults, r.faults) }, picker);
  return { failure, decisive: describe(source.choices), mismatches: picker.mismatches };
}

function describe(choices: readonly RecordedChoice[]): string[] {
  const out: string[] = [];
  choices.forEach((c, i) => {
    if (c.pick !== 0) out.push(`choice ${i} at ${c.time} ns: ${describeDeviation(c)}`);
  });
  return out;
}

async function reportFailure(scenario: NormalizedScenario, r: Resolved, index: number, failure: ScheduleFailure, source: RecordingSource): Promise<FailureReport> {
  const found = source.picks();
  const signature = failureSignature(failure);
  let picks = found;
  let choices: readonly RecordedChoice[] = source.choices;
  let shrink: FailureReport['shrink'] = null;
  // A livelock's schedule is as long as the choice limit: shrinking would rerun it to the limit each time.
  if (r.shrink && deviations(found).length > 0 && failure.kind !== 'livelock') {
    const result = await shrinkSchedule(found, source.choices, async (picker) => {
      const run = await runSchedule(scenario, r, picker);
      return { same: run.failure !== null && failureSignature(run.failure) === signature, picks: run.source.picks(), choices: run.source.choices };
    }, r.shrinkBudgetMs);
    picks = result.picks;
    choices = result.choices;
    shrink = { fromDeviations: deviations(found).length, toDeviations: deviations(picks).length, runs: result.runs, ms: result.ms, complete: result.complete };
  }
  const faultShrink = r.shrink && r.faults !== undefined ? await shrinkFaults(scenario, r, signature, picks, choices) : null;
  if (faultShrink !== null) {
    picks = faultShrink.picks;
    choices = faultShrink.choices;
  }
  const token = encodeToken(picks, faultShrink?.units);
  const decisive = describe(choices.slice(0, picks.length));
  const faults: FailureReport['faults'] = faultShrink === null ? null : {
    injected: faultShrink.injected, kept: faultShrink.units.map(describeUnit), plan: planOf(faultShrink.units, r.faults),
    runs: faultShrink.runs, reproduced: faultShrink.reproduced,
  };
  const text = [
    `gpuhal explore: scenario "${scenario.name}" failed on schedule ${index} (${r.strategy}${r.strategy === 'pct' ? `, depth ${r.depth}` : ''}, seed ${r.seed})`,
    `  ${failure.kind}: ${failure.message.split('\n')[0]}`,
    decisive.length === 0
      ? '  it fails on the default order itself (no deviation needed)'
      : `  decisive choices (${decisive.length} deviation${decisive.length === 1 ? '' : 's'} from the default order${shrink ? `, shrunk from ${shrink.fromDeviations} in ${shrink.runs} runs, ${Math.round(shrink.ms)} ms` : ''}):`,
    ...decisive.slice(0, MAX_LISTED).map((d) => `    - ${d}`),
    ...(decisive.length > MAX_LISTED ? [`    … and ${decisive.length - MAX_LISTED} more`] : []),
    ...(faults === null ? [] : faults.reproduced
      ? [`  faults (${faults.kept.length} of the ${faults.injected} injected still fail the same way, in ${faults.runs} runs; the token carries them):`, ...faults.kept.map((f) => `    - ${f}`)]
      : [`  faults: ${faults.injected} injected; restated as an explicit plan they did not fail the same way, so they were not shrunk (replay with the same faults option)`]),
    `  replay token: ${token}`,
    `  replay: replay(scenario, '${token}')  or  npx gpuhal explore <file> --scenario ${scenario.name} --replay ${token}`,
  ].join('\n');
  return { scenario: scenario.name, failure, schedule: index, strategy: r.strategy, token, originalToken: encodeToken(found), decisive, shrink, faults, text };
}

/**
 * Shrinks the faults of a failing schedule (already shrunk itself): restates what it injected as explicit faults
 * (fault_units.ts), checks that they fail the same way, then drops each fault in turn and keeps it dropped while
 * the schedule still fails the same way, within the shrink budget. Without random faults left there is no fault
 * seed to choose, so the schedule's first choice (that seed) is dropped from its picks.
 */
async function shrinkFaults(
  scenario: NormalizedScenario, r: Resolved, signature: string, picks: readonly number[], choices: readonly RecordedChoice[],
): Promise<{ units: FaultUnit[]; injected: number; picks: number[]; choices: readonly RecordedChoice[]; runs: number; reproduced: boolean } | null> {
  const t0 = performance.now();
  let runs = 1;
  const found = await runSchedule(scenario, r, new ReplayPicker(picks));
  if (found.failure === null || failureSignature(found.failure) !== signature) return null;
  let units = unitsOf(found.injected);
  if (units.length === 0) return null;
  const injected = units.length;
  const explicitPicks = choices[0]?.kind === 'faults' ? picks.slice(1) : [...picks];
  const attempt = async (candidate: readonly FaultUnit[]): Promise<{ choices: readonly RecordedChoice[] } | null> => {
    runs++;
    const run = await runSchedule(scenario, { ...r, faults: planOf(candidate, r.faults) }, new ReplayPicker(explicitPicks));
    return run.failure !== null && failureSignature(run.failure) === signature ? { choices: run.source.choices } : null;
  };
  const all = await attempt(units);
  if (all === null) return { units, injected, picks: [...picks], choices, runs, reproduced: false };
  let kept = all.choices;
  for (let i = units.length - 1; i >= 0 && performance.now() - t0 < r.shrinkBudgetMs; i--) {
    const candidate = units.filter((_, j) => j !== i);
    const run = await attempt(candidate);
    if (run !== null) {
      units = candidate;
      kept = run.choices;
    }
  }
  return { units, injected, picks: explicitPicks, choices: kept, runs, reproduced: true };
}

/** For callers that want to tell an explorer failure from anything else. */
export function isScheduleFailure(error: unknown): error is ScheduleFailureError {
  return error instanceof ScheduleFailureError;
}

