/**
 * Applies a fault plan (fault_plan.ts) while the simulator runs. The driver asks it at the points where real faults
 * arise — an allocation, a submission's completion record, an operation starting, each kernel dispatch — and it
 * answers with the error to fail with (made like the simulator's real errors, so rule 5 treats it the same) or the
 * extra latency to add. Random faults draw from a generator of their own (util/seeded_random.ts), apart from the
 * device's, so a plan never changes the scheduler's choices.
 */
import { HalError, StatusCode } from '../../core/errors.js';
import type { KernelMatch, ResolvedFaultPlan, SlowOperationKind } from './fault_plan.js';
import { seededRandom } from '../../util/seeded_random.js';

/** What the injector did (the explorer and tests read it; `driver.injectedFaults()`). */
export interface InjectedFault {
  readonly kind: 'kernel-fault' | 'out-of-memory' | 'device-lost' | 'slow';
  /** Virtual ns when it was injected. */
  readonly time: bigint;
  /** The operation or call it hit, e.g. "fill_u32 of sample-kernels (dispatch 3)". */
  readonly what: string;
  /** The plan entry that caused it, e.g. "kernelFaults[0]" or "random.kernelFault". */
  readonly rule: string;
  /**
   * Where it hit, counted as an explicit rule counts (so a shrinker can restate the fault as one): the n-th kernel
   * dispatch, the n-th allocation, the n-th submission (1-based), the virtual ns of a timed loss, or for a slow
   * operation the n-th operation of its kind.
   */
  readonly at: number;
  /** A timed loss says atTimeNs; a slow operation says its kind and extra ns. */
  readonly timed?: boolean;
  readonly op?: SlowOperationKind;
  readonly extraNs?: number;
}

type Where = Pick<InjectedFault, 'at' | 'timed' | 'op' | 'extraNs'>;

/** A kernel dispatch as the injector sees it. */
export interface DispatchInfo {
  readonly entryPoint: string;
  readonly label: string;
}

const matches = (rule: KernelMatch, d: DispatchInfo): boolean =>
  (rule.entryPoint === undefined || rule.entryPoint === d.entryPoint) && (rule.label === undefined || rule.label === d.label);

export class FaultInjector {
  private plan: ResolvedFaultPlan | undefined;
  private random: () => number = () => 1;
  private kernelRuleHits: number[] = [];
  private slowRuleHits: number[] = [];
  private allocations = 0;
  private submissions = 0;
  private dispatches = 0;
  private operationsByKind = new Map<SlowOperationKind, number>();
  private lostError: HalError | undefined;
  private readonly log: InjectedFault[] = [];

  constructor(private readonly deviceSeed: bigint) {}

  /** Replaces the plan; counting starts over from now. undefined: no faults. */
  setPlan(plan: ResolvedFaultPlan | undefined): void {
    this.plan = plan;
    this.kernelRuleHits = plan ? plan.kernelFaults.map(() => 0) : [];
    this.slowRuleHits = plan ? plan.slow.map(() => 0) : [];
    this.allocations = 0;
    this.submissions = 0;
    this.dispatches = 0;
    this.operationsByKind = new Map();
    const seed = plan?.random.seed ?? plan?.seed ?? Number(this.deviceSeed & 0xffffffffn);
    this.random = seededRandom(seed);
  }

  get active(): boolean {
    return this.plan !== undefined;
  }

  /** The loss, once the plan lost the device: every later operation and call fails with it. */
  get lost(): HalError | undefined {
    return this.lostError;
  }

  injected(): InjectedFault[] {
    return [...this.log];
  }

  /** Before an allocation: the RESOURCE_EXHAUSTED to throw instead, if the plan says so. */
  allocation(call: string, byteLength: number, now: number): HalError | undefined {
    const plan = this.plan;
    if (plan === undefined) return undefined;
    const n = ++this.allocations;
    let rule: string | undefined;
    const index = plan.outOfMemory.indexOf(n);
    if (index >= 0) rule = `outOfMemory[${index}]`;
    else if (plan.random.outOfMemory > 0 && this.random() < plan.random.outOfMemory) rule = 'random.outOfMemory';
    if (rule === undefined) return undefined;
    this.record('out-of-memory', now, `${call} of ${byteLength} bytes (allocation ${n})`, rule, { at: n });
    return new HalError(StatusCode.RESOURCE_EXHAUSTED, `${call} of ${byteLength} bytes: simulated device memory exhausted (injected by the fault plan: ${rule})`, {
      driver: { api: 'sim', name: 'SIM_OUT_OF_MEMORY', number: 2, call },
    });
  }

