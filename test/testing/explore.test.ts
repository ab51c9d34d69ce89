/**
 * The explorer's engine: replay tokens, option validation, the failure kinds (stall, checks, assertions), the
 * vitest pattern (explore() rejects with the report), exhaustive search with sleep sets, and driver reuse
 * replaying exactly like a fresh driver.
 */
import { describe, expect, it } from 'vitest';
import { createDevice, HalError, StatusCode, type Device } from '../../src/index.js';
import { SimDriver } from '../../src/backends/sim/driver.js';
import {
  decodeToken, encodeToken, explore, isScheduleFailure, replay, runExploration, seedsFromEnv, type Scenario,
} from '../../src/testing/index.js';
import { ExhaustiveSearch } from '../../src/testing/exhaustive.js';
import { RecordingSource } from '../../src/testing/choices.js';
import { RandomPicker } from '../../src/testing/strategies.js';
import { classifyError } from '../../src/testing/failure.js';
import { expectHalError, expectRejects } from '../helpers/hal_errors.js';

/** Two independent fills on two queues, then a read of each: correct, with plenty of orders. */
const independentFills: Scenario = {
  name: 'independent-fills',
  device: { queueCount: 2 },
  async run({ device }) {
    const a = device.createBuffer({ byteLength: 64 });
    const b = device.createBuffer({ byteLength: 64 });
    const sa = device.createSemaphore(0n);
    const sb = device.createSemaphore(0n);
    device.queues[0]!.fill({ buffer: a, pattern: 1, patternLength: 1, signals: [{ semaphore: sa, value: 1n }] });
    device.queues[1]!.fill({ buffer: b, pattern: 2, patternLength: 1, signals: [{ semaphore: sb, value: 1n }] });
    const [ra, rb] = await Promise.all([
      device.queues[0]!.read({ buffer: a, waits: [{ semaphore: sa, value: 1n }] }),
      device.queues[1]!.read({ buffer: b, waits: [{ semaphore: sb, value: 1n }] }),
    ]);
    if (ra[0] !== 1 || rb[0] !== 2) throw new Error(`read ${ra[0]} and ${rb[0]}`);
  },
};

/** The copy of b from a does not wait for the fill of a. */
const missingWait: Scenario = {
  name: 'missing-wait',
  device: { queueCount: 2 },
  async run({ device }) {
    const a = device.createBuffer({ byteLength: 64 });
    const b = device.createBuffer({ byteLength: 64 });
    const filled = device.createSemaphore(0n);
    const copied = device.createSemaphore(0n);
    device.queues[0]!.fill({ buffer: a, pattern: 7, patternLength: 1, signals: [{ semaphore: filled, value: 1n }] });
    await filled.wait(1n, { timeoutMs: 0 }).catch(() => undefined); // a poll: does not order anything
    device.queues[1]!.copy({ source: a, target: b, length: 64, signals: [{ semaphore: copied, value: 1n }] });
    const bytes = await device.queues[0]!.read({ buffer: b, waits: [{ semaphore: copied, value: 1n }, { semaphore: filled, value: 1n }] });
    if (bytes[0] !== 7) throw new Error(`b[0] is ${bytes[0]}, expected 7`);
  },
};

describe('replay tokens', () => {
  it('round-trip picks and stay short', () => {
    for (const picks of [[], [0, 0, 3], [1], [0, 2, 0, 0, 0, 0, 1, 0, 5], Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? 2 : 0))]) {
      const token = encodeToken(picks);
      expect(token.startsWith('gx1.')).toBe(true);
      let end = picks.length;
      while (end > 0 && picks[end - 1] === 0) end--;
      expect(decodeToken(token)).toEqual(picks.slice(0, end));
    }
    expect(encodeToken([0, 0, 0, 1, 0, 2]).length).toBeLessThan(20);
  });

  it('reject what is not a token with INVALID_ARGUMENT naming it', () => {
    expectHalError(() => decodeToken('hello'), StatusCode.INVALID_ARGUMENT, 'replay token', '"hello"', 'gx1.');
    expectHalError(() => decodeToken('gx1.!!'), StatusCode.INVALID_ARGUMENT, 'outside base64url');
    expectHalError(() => decodeToken('gx1.Ag'), StatusCode.INVALID_ARGUMENT, 'truncated');
    expectHalError(() => decodeToken(encodeToken([1]) + 'AA'), StatusCode.INVALID_ARGUMENT, 'trailing');
  });
});

