/**
 * Faults as units a shrinker can drop one by one. A failing schedule's faults are restated from what the simulator
 * injected (each with where it hit: the n-th dispatch, allocation, submission, operation of a kind, or a time), as
 * explicit rules of a fault plan with nothing random left; the plan of any subset of them is then a plan of its own.
 * Restating a random fault as an explicit one at the same count injects it at the same place, so the subset of all
 * units replays the run it came from.
 */
import type { FaultPlan, KernelFaultRule, SlowOperationKind, SlowRule } from '../backends/sim/fault_plan.js';
import type { InjectedFault } from '../backends/sim/fault_injector.js';

/** One injected fault, restated: kind, where, and (kernel faults) which rule of the explored plan gave its message. */
export type FaultUnit =
  | { readonly kind: 'kernel-fault'; readonly at: number; readonly rule: number }
  | { readonly kind: 'out-of-memory'; readonly at: number }
  | { readonly kind: 'device-lost'; readonly at: number; readonly timed: boolean }
  | { readonly kind: 'slow'; readonly at: number; readonly op: SlowOperationKind; readonly extraNs: number };

const SLOW_KINDS: readonly SlowOperationKind[] = ['kernel', 'graph', 'memset', 'memcpy', 'htod', 'dtoh'];

/** The units of what a run injected, in the order it injected them. */
export function unitsOf(injected: readonly InjectedFault[]): FaultUnit[] {
  return injected.map((fault): FaultUnit => {
    switch (fault.kind) {
      case 'kernel-fault': {
        const rule = /^kernelFaults\[(\d+)\]$/.exec(fault.rule);
        return { kind: 'kernel-fault', at: fault.at, rule: rule === null ? 0 : Number(rule[1]) + 1 };
      }
      case 'out-of-memory':
        return { kind: 'out-of-memory', at: fault.at };
      case 'device-lost':
        return { kind: 'device-lost', at: fault.at, timed: fault.timed === true };
      case 'slow':
        return { kind: 'slow', at: fault.at, op: fault.op!, extraNs: fault.extraNs! };
    }
  });
}

/** The plan that injects exactly `units` (kernel fault messages from `explored`, the plan the units came from). */
export function planOf(units: readonly FaultUnit[], explored?: FaultPlan): FaultPlan {
  const kernelFaults: KernelFaultRule[] = [];
  const outOfMemory: { allocation: number }[] = [];
  const slow: SlowRule[] = [];
  let deviceLost: { atTimeNs?: number; atSubmission?: number } | undefined;
  for (const u of units) {
    if (u.kind === 'kernel-fault') {
      const message = u.rule > 0 ? explored?.kernelFaults?.[u.rule - 1]?.message : undefined;
      kernelFaults.push({ dispatch: u.at, ...(message !== undefined ? { message } : {}) });
    } else if (u.kind === 'out-of-memory') outOfMemory.push({ allocation: u.at });
    else if (u.kind === 'slow') slow.push({ op: u.op, nth: u.at, extraNs: u.extraNs });
    else deviceLost = u.timed ? { atTimeNs: u.at } : { atSubmission: u.at };
  }
  return {
    ...(explored?.seed !== undefined ? { seed: explored.seed } : {}),
    ...(kernelFaults.length > 0 ? { kernelFaults } : {}),
    ...(outOfMemory.length > 0 ? { outOfMemory } : {}),
    ...(slow.length > 0 ? { slow } : {}),
    ...(deviceLost !== undefined ? { deviceLost } : {}),
  };
}

/** "out of memory at allocation 5": a unit in words, for reports. */
export function describeUnit(u: FaultUnit): string {
  switch (u.kind) {
    case 'kernel-fault':
      return `kernel fault at dispatch ${u.at}`;
    case 'out-of-memory':
      return `out of memory at allocation ${u.at}`;
    case 'device-lost':
      return u.timed ? `device lost at ${u.at} ns` : `device lost at submission ${u.at}`;
    case 'slow':
      return `${u.op} #${u.at} slowed by ${u.extraNs} ns`;
  }
}

/** Units as unsigned integers for a token: kind code, count, then the kind's own fields. */
export function unitsToNumbers(units: readonly FaultUnit[]): number[] {
  const out: number[] = [units.length];
  for (const u of units) {
    switch (u.kind) {
      case 'kernel-fault':
        out.push(0, u.at, u.rule);
        break;
      case 'out-of-memory':
        out.push(1, u.at);
        break;
      case 'device-lost':
        out.push(u.timed ? 3 : 2, u.at);
        break;
      case 'slow':
        out.push(4, u.at, SLOW_KINDS.indexOf(u.op), u.extraNs);
        break;
    }
  }
  return out;
}

/** The inverse of unitsToNumbers; `read` returns the next number and throws at the end. */
export function unitsFromNumbers(read: () => number, fail: (why: string) => Error): FaultUnit[] {
  const count = read();
  if (count > 10_000) throw fail(`claims ${count} faults`);
  const units: FaultUnit[] = [];
  for (let i = 0; i < count; i++) {
    const code = read();
    if (code > 4) throw fail(`has a fault of unknown kind ${code}`);
    const at = read();
    if (code === 0) units.push({ kind: 'kernel-fault', at, rule: read() });
    else if (code === 1) units.push({ kind: 'out-of-memory', at });
    else if (code === 2 || code === 3) units.push({ kind: 'device-lost', at, timed: code === 3 });
    else if (code === 4) {
      const op = SLOW_KINDS[read()];
      if (op === undefined) throw fail('names an operation kind that does not exist');
      units.push({ kind: 'slow', at, op, extraNs: read() });
    }
  }
  return units;
}
