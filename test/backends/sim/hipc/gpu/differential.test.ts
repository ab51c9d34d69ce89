// The GPU differential: every HIP-C kernel (the samples' source and kernels/*.hip) runs through nvrtc/hiprtc on a
// real GPU and on the simulator, from the same source string and the same inputs; integer outputs must be
// byte-identical, float outputs too where the operation order and rounding are fixed (matmul, saxpy), softmax
// within SOFTMAX_ULP_BOUND ulp (expf). On the GPU machine the simulator's modules come from the compile cache that
// scripts/gpu/pack.sh fills (.device/hipc-cache): that machine has no clang.
// Runs only with GPUHAL_HIP_GPU=1 on a GPU machine (scripts/gpu/verify.sh, step hipc-gpu).
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { DriverFunction, DriverModule } from '../../../../../src/core/driver.js';
import { gpuStream } from '../../../../helpers/gpu_stream.js';
import { GPU_ENABLED, GPU_NOTE } from '../../../../helpers/hip_gpu.js';
import { differentialCases, type DifferentialCase } from '../../../../helpers/hipc_cases.js';
import { asF32, runHip } from '../../../../helpers/hipc.js';
import { ulpDistance } from '../../../../helpers/hipc_references.js';

process.env['GPUHAL_CACHE_DIR'] ??= fileURLToPath(new URL('../../../../../.device/hipc-cache', import.meta.url));

describe.skipIf(!GPU_ENABLED)(`HIP-C kernels: GPU and simulator agree${GPU_NOTE}`, { timeout: 120_000 }, () => {
  const gpu = gpuStream();
  const modules = new Map<string, DriverModule>();

  function fn(source: string, entry: string): DriverFunction {
    let module = modules.get(source);
    if (module === undefined) {
      module = gpu.load({ format: 'hip-source', source, label: 'hipc_differential' });
      modules.set(source, module);
    }
    return gpu.driver.moduleGetFunction(module, entry);
  }

  /** Every launch of a case sees the first launch's inputs, as on the simulator (runHip). */
  function onGpu(c: DifferentialCase): Promise<Uint8Array[]> {
    return gpu.run(c.launches[0]!.inputs, c.launches.map((l) => ({
      fn: fn(c.source, l.entry), workgroupCount: l.grid, workgroupSize: l.block,
      sharedMemoryBytes: l.sharedMemoryBytes ?? 0, constants: l.constants ?? [],
    })));
  }

  for (const c of differentialCases()) {
    it(`${c.name}: ${c.compare === 'exact' ? 'byte-identical' : `within ${c.compare.ulp} ulp`}`, async () => {
      const sim = await runHip(c.source, c.launches);
      expect(sim.error).toBeUndefined();
      const gpu = await onGpu(c);
      gpu.forEach((bytes, i) => {
        const simBytes = sim.outputs[i]!;
        if (c.compare === 'exact') {
          const first = bytes.findIndex((b, j) => b !== simBytes[j]);
          expect(first, `${c.name} binding ${i}: first differing byte`).toBe(-1);
        } else {
          const g = asF32(bytes), s = asF32(simBytes);
          let worst = 0;
          for (let j = 0; j < g.length; j++) worst = Math.max(worst, ulpDistance(g[j]!, s[j]!));
          console.log(`[gpu] ${c.name} binding ${i}: largest difference ${worst} ulp`);
          expect(worst).toBeLessThanOrEqual(c.compare.ulp);
        }
      });
    });
  }
});
