// The sample kernels' HIP-C on the simulator with no compiler at all: the build's prebuilt images (generated/
// hipc_samples.ts) serve the sample executable with memory checks on and off, without clang, without the
// post-processor and without the disk cache. A user's own HIP-C still needs clang (UNAVAILABLE naming the package),
// and a manifest that also ships a 'sim-wasm' payload falls back to it.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StatusCode } from '../../../../src/core/errors.js';
import { f32Bits, sampleExecutableManifestInput, sampleKernelSpec, workgroupsFor } from '../../../../src/kernels/index.js';
import { expectRejects, testDevice } from '../../../helpers/device.js';

const calls = vi.hoisted(() => ({ clang: 0, postprocess: 0 }));

vi.mock('../../../../src/backends/sim/hipc/clang.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../../src/backends/sim/hipc/clang.js')>();
  return {
    ...actual,
    // What a missing package answers: the real error of importing a package that is not installed.
    runClang: async () => {
      calls.clang++;
      await actual.importClang(`${actual.CLANG_PACKAGE}-not-installed`);
      throw new Error('unreachable');
    },
  };
});

vi.mock('../../../../src/backends/sim/hipc/postprocess.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../../src/backends/sim/hipc/postprocess.js')>();
  return {
    ...actual,
    postprocess: (...args: Parameters<typeof actual.postprocess>) => {
      calls.postprocess++;
      return actual.postprocess(...args);
    },
  };
});

let cacheDir: string;
let saved: string | undefined;
beforeAll(() => {
  saved = process.env['GPUHAL_CACHE_DIR'];
  cacheDir = mkdtempSync(join(tmpdir(), 'gpuhal-prebuilt-test-'));
  process.env['GPUHAL_CACHE_DIR'] = cacheDir;
});
afterAll(() => {
  if (saved === undefined) delete process.env['GPUHAL_CACHE_DIR'];
  else process.env['GPUHAL_CACHE_DIR'] = saved;
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('the sample executable without clang', () => {
  it.each([true, false])('loads its HIP-C payload and runs saxpy_f32 (kernelMemoryChecks %s)', async (kernelMemoryChecks) => {
    const device = await testDevice({ backend: 'sim', sim: { kernelMemoryChecks } });
    const exe = await device.createExecutable(sampleExecutableManifestInput());
    expect(exe.format).toBe('hip-source');
    const count = 1000;
    const xs = Float32Array.from({ length: count }, (_, i) => i * 0.5 - 7);
    const ys = Float32Array.from({ length: count }, (_, i) => 1000 - i / 3);
    const x = device.createBuffer({ byteLength: count * 4 });
    const y = device.createBuffer({ byteLength: count * 4 });
    await device.upload(x, new Uint8Array(xs.buffer));
    await device.upload(y, new Uint8Array(ys.buffer));
    const entry = exe.entryPoint('saxpy_f32');
    const cb = device.createCommandBuffer();
    cb.begin();
    cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: x }, { binding: 1, buffer: y }] });
    cb.pushConstants({ layout: entry.layout, values: [f32Bits(2.5), count] });
    cb.dispatch({ executable: exe, entryPoint: 'saxpy_f32', workgroupCount: [workgroupsFor(sampleKernelSpec('saxpy_f32'), count), 1, 1] });
    cb.end();
    const done = device.createSemaphore(0n);
    device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: done, value: 1n }] });
    await done.wait(1n);
    const out = await device.download(y);
    expect(Array.from(new Float32Array(out.buffer, out.byteOffset, count))).toEqual(Array.from(xs, (v, i) => Math.fround(Math.fround(2.5 * v) + ys[i]!)));
    expect(calls).toEqual({ clang: 0, postprocess: 0 });
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it("a user's own HIP-C source is UNAVAILABLE, naming the package", async () => {
    const device = await testDevice({ backend: 'sim' });
    const m = sampleExecutableManifestInput();
    const source = `${m.payloads['hip-source'].source}\n// a user's edit\n`;
    await expectRejects(device.createExecutable({ ...m, payloads: { 'hip-source': { source } } }), StatusCode.UNAVAILABLE, 'needs the optional package @yowasp/clang-not-installed');
    expect(calls.clang).toBe(1);
  });

  it("a manifest that also carries 'sim-wasm' falls back to it", async () => {
    const device = await testDevice({ backend: 'sim' });
    const m = sampleExecutableManifestInput();
    const source = `${m.payloads['hip-source'].source}\n// a user's edit\n`;
    const exe = await device.createExecutable({ ...m, payloads: { ...m.payloads, 'hip-source': { source } } });
    expect(exe.format).toBe('sim-wasm');
    expect(calls.clang).toBe(2);
  });
});
