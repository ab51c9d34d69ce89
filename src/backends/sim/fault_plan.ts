/**
 * Fault plans: seeded fault injection on the simulator. A plan says which operations fail or run late; the
 * simulator then makes them fail exactly as real faults do (DESIGN.md rule 5: the failed operation's signals fail,
 * exactly its dependents fail with the original code and message, unrelated work runs; a lost device fails
 * everything after the loss). Given at device creation (`createDevice({ backend: 'sim', sim: { faults } })`) or at
 * run time (`injectFaults(device, plan)`); every field is validated here with a HalError naming it.
 *
 * Counting is per plan, from when it was given: the n-th dispatch counts kernel dispatches as they start (a stream
 * launch is one, a graph launch one per kernel node in node order); the n-th allocation counts `memAlloc` and
 * `memAllocAsync` calls (buffers, alloca, staging, graph and module memory alike); the n-th submission counts
 * completion-event records (the core records one per queue operation it issues).
 */
import { invalidArgument } from '../../core/errors.js';
import { KnownFields, checkKnownFields } from '../../core/fields.js';

/** Which kernel dispatches a rule matches; every given field must match (none given: every dispatch). */
export interface KernelMatch {
  /** The entry point's name, e.g. 'fill_u32'. */
  readonly entryPoint?: string;
  /** The executable's label (the module label the driver was given). */
  readonly label?: string;
  /** Only the n-th matching dispatch (1-based); omitted: every matching one. */
  readonly dispatch?: number;
}

/** A kernel fault, reported like the simulator's real ones (INTERNAL, driver name SIM_KERNEL_FAULT). */
export interface KernelFaultRule extends KernelMatch {
  /** Text for the fault (default: "injected fault"). */
  readonly message?: string;
}

/** Out of memory at the n-th allocation (1-based): RESOURCE_EXHAUSTED, driver name SIM_OUT_OF_MEMORY. */
export interface OutOfMemoryRule {
  readonly allocation: number;
}

/** The device is lost at a virtual time or at the n-th submission; the first that comes. */
export interface DeviceLostRule {
  /** Virtual ns: the first operation that starts, or completes, at or after it finds the device lost. */
  readonly atTimeNs?: number;
  /** The n-th submission (1-based) and everything after it fail with the loss. */
  readonly atSubmission?: number;
}

/** Operation kinds a slow rule may name (driver-level operations). */
export type SlowOperationKind = 'kernel' | 'graph' | 'memset' | 'memcpy' | 'htod' | 'dtoh';

/** Extra virtual latency: shifts when work completes, and so which of two unordered operations runs first. */
export interface SlowRule {
  readonly extraNs: number;
  /** Only operations of this kind (default: every kind). */
  readonly op?: SlowOperationKind;
  /** Kernel (and graph) operations only: match the entry point's name / executable label. */
  readonly entryPoint?: string;
  readonly label?: string;
  /** Only the n-th matching operation (1-based). */
  readonly nth?: number;
}

/** Faults drawn at random, each event with its own probability, from a PRNG seeded by `seed`. */
export interface RandomFaults {
  /** Default: the plan's seed, else the device's seed. The scheduler's own choices are not disturbed. */
  readonly seed?: number;
  /** Per kernel dispatch. */
  readonly kernelFault?: number;
  /** Per allocation. */
  readonly outOfMemory?: number;
  /** Per submission. */
  readonly deviceLost?: number;
  /** Per operation (kernel, graph, memset, memcpy, htod, dtoh): adds `slowNs`. */
  readonly slow?: number;
  /** Extra latency of a random slow operation; default 10,000 ns. */
  readonly slowNs?: number;
}

export interface FaultPlan {
  /** Seed of the random faults (default: the device's seed). */
  readonly seed?: number;
  readonly kernelFaults?: readonly KernelFaultRule[];
  readonly outOfMemory?: readonly OutOfMemoryRule[];
  readonly deviceLost?: DeviceLostRule;
  readonly slow?: readonly SlowRule[];
  readonly random?: RandomFaults;
}