describe('explore options', () => {
  it('are validated with a HalError naming the field and the value', async () => {
    await expectRejects(runExploration(independentFills, { schedules: 0 }), StatusCode.INVALID_ARGUMENT, 'options.schedules', '(got 0)');
    await expectRejects(runExploration(independentFills, { strategy: 'dfs' as never }), StatusCode.INVALID_ARGUMENT, 'options.strategy', 'dfs');
    await expectRejects(runExploration(independentFills, { depth: 1.5 }), StatusCode.INVALID_ARGUMENT, 'options.depth');
    await expectRejects(runExploration(independentFills, { schedulez: 5 } as never), StatusCode.INVALID_ARGUMENT, 'options.schedulez is not an option');
    await expectRejects(runExploration(42 as never), StatusCode.INVALID_ARGUMENT, 'scenario must be');
    await expectRejects(replay(independentFills, 'nope'), StatusCode.INVALID_ARGUMENT, 'replay token');
  });

  it('the environment sets the seed and schedule count for CI runs', () => {
    const saved = { ...process.env };
    try {
      process.env.GPUHAL_EXPLORE_SEED = '77';
      process.env.GPUHAL_EXPLORE_SCHEDULES = '5000';
      expect(seedsFromEnv({ schedules: 10 })).toEqual({ seed: 77, schedules: 5000 });
      process.env.GPUHAL_EXPLORE_SEED = 'x';
      expectHalError(() => seedsFromEnv(), StatusCode.INVALID_ARGUMENT, 'GPUHAL_EXPLORE_SEED', '"x"');
      delete process.env.GPUHAL_EXPLORE_SEED;
      delete process.env.GPUHAL_EXPLORE_SCHEDULES;
      expect(seedsFromEnv({ schedules: 10 })).toEqual({ seed: 1, schedules: 10 });
    } finally {
      process.env = saved;
    }
  });
});

describe('failures', () => {
  it('explore() resolves for a correct scenario and rejects with the shrunk report for a buggy one', async () => {
    const ok = await explore(independentFills, { schedules: 200 });
    expect(ok.schedules).toBe(200);
    let thrown: unknown;
    try {
      await explore(missingWait, { schedules: 200 });
    } catch (error) {
      thrown = error;
    }
    expect(isScheduleFailure(thrown)).toBe(true);
    const report = (thrown as { report: { token: string; text: string; failure: { kind: string } } }).report;
    expect(report.failure.kind).toBe('assertion');
    expect((thrown as Error).message).toContain(`replay token: ${report.token}`);
    expect((thrown as Error).message).toContain('--replay');
  });

  it('a scenario that waits for something nothing will signal is a stall, not a hang', async () => {
    const result = await runExploration(async ({ device }) => {
      const never = device.createSemaphore(0n, { label: 'never' });
      await never.wait(1n);
    }, { schedules: 5 });
    expect(result.failure?.failure.kind).toBe('stall');
    expect(result.failure?.failure.message).toMatch(/stall/);
  });

  it('an unexpected HalError fails the schedule with its code', async () => {
    const result = await runExploration(async ({ device }) => {
      device.createBuffer({ byteLength: -1 });
    }, { schedules: 1 });
    expect(result.failure?.failure.kind).toBe('hal-error');
    expect(result.failure?.failure.message).toMatch(/^INVALID_ARGUMENT: /);
  });

  it('checks plug in other failure kinds, run after each scenario with its device', async () => {
    const seen: Device[] = [];
    const result = await runExploration(independentFills, {
      schedules: 50,
      checks: [(device) => {
        seen.push(device);
        return seen.length === 3 ? { kind: 'race', message: 'a race report' } : null;
      }],
    });
    expect(result.failure?.failure).toEqual({ kind: 'race', message: 'a race report' });
    expect(result.failure?.schedule).toBe(2);
  });

  it('a driver leak at teardown is classified as a leak', () => {
    const leak = new HalError(StatusCode.INTERNAL, 'device d teardown: sim driver destroyed with live objects (leaked): 1 events');
    expect(classifyError(leak).kind).toBe('leak');
    expect(classifyError(new Error('expected 1')).kind).toBe('assertion');
  });
});

