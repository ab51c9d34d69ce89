/**
 * Shrinking a failure's faults: a schedule that fails with faults injected is reported with the fewest of them that
 * still fail the same way, restated as explicit faults that the replay token carries.
 */
import { describe, expect, it } from 'vitest';
import { fifthBuffer } from '../../examples/explore/fault_scenarios.js';
import { StatusCode } from '../../src/index.js';
import { decodeReplayToken, encodeToken, replay, runExploration, type Scenario } from '../../src/testing/index.js';
import { planOf, unitsOf, type FaultUnit } from '../../src/testing/fault_units.js';
import { expectHalError } from '../helpers/hal_errors.js';

describe('fault shrinking', () => {
  it('reduces random out-of-memory faults to the one that fails the program', async () => {
    const faults = { random: { seed: 3, outOfMemory: 0.6 } };
    const result = await runExploration(fifthBuffer, { faults, schedules: 50 });
    const report = result.failure!;
    expect(report.failure.message).toBe('buffer 5 could not be allocated');
    expect(report.faults).not.toBeNull();
    expect(report.faults!.reproduced).toBe(true);
    expect(report.faults!.injected).toBeGreaterThan(1);
    expect(report.faults!.kept).toEqual(['out of memory at allocation 5']);
    expect(report.faults!.plan).toEqual({ outOfMemory: [{ allocation: 5 }] });
    expect(report.text).toContain(`faults (1 of the ${report.faults!.injected} injected still fail the same way`);
    expect(report.text).toContain('    - out of memory at allocation 5');
    // The token carries the fault: it replays without the faults option, and with it.
    expect(decodeReplayToken(report.token).faults).toEqual([{ kind: 'out-of-memory', at: 5 }]);
    expect(report.token.length).toBeLessThanOrEqual(200);
    expect((await replay(fifthBuffer, report.token)).failure?.message).toBe('buffer 5 could not be allocated');
    expect((await replay(fifthBuffer, report.token, { faults })).failure?.message).toBe('buffer 5 could not be allocated');
    // Without its fault the same schedule passes.
    expect((await replay(fifthBuffer, encodeToken(decodeReplayToken(report.token).picks))).failure).toBeNull();
  }, 60_000);

  it('keeps explicit faults that matter and drops those that do not', async () => {
    const faults = { outOfMemory: [{ allocation: 2 }, { allocation: 3 }, { allocation: 5 }, { allocation: 7 }] };
    const report = (await runExploration(fifthBuffer, { faults, schedules: 5 })).failure!;
    // Allocation 7 never happens: the program gives up at the fifth buffer.
    expect(report.faults!.injected).toBe(3);
    expect(report.faults!.kept).toEqual(['out of memory at allocation 5']);
  }, 60_000);

  it('a failure without faults reports none; shrink: false leaves faults alone', async () => {
    const failing: Scenario = { run: () => { throw new Error('always'); } };
    expect((await runExploration(failing, { schedules: 1 })).failure!.faults).toBeNull();
    const unshrunk = (await runExploration(fifthBuffer, { faults: { outOfMemory: [{ allocation: 5 }] }, schedules: 1, shrink: false })).failure!;
    expect(unshrunk.faults).toBeNull();
  });

  it('restates every kind of injected fault as an explicit plan entry', () => {
    const units = unitsOf([
      { kind: 'kernel-fault', time: 0n, what: 'k', rule: 'kernelFaults[1]', at: 3 },
      { kind: 'kernel-fault', time: 0n, what: 'k', rule: 'random.kernelFault', at: 4 },
      { kind: 'out-of-memory', time: 0n, what: 'a', rule: 'random.outOfMemory', at: 2 },
      { kind: 'slow', time: 0n, what: 's', rule: 'random.slow', at: 6, op: 'memcpy', extraNs: 500 },
      { kind: 'device-lost', time: 0n, what: 'l', rule: 'random.deviceLost', at: 9 },
    ]);
    expect(planOf(units, { kernelFaults: [{}, { message: 'bad tile' }] })).toEqual({
      kernelFaults: [{ dispatch: 3, message: 'bad tile' }, { dispatch: 4 }],
      outOfMemory: [{ allocation: 2 }],
      slow: [{ op: 'memcpy', nth: 6, extraNs: 500 }],
      deviceLost: { atSubmission: 9 },
    });
    const timed: FaultUnit[] = unitsOf([{ kind: 'device-lost', time: 100n, what: 'l', rule: 'deviceLost.atTimeNs', at: 100, timed: true }]);
    expect(planOf(timed)).toEqual({ deviceLost: { atTimeNs: 100 } });
    // Through a token and back.
    const token = encodeToken([0, 2], [...units, ...timed]);
    expect(decodeReplayToken(token)).toEqual({ picks: [0, 2], faults: [...units, ...timed] });
  });

  it('rejects a token whose fault part is malformed, naming the token', () => {
    expectHalError(() => decodeReplayToken('gx1.AA.BQ'), StatusCode.INVALID_ARGUMENT, 'replay token "gx1.AA.BQ"', 'truncated');
    expectHalError(() => decodeReplayToken('gx1.AA.AQk'), StatusCode.INVALID_ARGUMENT, 'unknown kind 9');
    expectHalError(() => decodeReplayToken('gx1.AA.AA.AA'), StatusCode.INVALID_ARGUMENT, 'more than two parts');
  });
});