  /** A submission's completion record: the n-th may lose the device. */
  submission(now: number): void {
    const plan = this.plan;
    if (plan === undefined || this.lostError) return;
    const n = ++this.submissions;
    if (plan.deviceLost.atSubmission === n) this.lose(now, `submission ${n}`, 'deviceLost.atSubmission', { at: n });
    else if (plan.random.deviceLost > 0 && this.random() < plan.random.deviceLost) this.lose(now, `submission ${n}`, 'random.deviceLost', { at: n });
  }

  /** The scheduler reached virtual time `now`: a loss planned at or before it happens. */
  reached(now: number): void {
    const at = this.plan?.deviceLost.atTimeNs;
    if (at !== undefined && now >= at && !this.lostError) this.lose(now, `virtual time ${at} ns`, 'deviceLost.atTimeNs', { at, timed: true });
  }

  /** A kernel dispatch about to run: the fault to report instead, if the plan says so. */
  kernelFault(dispatch: DispatchInfo, now: number): string | undefined {
    const plan = this.plan;
    if (plan === undefined) return undefined;
    const ordinal = ++this.dispatches;
    let fault: { rule: string; message: string } | undefined;
    plan.kernelFaults.forEach((rule, i) => {
      if (!matches(rule, dispatch)) return;
      const n = ++this.kernelRuleHits[i]!;
      if (fault === undefined && (rule.dispatch === undefined || rule.dispatch === n)) fault = { rule: `kernelFaults[${i}]`, message: rule.message };
    });
    if (fault === undefined && plan.random.kernelFault > 0 && this.random() < plan.random.kernelFault) {
      fault = { rule: 'random.kernelFault', message: 'injected fault' };
    }
    if (fault === undefined) return undefined;
    this.record('kernel-fault', now, `${dispatch.entryPoint} of ${dispatch.label}`, fault.rule, { at: ordinal });
    return `${fault.message} (fault plan ${fault.rule})`;
  }

  /** Extra virtual ns for an operation starting now; `dispatches` are its kernels (graph: kernel nodes). */
  extraLatency(kind: SlowOperationKind, dispatches: readonly DispatchInfo[], label: string, now: number): number {
    const plan = this.plan;
    if (plan === undefined) return 0;
    const ordinal = (this.operationsByKind.get(kind) ?? 0) + 1;
    this.operationsByKind.set(kind, ordinal);
    let extra = 0;
    plan.slow.forEach((rule, i) => {
      if (rule.op !== undefined && rule.op !== kind) return;
      if ((rule.entryPoint !== undefined || rule.label !== undefined) && !dispatches.some((d) => matches(rule, d))) return;
      const n = ++this.slowRuleHits[i]!;
      if (rule.nth !== undefined && rule.nth !== n) return;
      extra += rule.extraNs;
      this.record('slow', now, `${kind} ${label} +${rule.extraNs} ns`, `slow[${i}]`, { at: ordinal, op: kind, extraNs: rule.extraNs });
    });
    if (plan.random.slow > 0 && this.random() < plan.random.slow) {
      extra += plan.random.slowNs;
      this.record('slow', now, `${kind} ${label} +${plan.random.slowNs} ns`, 'random.slow', { at: ordinal, op: kind, extraNs: plan.random.slowNs });
    }
    return extra;
  }

  private lose(now: number, what: string, rule: string, where: Where): void {
    this.lostError = new HalError(StatusCode.INTERNAL, `device lost at ${what} (injected by the fault plan: ${rule})`, {
      driver: { api: 'sim', name: 'SIM_DEVICE_LOST', number: 9, text: 'device lost', call: rule },
    });
    this.record('device-lost', now, what, rule, where);
  }

  private record(kind: InjectedFault['kind'], now: number, what: string, rule: string, where: Where): void {
    this.log.push({ kind, time: BigInt(now), what, rule, ...where });
  }
}
