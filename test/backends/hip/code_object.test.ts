// AMD code objects built from the sample HIP-C source without an AMD GPU: through the backend's own hiprtc path
// (the real libamdhip64 / libhiprtc) and through hipcc, checked as AMDGPU HSA ELF files with every kernel's
// descriptor symbol.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HIP_LIBRARY_CANDIDATES } from '../../../src/backends/hip/amd_api.js';
import { isLoaded, loadFirst } from '../../../src/backends/hip/library.js';
import { loadRuntimeCompiler } from '../../../src/backends/hip/rtc.js';
import { HalError, StatusCode } from '../../../src/core/errors.js';
import { hipKernels, sampleHipSource } from '../../../src/kernels/hip_source.js';
import { EF_AMDGPU_MACH, EF_AMDGPU_MACH_GFX90A, ELFOSABI_AMDGPU_HSA, EM_AMDGPU, readElf } from '../../helpers/hip_elf.js';
import { hipLibraryMissing, onPath, requirement } from '../../helpers/hip_env.js';

const KERNELS = Object.keys(hipKernels);

function expectGfx90aCodeObject(bytes: Uint8Array): void {
  const elf = readElf(bytes);
  expect(elf.machine).toBe(EM_AMDGPU);
  expect(elf.osAbi).toBe(ELFOSABI_AMDGPU_HSA);
  expect(elf.type).toBe(3); // ET_DYN: a loadable code object
  expect(elf.flags & EF_AMDGPU_MACH).toBe(EF_AMDGPU_MACH_GFX90A);
  expect(elf.sections).toEqual(expect.arrayContaining(['.text', '.note']));
  for (const kernel of KERNELS) {
    expect(elf.symbols).toContain(kernel);
    expect(elf.symbols).toContain(`${kernel}.kd`); // the kernel descriptor hipModuleGetFunction looks up
  }
}

const hip = requirement(hipLibraryMissing());

describe.skipIf(hip.skip)(`hiprtc through the backend's runtime compiler${hip.note}`, () => {
  const hipLibrary = () => {
    const loaded = loadFirst(HIP_LIBRARY_CANDIDATES);
    return isLoaded(loaded) ? loaded.name : undefined;
  };

  it('compiles the sample kernels to a gfx90a code object, cached by source + options + target', { timeout: 120_000 }, () => {
    const compiler = loadRuntimeCompiler('amd', 'gfx90a', hipLibrary());
    expect(compiler.description).toMatch(/^hiprtc \(.+\) for gfx90a$/);
    const code = compiler.compile(sampleHipSource, [], 'samples');
    expectGfx90aCodeObject(code);
    expect(compiler.compile(sampleHipSource, [], 'samples')).toBe(code); // the same object: served from the cache
  });

  it('a compile error is INVALID_ARGUMENT with the compiler log and the module label', { timeout: 120_000 }, () => {
    const compiler = loadRuntimeCompiler('amd', 'gfx90a', hipLibrary());
    let error: unknown;
    try {
      compiler.compile('extern "C" __global__ void broken(int* p) { p[0] = undeclared_name; }', [], 'broken-module');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HalError);
    expect((error as HalError).code).toBe(StatusCode.INVALID_ARGUMENT);
    expect((error as HalError).message).toContain("hiprtcCompileProgram failed for module 'broken-module'");
    expect((error as HalError).message).toContain('undeclared_name');
    expect((error as HalError).driver).toMatchObject({ api: 'hiprtc', call: 'hiprtcCompileProgram' });
  });
});

const hipcc = requirement(onPath('hipcc') ? undefined : 'hipcc not on PATH (apt-get install hipcc rocm-device-libs)');

describe.skipIf(hipcc.skip)(`hipcc offline build${hipcc.note}`, () => {
  it('builds an unbundled gfx90a code object from the sample source', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuhal-hipcc-'));
    const src = join(dir, 'samples.hip');
    const out = join(dir, 'samples.gfx90a.co');
    writeFileSync(src, sampleHipSource);
    execFileSync(
      'hipcc',
      ['--offload-arch=gfx90a', '--cuda-device-only', '--no-gpu-bundle-output', '-c', '-O3', '-o', out, src],
      // HIP_PLATFORM: hipcc would pick nvcc on a machine that also has CUDA installed.
      { stdio: 'pipe', env: { ...process.env, HIP_PLATFORM: 'amd' } },
    );
    expectGfx90aCodeObject(new Uint8Array(readFileSync(out)));
  });
});
