// The differential test: every sample kernel runs through the hip driver on a real GPU (the sample executable's
// HIP-C payload, compiled at load time by nvrtc or hiprtc) and must equal the TypeScript reference — the same
// reference the simulator's WASM kernels are held to — byte for byte, floats included.
// Runs only with GPUHAL_HIP_GPU=1 on a GPU machine (see scripts/gpu/README.md).
import { beforeAll, describe, expect, it } from 'vitest';
import type { DriverFunction } from '../../../src/core/driver.js';
import { findEntryPoint, selectPayload } from '../../../src/core/executable_manifest.js';
import { sampleKernelSpecs, type SampleKernelName } from '../../../src/kernels/kernel_specs.js';
import { sampleExecutableManifest } from '../../../src/kernels/samples.js';
import { gpuStream } from '../../helpers/gpu_stream.js';
import { GPU_ENABLED, GPU_NOTE } from '../../helpers/hip_gpu.js';
import { expectSameOutputs, randomCase, referenceOutputs } from '../../helpers/kernels.js';

describe.skipIf(!GPU_ENABLED)(`sample kernels on a GPU equal their references${GPU_NOTE}`, () => {
  const manifest = sampleExecutableManifest();
  const gpu = gpuStream();
  const fns = new Map<string, DriverFunction>();

  beforeAll(() => {
    const image = selectPayload(manifest, gpu.driver.info.formats);
    console.log(`[gpu] ${gpu.driver.info.name}: loading the sample executable's ${image.format} payload`);
    const module = gpu.load(image);
    for (const entry of manifest.entryPoints) fns.set(entry.name, gpu.driver.moduleGetFunction(module, entry.name));
  });

  function run(
    name: SampleKernelName, inputs: readonly Uint8Array[], constants: readonly number[],
    workgroupSize: readonly [number, number, number], workgroupCount: readonly [number, number, number],
  ): Promise<Uint8Array[]> {
    return gpu.run(inputs, [{
      fn: fns.get(name)!, workgroupCount, workgroupSize, sharedMemoryBytes: findEntryPoint(manifest, name).sharedMemoryBytes, constants,
    }]);
  }

  for (const spec of sampleKernelSpecs) {
    it(`${spec.name} over sizes 1 … 2^20 + 3`, async () => {
      const per = spec.workgroupSize[0] * spec.workgroupSize[1] * spec.workgroupSize[2];
      for (const count of [1, 5, 257, 4099, (1 << 20) + 3]) {
        const { inputs, constants } = randomCase(spec.name, count, 17);
        const outputs = await run(spec.name, inputs, constants, spec.workgroupSize, [Math.ceil(count / per), 1, 1]);
        expectSameOutputs(expect, outputs, referenceOutputs(spec.name, inputs, constants), `${spec.name} count ${count}`);
      }
    });

    it(`${spec.name} with 3-D workgroups in a 3-D grid, and with fewer invocations than elements`, async () => {
      const shaped = randomCase(spec.name, 30 * 12 - 7, 5);
      expectSameOutputs(expect, await run(spec.name, shaped.inputs, shaped.constants, [5, 3, 2], [3, 2, 2]),
        referenceOutputs(spec.name, shaped.inputs, shaped.constants), `${spec.name} 3-D`);
      const short = randomCase(spec.name, 1000, 3);
      expectSameOutputs(expect, await run(spec.name, short.inputs, short.constants, [64, 1, 1], [10, 1, 1]),
        referenceOutputs(spec.name, short.inputs, short.constants, 640), `${spec.name} 640 of 1000`);
    });
  }
});
