// The GPU differential: every HIP-C kernel (the samples' source and kernels/*.hip) runs through nvrtc/hiprtc on a
// real GPU and on the simulator, from the same source string and the same inputs; integer outputs must be
// byte-identical, float outputs too where the operation order and rounding are fixed (matmul, saxpy), softmax
// within SOFTMAX_ULP_BOUND ulp (expf). On the GPU machine the simulator's modules come from the compile cache that
// scripts/gpu/pack.sh fills (.device/hipc-cache): that machine has no clang.
// Runs only with GPUHAL_HIP_GPU=1 on a GPU machine (scripts/gpu/verify.sh, step hipc-gpu).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { DriverFunction, DriverModule, DriverStream, GpuDriver, KernelBinding } from '../../../../../src/core/driver.js';
import { drain, GPU_ENABLED, GPU_NOTE, openGpu } from '../../../../helpers/hip_gpu.js';
import { differentialCases, type DifferentialCase } from '../../../../helpers/hipc_cases.js';
import { asF32, runHip } from '../../../../helpers/hipc.js';
import { ulpDistance } from '../../../../helpers/hipc_references.js';

process.env['GPUHAL_CACHE_DIR'] ??= fileURLToPath(new URL('../../../../../.device/hipc-cache', import.meta.url));

describe.skipIf(!GPU_ENABLED)(`HIP-C kernels: GPU and simulator agree${GPU_NOTE}`, { timeout: 120_000 }, () => {
  let driver: GpuDriver;
  let stream: DriverStream;
  const modules = new Map<string, DriverModule>();

  beforeAll(async () => {
    driver = await openGpu();
    stream = driver.streamCreate();
  });

  afterAll(() => {
    for (const m of modules.values()) driver?.moduleUnload(m);
    driver?.streamDestroy(stream);
    driver?.destroy();
  });

  function fn(source: string, entry: string): DriverFunction {
    let module = modules.get(source);
    if (module === undefined) {
      module = driver.moduleLoad({ format: 'hip-source', source, label: 'hipc_differential' });
      modules.set(source, module);
    }
    return driver.moduleGetFunction(module, entry);
  }

  async function onGpu(c: DifferentialCase): Promise<Uint8Array[]> {
    const first = c.launches[0]!;
    const bindings: KernelBinding[] = first.inputs.map((data) => {
      const ptr = driver.memAlloc(Math.max(data.byteLength, 4));
      driver.memcpyHtoDAsync(ptr, data, stream);
      return { ptr, byteLength: data.byteLength };
    });
    for (const l of c.launches) {
      driver.launchKernel({
        fn: fn(c.source, l.entry), workgroupCount: [...l.grid] as [number, number, number], workgroupSize: [...l.block] as [number, number, number],
        sharedMemoryBytes: l.sharedMemoryBytes ?? 0, bindings, constants: Uint32Array.from(l.constants ?? [], (v) => v >>> 0),
      }, stream);
    }
    const readbacks = bindings.map((b) => driver.memcpyDtoHAsync(b.ptr, b.byteLength, stream));
    await drain(driver, stream);
    const outputs = readbacks.map((r) => { const bytes = r.take(); r.release(); return bytes; });
    for (const b of bindings) driver.memFree(b.ptr);
    return outputs;
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