/** Two independent fills on two queues and a host wait for both. */
const twoFills: Scenario = {
  name: 'two-fills',
  device: { queueCount: 2 },
  async run({ device }) {
    const a = device.createBuffer({ byteLength: 64 });
    const b = device.createBuffer({ byteLength: 64 });
    const sa = device.createSemaphore(0n);
    const sb = device.createSemaphore(0n);
    device.queues[0]!.fill({ buffer: a, pattern: 1, patternLength: 1, signals: [{ semaphore: sa, value: 1n }] });
    device.queues[1]!.fill({ buffer: b, pattern: 2, patternLength: 1, signals: [{ semaphore: sb, value: 1n }] });
    await device.waitSemaphores('all', [{ semaphore: sa, value: 1n }, { semaphore: sb, value: 1n }]);
  },
};

describe('exhaustive exploration', () => {
  it('terminates on a small concurrent program, and sleep sets skip orders that only swap commuting events', async () => {
    const pruned = await runExploration(twoFills, { strategy: 'exhaustive', schedules: 100_000 });
    expect(pruned.failure).toBeNull();
    expect(pruned.exhausted).toBe(true);
    // Without pruning the same tree has every swap of the two fills' starts and completions (disjoint buffers).
    const full = await exhaustiveCount(twoFills, false);
    expect(pruned.schedules).toBeGreaterThan(1);
    expect(full).toBeGreaterThan(3 * pruned.schedules);
    expect(await exhaustiveCount(twoFills, true)).toBe(pruned.schedules);
  });

  it('finds a missing wait', async () => {
    const result = await runExploration(missingWait, { strategy: 'exhaustive', schedules: 10_000 });
    expect(result.failure?.failure.message).toMatch(/b\[0\] is 0/);
  });
});

describe('driver reuse', () => {
  it('a reset driver replays a schedule exactly like a fresh one', async () => {
    const logOf = async (driver: SimDriver | null, seed: number): Promise<string> => {
      const source = new RecordingSource(new RandomPicker(seed), 10_000);
      let device: Device;
      if (driver === null) {
        device = await createDevice({ backend: 'sim', queueCount: 2, memoryBytes: 16 * 1024 * 1024, sim: { schedule: source } });
      } else {
        driver.reset({ schedule: source });
        const { registerBackend } = await import('../../src/index.js');
        registerBackend('sim-reuse-test', { name: 'sim', probe: async () => ({ available: true, devices: [] }), open: async () => driver });
        device = await createDevice({ backend: 'sim-reuse-test', queueCount: 2 });
      }
      await independentFills.run({ device });
      const sim = (device as unknown as { core: { driver: SimDriver } }).core.driver;
      const log = JSON.stringify([sim.eventLog(), source.picks()]);
      await device[Symbol.asyncDispose]();
      return log;
    };
    const driver = new SimDriver({ memoryBytes: 16 * 1024 * 1024 });
    driver.destroy();
    for (const seed of [1, 2, 3]) {
      const fresh = await logOf(null, seed);
      expect(await logOf(driver, seed)).toBe(fresh);
      expect(await logOf(driver, seed)).toBe(fresh);
    }
  });

  it('reset refuses a live driver', () => {
    const driver = new SimDriver({ memoryBytes: 16 * 1024 * 1024 });
    expectHalError(() => driver.reset(), StatusCode.FAILED_PRECONDITION, 'destroy() the sim driver first');
    driver.destroy();
  });
});

async function exhaustiveCount(scenario: Scenario, prune: boolean): Promise<number> {
  const search = new ExhaustiveSearch(prune);
  let count = 0;
  for (let picker = search.next(); picker !== null; picker = search.next()) {
    const source = new RecordingSource(picker, 10_000);
    const device = await createDevice({ backend: 'sim', ...scenario.device, memoryBytes: 16 * 1024 * 1024, sim: { schedule: source } });
    await scenario.run({ device });
    await device[Symbol.asyncDispose]();
    count++;
  }
  return count;
}

