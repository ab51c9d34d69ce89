// The differential test of the hip backend: the same race-free programs (fills, updates, copies, integer kernel
// dispatches and command buffers with barriers, chained across 2–3 queues by semaphores and submitted in random
// order) on the simulator and on a real GPU must leave byte-identical buffers, both equal to the plain-TypeScript
// model, and both devices must release every driver object. sim_vs_sim.test.ts proves the programs race-free.
// Runs only with GPUHAL_HIP_GPU=1 on a GPU machine (scripts/gpu/verify.sh; see scripts/gpu/README.md).
import { describe, expect, it } from 'vitest';
import { GPU_ENABLED, GPU_NOTE, PLATFORM } from '../helpers/hip_gpu.js';
import type { HipPlatform } from '../../src/backends/hip/platform_api.js';
import { DIFFERENTIAL_CASES, caseName } from './cases.js';
import { runModel } from './model.js';
import { firstDifference, generateProgram, programStats, runOnFreshDevice } from './workload.js';

const MODES = ['graph', 'stream'] as const;
const SIM_SEED = 7;

describe.skipIf(!GPU_ENABLED).each(MODES)(`simulator vs GPU, byte for byte (%s mode)${GPU_NOTE}`, (commandBufferMode) => {
  it.each(DIFFERENTIAL_CASES.map((c) => [caseName(c), c] as const))('%s', async (_, { seed, steps }) => {
    const program = generateProgram(seed, { steps });
    const stats = programStats(program);
    const expected = runModel(program);
    const sim = await runOnFreshDevice({ backend: 'sim', seed: SIM_SEED, commandBufferMode }, program);
    const gpu = await runOnFreshDevice({ backend: 'hip', hip: { platform: PLATFORM as HipPlatform }, commandBufferMode }, program);
    const bytes = gpu.bytes.reduce((n, b) => n + b.length, 0);
    const kernels = Object.values(stats.dispatches).reduce((n, k) => n + k, 0);
    console.log(
      `[differential] program ${seed} ${commandBufferMode}: ${program.steps.length} steps on ${program.queueCount} queues ` +
        `(${stats.executes} executes, ${kernels} dispatches, ${stats.barriers} barriers, ${stats.crossQueueWaits} cross-queue waits, ` +
        `${stats.waitsBeforeSignal} waits before signal), ${bytes} bytes compared — ${gpu.label} vs ${sim.label}`,
    );
    expect(firstDifference(gpu.bytes, sim.bytes), `program ${seed}: GPU vs simulator`).toBeUndefined();
    expect(firstDifference(gpu.bytes, expected), `program ${seed}: GPU vs TS model`).toBeUndefined();
    expect(firstDifference(sim.bytes, expected), `program ${seed}: simulator vs TS model`).toBeUndefined();
    expect(sim.leftover, `${sim.label} driver objects after destroy`).toEqual({});
    expect(gpu.leftover, `${gpu.label} driver objects after destroy`).toEqual({});
  });
});
