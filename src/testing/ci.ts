/**
 * Running a suite's explorations under many seeds in CI. Every `explore()` is deterministic for its seed, so a
 * failure found in CI replays locally from the report's token; what changes between CI runs is only the seed
 * (and how many schedules to spend), read from the environment:
 *
 *   GPUHAL_EXPLORE_SEED=$GITHUB_RUN_NUMBER GPUHAL_EXPLORE_SCHEDULES=20000 npx vitest run test/gpu-pipeline
 *
 * and in each test: `explore(scenario, { ...seedsFromEnv({ schedules: 500 }) })`.
 */
import { invalidArgument } from '../core/errors.js';

export interface SeedSettings {
  readonly seed: number;
  readonly schedules: number;
}

function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === undefined || value === '' ? undefined : value;
}

function envInteger(name: string, min: number): number | undefined {
  const raw = readEnv(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw invalidArgument(`${name} must be an integer ≥ ${min} (got ${JSON.stringify(raw)})`);
  return n;
}

/** The seed and schedule count for this run: the environment (GPUHAL_EXPLORE_SEED, _SCHEDULES) over `defaults`. */
export function seedsFromEnv(defaults: Partial<SeedSettings> = {}): SeedSettings {
  return {
    seed: envInteger('GPUHAL_EXPLORE_SEED', 0) ?? defaults.seed ?? 1,
    schedules: envInteger('GPUHAL_EXPLORE_SCHEDULES', 1) ?? defaults.schedules ?? 1000,
  };
}

/** `count` exploration seeds starting at this run's seed: for `test.each(exploreSeeds(4))` splitting one budget. */
export function exploreSeeds(count: number, defaults: Partial<SeedSettings> = {}): number[] {
  if (!Number.isInteger(count) || count < 1) throw invalidArgument(`exploreSeeds count must be an integer ≥ 1 (got ${String(count)})`);
  const { seed } = seedsFromEnv(defaults);
  return Array.from({ length: count }, (_, i) => seed + i);
}
