/** Options of the sim driver, validated with messages that name the field and the value. */
import { invalidArgument } from '../../core/errors.js';
import { resolveCostModel, type CostModel } from './cost_model.js';
import type { SimDeviceOptions } from './device_options.js';
import type { SchedulerMode } from './scheduler.js';
import { isScheduleSource, type SimScheduleSource } from './schedule_source.js';
import { describe } from '../../core/validation.js';
import { suggestion } from '../../core/fields.js';
import { type ResolvedFaultPlan, resolveFaultPlan } from './fault_plan.js';

/** The sim driver's options: the same as `createDevice({ sim })` takes (device_options.ts documents each). */
export type SimDriverOptions = SimDeviceOptions;

export interface ResolvedSimOptions {
  readonly seed: bigint;
  readonly memoryBytes: number;
  readonly costModel: CostModel;
  readonly mode: SchedulerMode;
  readonly maxStreams: number;
  readonly logLimit: number;
  readonly traceGraphNodes: boolean;
  readonly schedule: SimScheduleSource | null;
  readonly faults: ResolvedFaultPlan | undefined;
  readonly kernelMemoryChecks: boolean;
  readonly kernelThreadOrder: 'sampled' | 'every-workgroup';
}

/** The options of one run: what a pooled driver's reset replaces. Every other option belongs to the driver. */
export type SimRunOptions = Pick<SimDriverOptions, 'seed' | 'schedule' | 'faults'>;

/** `options` without the run's own (seed, schedule, faults): what a reset keeps and what pooled drivers must share. */
export function driverOptionsOf<T extends { readonly seed?: unknown; readonly schedule?: unknown; readonly faults?: unknown }>(options: T): Omit<T, 'seed' | 'schedule' | 'faults'> {
  const { seed: _seed, schedule: _schedule, faults: _faults, ...kept } = options;
  return kept;
}

const MIB = 1024 * 1024;
export const DEFAULT_MEMORY_BYTES = 256 * MIB;
const MIN_MEMORY_BYTES = 4 * MIB;
const MAX_MEMORY_BYTES = 2048 * MIB;
const KNOWN = new Set([
  'seed', 'memoryBytes', 'costModel', 'mode', 'maxStreams', 'logLimit', 'traceGraphNodes', 'faults', 'schedule', 'kernelMemoryChecks', 'kernelThreadOrder',
]);

function integerOption(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`options.${name} must be an integer in [${min}, ${max}] (got ${describe(value)})`);
  }
  return value;
}

export function resolveSimOptions(options: unknown = {}): ResolvedSimOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument(`sim driver options must be an object (got ${describe(options)})`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key) && o[key] !== undefined) {
      throw invalidArgument(`options.${key} is not a sim driver option; ${suggestion(key, [...KNOWN])}`);
    }
  }
  let seed: bigint;
  const rawSeed = o.seed ?? 1;
  if (typeof rawSeed === 'bigint') {
    seed = rawSeed;
  } else if (typeof rawSeed === 'number' && Number.isSafeInteger(rawSeed)) {
    seed = BigInt(rawSeed);
  } else {
    throw invalidArgument(`options.seed must be a safe integer or a bigint (got ${describe(rawSeed)})`);
  }
  if (seed < 0n || seed >= 1n << 64n) throw invalidArgument(`options.seed must be in [0, 2^64) (got ${seed})`);
  const memoryBytes = integerOption('memoryBytes', o.memoryBytes, MIN_MEMORY_BYTES, MAX_MEMORY_BYTES, DEFAULT_MEMORY_BYTES);
  if (memoryBytes % 65536 !== 0) {
    throw invalidArgument(`options.memoryBytes must be a multiple of 65536 (one WebAssembly page) (got ${memoryBytes})`);
  }
  const mode = o.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'manual') throw invalidArgument(`options.mode must be 'auto' or 'manual' (got ${describe(mode)})`);
  const traceGraphNodes = o.traceGraphNodes ?? false;
  if (typeof traceGraphNodes !== 'boolean') throw invalidArgument(`options.traceGraphNodes must be a boolean (got ${describe(traceGraphNodes)})`);
  if (o.schedule !== undefined && !isScheduleSource(o.schedule)) {
    throw invalidArgument(`options.schedule must be an object with a choose(choice) method (got ${describe(o.schedule)})`);
  }
  const kernelMemoryChecks = o.kernelMemoryChecks ?? true;
  if (typeof kernelMemoryChecks !== 'boolean') throw invalidArgument(`options.kernelMemoryChecks must be a boolean (got ${describe(kernelMemoryChecks)})`);
  const kernelThreadOrder = o.kernelThreadOrder ?? 'sampled';
  if (kernelThreadOrder !== 'sampled' && kernelThreadOrder !== 'every-workgroup') {
    throw invalidArgument(`options.kernelThreadOrder must be 'sampled' or 'every-workgroup' (got ${describe(kernelThreadOrder)})`);
  }
  return {
    seed,
    memoryBytes,
    costModel: resolveCostModel(o.costModel),
    mode,
    maxStreams: integerOption('maxStreams', o.maxStreams, 1, 1 << 20, 1024),
    logLimit: integerOption('logLimit', o.logLimit, 0, 1 << 24, 10000),
    traceGraphNodes,
    schedule: (o.schedule as SimScheduleSource | undefined) ?? null,
    faults: o.faults === undefined ? undefined : resolveFaultPlan('options.faults', o.faults),
    kernelMemoryChecks,
    kernelThreadOrder,
  };
}
