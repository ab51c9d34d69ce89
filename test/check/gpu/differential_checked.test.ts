// The race checker on a real GPU: every differential workload (race-free by construction, proven byte for byte on
// the simulator and the GPU) runs on the hip backend with `check: true` and must draw zero reports, while still
// leaving the bytes the TypeScript model computes. The checker sits above the driver seam, so this checks the real
// run's submissions. Runs only with GPUHAL_HIP_GPU=1 (scripts/gpu/verify.sh, step "checker").
import { describe, expect, it } from 'vitest';
import { createDevice } from '../../../src/index.js';
import { GPU_ENABLED, GPU_NOTE, PLATFORM } from '../../helpers/hip_gpu.js';
import { DIFFERENTIAL_CASES, caseName } from '../../differential/cases.js';
import { runModel } from '../../differential/model.js';
import { firstDifference, generateProgram, runProgram } from '../../differential/workload.js';
import type { HipPlatform } from '../../../src/backends/hip/platform_api.js';

describe.skipIf(!GPU_ENABLED).each(['graph', 'stream'] as const)(`differential workloads checked on the GPU (%s mode)${GPU_NOTE}`, (commandBufferMode) => {
  it.each(DIFFERENTIAL_CASES.map((c) => [caseName(c), c] as const))('%s: zero race reports, model bytes', async (_, { seed, steps }) => {
    const program = generateProgram(seed, { steps });
    const device = await createDevice({ backend: 'hip', hip: { platform: PLATFORM as HipPlatform }, commandBufferMode, queueCount: program.queueCount, check: true });
    try {
      const bytes = await runProgram(device, program);
      expect(device.checker!.failure, 'the checker itself').toBeUndefined();
      expect(device.checker!.reports.map((r) => r.message)).toEqual([]);
      expect(device.checker!.stats().checkedOperations).toBeGreaterThanOrEqual(program.steps.length);
      expect(firstDifference(bytes, runModel(program)), `program ${seed}: checked GPU run vs TS model`).toBeUndefined();
    } finally {
      device.destroy();
    }
  });
});