describe('fault plans', () => {
  it('random faults draw their seed from each schedule, so a failure they cause replays from its token', async () => {
    const scenario: Scenario = {
      name: 'three-buffers',
      async run({ device }) {
        for (let i = 0; i < 3; i++) device.createBuffer({ byteLength: 1024, label: `b${i}` });
      },
    };
    const faults = { random: { seed: 11, outOfMemory: 0.2 } };
    const result = await runExploration(scenario, { schedules: 200, faults });
    expect(result.failure?.failure.kind).toBe('hal-error');
    expect(result.failure?.failure.message).toMatch(/^RESOURCE_EXHAUSTED: /);
    // The schedule as found replays with the plan (its random-fault seed is one of its choices)...
    const again = await replay(scenario, result.failure!.originalToken, { faults });
    expect(again.failure?.message).toBe(result.failure!.failure.message);
    // ...and without the plan it passes: the failure came from the injected fault.
    expect((await replay(scenario, result.failure!.originalToken)).failure).toBeNull();
    // The shrunk token carries its one fault, restated as an explicit one, so it fails even without the plan.
    expect(result.failure!.faults!.kept).toHaveLength(1);
    const shrunk = await replay(scenario, result.failure!.token);
    expect(shrunk.failure?.message).toBe(result.failure!.failure.message.replace('random.outOfMemory', 'outOfMemory[0]'));
    await expectRejects(runExploration(scenario, { faults: { random: { outOfMemory: 2 } } }), StatusCode.INVALID_ARGUMENT, 'outOfMemory');
  });
});

describe('race reports', () => {
  it('with the checker on, a missing wait is a race on the first schedule, whatever the bytes', async () => {
    // The fill and the copy on two queues with no semaphore between them; the assertion alone would pass on the
    // default order, where the copy reads before the fill and expects nothing in particular.
    const scenario: Scenario = {
      name: 'unordered-copy',
      device: { queueCount: 2, check: true },
      async run({ device }) {
        const a = device.createBuffer({ byteLength: 64 });
        const b = device.createBuffer({ byteLength: 64 });
        const filled = device.createSemaphore(0n);
        const copied = device.createSemaphore(0n);
        device.queues[0]!.fill({ buffer: a, pattern: 7, patternLength: 1, signals: [{ semaphore: filled, value: 1n }] });
        device.queues[1]!.copy({ source: a, target: b, length: 64, signals: [{ semaphore: copied, value: 1n }] });
        await device.waitSemaphores('all', [{ semaphore: filled, value: 1n }, { semaphore: copied, value: 1n }]);
      },
    };
    const result = await runExploration(scenario, { schedules: 10 });
    expect(result.failure?.schedule).toBe(0);
    expect(result.failure?.failure.kind).toBe('race');
    expect(result.failure?.failure.message).toMatch(/fill|copy/);
    const { check: _check, ...unchecked } = scenario.device!;
    expect((await runExploration({ ...scenario, device: unchecked }, { schedules: 10 })).failure).toBeNull();
  });

  it("a device checker's first report fails the schedule as a race", async () => {
    const { raceReportCheck } = await import('../../src/testing/failure.js');
    const report = { message: 'write-after-write: fill #1 and fill #2 overlap', fix: 'make fill #2 wait on s ≥ 1' };
    expect(await raceReportCheck({ checker: { reports: [report] } } as never)).toEqual({ kind: 'race', message: report.message, error: report });
    expect(await raceReportCheck({ checker: { reports: [] } } as never)).toBeNull();
    expect(await raceReportCheck({} as never)).toBeNull();
  });
});

describe('the explorer backend', () => {
  it('opens devices only for the explorer', async () => {
    await runExploration(async () => {}, { schedules: 1 }); // registers it
    await expectRejects(createDevice({ backend: 'sim-explore' }), StatusCode.FAILED_PRECONDITION, "gpuhal/testing's explorer only");
  });
});