const FIELDS = {
  plan: new KnownFields(['seed', 'kernelFaults', 'outOfMemory', 'deviceLost', 'slow', 'random']),
  kernelFault: new KnownFields(['entryPoint', 'label', 'dispatch', 'message']),
  outOfMemory: new KnownFields(['allocation']),
  deviceLost: new KnownFields(['atTimeNs', 'atSubmission']),
  slow: new KnownFields(['extraNs', 'op', 'entryPoint', 'label', 'nth']),
  random: new KnownFields(['seed', 'kernelFault', 'outOfMemory', 'deviceLost', 'slow', 'slowNs']),
};
const SLOW_KINDS: readonly SlowOperationKind[] = ['kernel', 'graph', 'memset', 'memcpy', 'htod', 'dtoh'];

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}n` : String(v));

function object(field: string, value: unknown, known: KnownFields): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(`${field} must be an object (got ${show(value)})`);
  checkKnownFields(field, value, known);
  return value as Record<string, unknown>;
}

function list(field: string, value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgument(`${field} must be an array (got ${show(value)})`);
  return value;
}

function positiveInteger(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw invalidArgument(`${field} must be a positive integer (got ${show(value)})`);
  return value;
}

function nonNegativeInteger(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalidArgument(`${field} must be a non-negative integer (got ${show(value)})`);
  return value;
}

function text(field: string, value: unknown): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw invalidArgument(`${field} must be a string (got ${show(value)})`);
  return value;
}

function probability(field: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw invalidArgument(`${field} must be a probability in [0, 1] (got ${show(value)})`);
  return value;
}

/** A validated plan with every default filled in. */
export interface ResolvedFaultPlan {
  readonly seed: number | undefined;
  readonly kernelFaults: readonly (KernelMatch & { readonly message: string })[];
  readonly outOfMemory: readonly number[];
  readonly deviceLost: { readonly atTimeNs: number | undefined; readonly atSubmission: number | undefined };
  readonly slow: readonly (SlowRule & { readonly extraNs: number })[];
  readonly random: {
    readonly seed: number | undefined;
    readonly kernelFault: number;
    readonly outOfMemory: number;
    readonly deviceLost: number;
    readonly slow: number;
    readonly slowNs: number;
  };
}

/** Validates `plan` (`field` names it in messages, e.g. "options.faults"). Throws INVALID_ARGUMENT naming the field. */
export function resolveFaultPlan(field: string, plan: unknown): ResolvedFaultPlan {
  const p = object(field, plan, FIELDS.plan);
  const seed = nonNegativeInteger(`${field}.seed`, p.seed);
  const kernelFaults = list(`${field}.kernelFaults`, p.kernelFaults).map((value, i) => {
    const f = `${field}.kernelFaults[${i}]`;
    const r = object(f, value, FIELDS.kernelFault);
    const rule: KernelMatch & { message: string } = {
      ...(text(`${f}.entryPoint`, r.entryPoint) !== undefined ? { entryPoint: r.entryPoint as string } : {}),
      ...(text(`${f}.label`, r.label) !== undefined ? { label: r.label as string } : {}),
      ...(positiveInteger(`${f}.dispatch`, r.dispatch) !== undefined ? { dispatch: r.dispatch as number } : {}),
      message: text(`${f}.message`, r.message) ?? 'injected fault',
    };
    return rule;
  });
  const outOfMemory = list(`${field}.outOfMemory`, p.outOfMemory).map((value, i) => {
    const f = `${field}.outOfMemory[${i}]`;
    const r = object(f, value, FIELDS.outOfMemory);
    const n = positiveInteger(`${f}.allocation`, r.allocation);
    if (n === undefined) throw invalidArgument(`${f}.allocation is missing (the n-th allocation to fail, 1-based)`);
    return n;
  });
  let deviceLost: ResolvedFaultPlan['deviceLost'] = { atTimeNs: undefined, atSubmission: undefined };
  if (p.deviceLost !== undefined) {
    const f = `${field}.deviceLost`;
    const r = object(f, p.deviceLost, FIELDS.deviceLost);
    deviceLost = { atTimeNs: nonNegativeInteger(`${f}.atTimeNs`, r.atTimeNs), atSubmission: positiveInteger(`${f}.atSubmission`, r.atSubmission) };
    if (deviceLost.atTimeNs === undefined && deviceLost.atSubmission === undefined) {
      throw invalidArgument(`${f} needs atTimeNs or atSubmission`);
    }
  }
  const slow = list(`${field}.slow`, p.slow).map((value, i) => {
    const f = `${field}.slow[${i}]`;
    const r = object(f, value, FIELDS.slow);
    const extraNs = positiveInteger(`${f}.extraNs`, r.extraNs);
    if (extraNs === undefined) throw invalidArgument(`${f}.extraNs is missing (extra virtual ns, a positive integer)`);
    if (r.op !== undefined && !SLOW_KINDS.includes(r.op as SlowOperationKind)) {
      throw invalidArgument(`${f}.op must be one of ${SLOW_KINDS.join(', ')} (got ${show(r.op)})`);
    }
    return {
      extraNs,
      ...(r.op !== undefined ? { op: r.op as SlowOperationKind } : {}),
      ...(text(`${f}.entryPoint`, r.entryPoint) !== undefined ? { entryPoint: r.entryPoint as string } : {}),
      ...(text(`${f}.label`, r.label) !== undefined ? { label: r.label as string } : {}),
      ...(positiveInteger(`${f}.nth`, r.nth) !== undefined ? { nth: r.nth as number } : {}),
    };
  });
  let random: ResolvedFaultPlan['random'] = { seed: undefined, kernelFault: 0, outOfMemory: 0, deviceLost: 0, slow: 0, slowNs: 10_000 };
  if (p.random !== undefined) {
    const f = `${field}.random`;
    const r = object(f, p.random, FIELDS.random);
    random = {
      seed: nonNegativeInteger(`${f}.seed`, r.seed),
      kernelFault: probability(`${f}.kernelFault`, r.kernelFault),
      outOfMemory: probability(`${f}.outOfMemory`, r.outOfMemory),
      deviceLost: probability(`${f}.deviceLost`, r.deviceLost),
      slow: probability(`${f}.slow`, r.slow),
      slowNs: positiveInteger(`${f}.slowNs`, r.slowNs) ?? 10_000,
    };
  }
  return { seed, kernelFaults, outOfMemory, deviceLost, slow, random };
}
