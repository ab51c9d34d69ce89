// The sample kernels written once: their HIP-C source (src/kernels/hip_source.ts, the same string hiprtc and nvrtc
// compile on a GPU) compiled for the simulator, against the TypeScript references and against the AssemblyScript
// twins — byte for byte. The build's prebuilt images of that source (what the simulator loads by default) are
// exactly what the pipeline compiles now.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../../src/core/errors.js';
import { compileHipSource, forgetCompiledModules } from '../../../../src/backends/sim/hipc/compiler.js';
import { prebuiltImage } from '../../../../src/backends/sim/hipc/prebuilt.js';
import { WasmDevice } from '../../../../src/backends/sim/wasm_device.js';
import { sampleExecutableManifestInput } from '../../../../src/kernels/samples.js';
import { expectRejects, testDevice } from '../../../helpers/device.js';
import { sampleHipSource } from '../../../../src/kernels/hip_source.js';
import { sampleKernelSpecs, workgroupsFor } from '../../../../src/kernels/kernel_specs.js';
import { newRunner, randomCase, referenceOutputs, runKernel } from '../../../helpers/kernels.js';
import { runHip } from '../../../helpers/hipc.js';

describe('sample kernels from one HIP-C source on the simulator', { timeout: 300_000 }, () => {
  const assemblyScript = newRunner();
  for (const spec of sampleKernelSpecs) {
    it.each([1, 255, 1000, 4099])(`${spec.name} over %i elements matches the reference and the AssemblyScript kernel`, async (count) => {
      const { inputs, constants } = randomCase(spec.name, count, 17);
      const run = await runHip(sampleHipSource, {
        entry: spec.name, grid: [workgroupsFor(spec, count), 1, 1], block: [...spec.workgroupSize] as [number, number, number],
        sharedMemoryBytes: spec.sharedMemoryBytes, inputs, constants,
      });
      expect(run.error).toBeUndefined();
      const expected = referenceOutputs(spec.name, inputs, constants);
      run.outputs.forEach((out, i) => expect(Buffer.from(out).equals(Buffer.from(expected[i]!)), `${spec.name} binding ${i}`).toBe(true));
      const twin = runKernel(assemblyScript, spec.name, inputs, constants);
      run.outputs.forEach((out, i) => expect(Buffer.from(out).equals(Buffer.from(twin.outputs[i]!)), `${spec.name} binding ${i} vs AssemblyScript`).toBe(true));
    });
  }
});

describe('only kernels that reach a barrier run as coroutines', { timeout: 300_000 }, () => {
  it('the samples: histogram_u8 and reduce_sum_u32 use __syncthreads, the other five run straight (no Asyncify)', async () => {
    const { compileHipSource } = await import('../../../../src/backends/sim/hipc/compiler.js');
    const compiled = await compileHipSource({ source: sampleHipSource, compileOptions: [], scratchAddress: 4096, memoryChecks: true, label: 'samples' });
    expect(compiled.kernels).toEqual({
      fill_u32: false, copy_u32: false, add_i32: false, scale_i32: false, saxpy_f32: false, histogram_u8: true, reduce_sum_u32: true,
    });
    // Every other import of the device header became a wasm body; what is left comes from the device.
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(compiled.wasm as Uint8Array<ArrayBuffer>));
    expect(imports.map((i) => `${i.module}.${i.name}`).sort()).toEqual(['env.memory', 'gh.explore_every_workgroup', 'gh.random', 'gh.set_running_workgroup_x', 'gh.thread_memory']);
  });
});

describe('the prebuilt sample images', { timeout: 300_000 }, () => {
  it.each([true, false])('are byte for byte what the pipeline compiles now (memory checks %s), and serve only that request', async (memoryChecks) => {
    const request = { source: sampleHipSource, compileOptions: [], scratchAddress: new WasmDevice(1 << 20, 1 << 16).sharedScratchPtr, memoryChecks, label: 'gpuhal_samples' };
    const prebuilt = prebuiltImage(request);
    expect(prebuilt).toBeDefined();
    const saved = process.env['GPUHAL_CACHE_DIR'];
    const dir = mkdtempSync(join(tmpdir(), 'gpuhal-prebuilt-'));
    process.env['GPUHAL_CACHE_DIR'] = dir;
    try {
      forgetCompiledModules();
      const compiled = await compileHipSource(request);
      expect(compiled.from).toBe('compiler');
      expect(Buffer.from(prebuilt!.wasm).equals(Buffer.from(compiled.wasm))).toBe(true);
      expect(prebuilt!.kernels).toEqual(compiled.kernels);
      expect(prebuilt!.threadMemory).toBe(compiled.threadMemory);
    } finally {
      if (saved === undefined) delete process.env['GPUHAL_CACHE_DIR'];
      else process.env['GPUHAL_CACHE_DIR'] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
    // Any other input is another request: another source, options, scratch address.
    expect(prebuiltImage({ ...request, source: `${sampleHipSource} ` })).toBeUndefined();
    expect(prebuiltImage({ ...request, compileOptions: ['-DX=1'] })).toBeUndefined();
    expect(prebuiltImage({ ...request, scratchAddress: request.scratchAddress + 256 })).toBeUndefined();
  });

  it("a compile error in a manifest's HIP-C is reported, not hidden by falling back to its 'sim-wasm' payload", async () => {
    const device = await testDevice({ backend: 'sim' });
    const m = sampleExecutableManifestInput();
    const source = `${m.payloads['hip-source'].source}\nextern "C" __global__ void broken(unsigned* p) { p[0] = undeclared; }\n`;
    await expectRejects(device.createExecutable({ ...m, payloads: { ...m.payloads, 'hip-source': { source } } }), StatusCode.INVALID_ARGUMENT, /undeclared/);
  });
});
