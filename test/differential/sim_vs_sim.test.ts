// The differential workloads on the simulator alone, in every `npm test`: the same program on three simulator seeds
// (which order unordered work differently, docs/design.md rule 11) and in the plain-TypeScript model must give the same
// bytes. That is what proves the generator's programs race-free, so that sim_vs_hip.test.ts may demand byte
// equality from a GPU. A deliberately racy program shows the comparison can fail.
import { describe, expect, it } from 'vitest';
import { DIFFERENTIAL_CASES, caseName } from './cases.js';
import { runModel } from './model.js';
import { INTEGER_KERNELS, type Program, REGION_BYTES } from './program.js';
import { firstDifference, generateProgram, programStats, runOnFreshDevice } from './workload.js';

const MODES = ['graph', 'stream'] as const;
const SIM_SEEDS = [11, 977, 31337];

describe.each(MODES)('differential workloads on three simulator seeds (%s mode)', (commandBufferMode) => {
  it.each(DIFFERENTIAL_CASES.map((c) => [caseName(c), c] as const))(`%s: sim seeds ${SIM_SEEDS.join(' and ')} and the TS model agree byte for byte`, async (_, { seed, steps }) => {
    const program = generateProgram(seed, { steps });
    const expected = runModel(program);
    for (const simSeed of SIM_SEEDS) {
      const run = await runOnFreshDevice({ backend: 'sim', seed: simSeed, commandBufferMode }, program);
      expect(run.leftover, `${run.label} driver objects after destroy`).toEqual({});
      expect(firstDifference(run.bytes, expected), `program ${seed}, sim seed ${simSeed} vs model`).toBeUndefined();
    }
  });
});

describe('the workload generator', () => {
  it('is deterministic: the same seed gives the same program', () => {
    const strip = (p: Program): string => JSON.stringify(p, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v));
    expect(strip(generateProgram(3))).toBe(strip(generateProgram(3)));
    expect(strip(generateProgram(3))).not.toBe(strip(generateProgram(4)));
  });

  it('exercises what the differential test claims to cover, over the seeds it uses', () => {
    const stats = DIFFERENTIAL_CASES.map(({ seed, steps }) => programStats(generateProgram(seed, { steps })));
    const sum = (f: (s: (typeof stats)[number]) => number): number => stats.reduce((n, s) => n + f(s), 0);
    for (const kernel of INTEGER_KERNELS) expect(sum((s) => s.dispatches[kernel]), `${kernel} dispatches`).toBeGreaterThan(0);
    expect(new Set(stats.flatMap((s) => [...s.fillPatternLengths]))).toEqual(new Set([1, 2, 4]));
    expect(sum((s) => s.barriers), 'command-buffer barriers').toBeGreaterThan(0);
    expect(sum((s) => s.bindingTables), 'command buffers with binding tables').toBeGreaterThan(0);
    expect(sum((s) => s.reExecutes), 'reusable command buffers executed again').toBeGreaterThan(0);
    expect(sum((s) => s.joins), 'queue barriers joining chains').toBeGreaterThan(0);
    // Every program, not just the set: each one crosses queues and submits waits before their signals.
    for (const s of stats) {
      expect(s.crossQueueWaits, 'cross-queue waits').toBeGreaterThan(0);
      expect(s.waitsBeforeSignal, 'waits submitted before their signal').toBeGreaterThan(0);
      expect(s.executes).toBeGreaterThan(0);
    }
  });

  it('negative control: a generated program stripped of its semaphore ordering gives other bytes on the simulator', async () => {
    // Same steps, but each signals a semaphore of its own and waits only for the host's go: nothing is ordered.
    const program = generateProgram(1);
    const unordered: Program = {
      ...program,
      chainCount: program.steps.length,
      steps: program.steps.map((s) => ({ ...s, chain: s.id, value: 1n, waits: [{ chain: -1, value: 1n }] })),
      chainEnds: program.steps.map(() => 1n),
    };
    const expected = runModel(program);
    const differing: number[] = [];
    for (const simSeed of SIM_SEEDS) {
      const run = await runOnFreshDevice({ backend: 'sim', seed: simSeed }, unordered);
      if (firstDifference(run.bytes, expected) !== undefined) differing.push(simSeed);
    }
    expect(differing.length, 'sim seeds whose unordered run differs from the model').toBeGreaterThan(0);
  });

  it('negative control: two unordered fills of one region on two queues differ across simulator seeds', async () => {
    // Hand-built, not generated: both fills wait only for the host's go, so nothing orders them (rule 4).
    const target = { buffer: 0, offset: 0, length: REGION_BYTES };
    const racy: Program = {
      seed: -1,
      queueCount: 2,
      chainCount: 2,
      bufferSizes: [REGION_BYTES],
      commandBuffers: [],
      steps: [
        { id: 0, queue: 0, chain: 0, value: 1n, waits: [{ chain: -1, value: 1n }], work: { op: 'fill', target, pattern: 0xaa, patternLength: 1 } },
        { id: 1, queue: 1, chain: 1, value: 1n, waits: [{ chain: -1, value: 1n }], work: { op: 'fill', target, pattern: 0x55, patternLength: 1 } },
      ],
      submitOrder: [0, 1],
      chainEnds: [1n, 1n],
      readQueues: [0],
    };
    const outcomes = new Set<number>();
    for (let simSeed = 1; simSeed <= 24 && outcomes.size < 2; simSeed++) {
      const run = await runOnFreshDevice({ backend: 'sim', seed: simSeed }, racy);
      outcomes.add(run.bytes[0]![0]!);
    }
    expect(outcomes).toEqual(new Set([0xaa, 0x55]));
  });
});
