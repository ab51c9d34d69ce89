// The HIP-C twins compile for NVIDIA with the CUDA toolchain found on this machine (nvcc, the same front end
// nvrtc uses), and each compiled entry point has exactly the parameter list the layout promises: bindings as
// 64-bit addresses, then the push constants as 32-bit values. With hipcc present, they compile for AMD too.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import { afterAll, describe, expect, it } from 'vitest';
import { hipKernels, hipSourceFor, sampleHipSource } from '../../src/kernels/hip_source.js';
import { sampleKernelSpecs } from '../../src/kernels/kernel_specs.js';

function toolVersion(tool: string): string | undefined {
  const probe = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim().split('\n').pop() : undefined;
}

const nvcc = toolVersion('nvcc');
const gcc = toolVersion('gcc');
const hipcc = toolVersion('hipcc');
/** 'amd' or 'nvidia': which compiler hipcc drives here. */
const hipPlatform = hipcc === undefined ? undefined : spawnSync('hipconfig', ['--platform'], { encoding: 'utf8' }).stdout?.trim();
const hiprtc = loadHiprtc();
const objdump = ['llvm-objdump', '/usr/lib/llvm-17/bin/llvm-objdump', '/usr/lib/llvm-16/bin/llvm-objdump', '/usr/lib/llvm-15/bin/llvm-objdump']
  .find((tool) => spawnSync(tool, ['--version']).status === 0);

/** hiprtc from libamdhip64 (it compiles for AMD targets without an AMD GPU), or why it is unavailable. */
function loadHiprtc(): { compile(source: string, options: string[]): { code: Uint8Array; log: string } } | string {
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load('libamdhip64.so.5');
  } catch {
    try {
      lib = koffi.load('libamdhip64.so');
    } catch (e) {
      return `libamdhip64 not loadable (${(e as Error).message.split('\n')[0]})`;
    }
  }
  const create = lib.func('int hiprtcCreateProgram(_Out_ void** prog, const char* src, const char* name, int n, void* h, void* i)');
  const compile = lib.func('int hiprtcCompileProgram(void* prog, int n, const char** opts)');
  const logSize = lib.func('int hiprtcGetProgramLogSize(void* prog, _Out_ size_t* size)');
  const getLog = lib.func('int hiprtcGetProgramLog(void* prog, _Out_ uint8_t* log)');
  const codeSize = lib.func('int hiprtcGetCodeSize(void* prog, _Out_ size_t* size)');
  const getCode = lib.func('int hiprtcGetCode(void* prog, _Out_ uint8_t* code)');
  const destroy = lib.func('int hiprtcDestroyProgram(_Inout_ void** prog)');
  return {
    compile(source, options) {
      const prog: unknown[] = [null];
      const created = create(prog, source, 'samples.hip', 0, null, null) as number;
      if (created !== 0) throw new Error(`hiprtcCreateProgram failed with ${created}`);
      try {
        const rc = compile(prog[0], options.length, options) as number;
        const size = [0];
        logSize(prog[0], size);
        const logBytes = Buffer.alloc(Number(size[0]) + 1);
        getLog(prog[0], logBytes);
        const log = logBytes.toString('utf8').replace(/\0.*$/s, '').trim();
        if (rc !== 0) throw new Error(`hiprtcCompileProgram failed with ${rc}:\n${log}`);
        codeSize(prog[0], size);
        const code = Buffer.alloc(Number(size[0]));
        getCode(prog[0], code);
        return { code, log };
      } finally {
        destroy(prog);
      }
    },
  };
}
const work = mkdtempSync(join(tmpdir(), 'gpuhal-hip-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('HIP-C source text', () => {
  it('has one extern "C" __global__ function per sample kernel, and hipSourceFor selects', () => {
    for (const spec of sampleKernelSpecs) {
      expect(sampleHipSource).toContain(`extern "C" __global__ void ${spec.name}(`);
    }
    const one = hipSourceFor(['saxpy_f32']);
    expect(one).toContain('void saxpy_f32(');
    expect(one).not.toContain('void fill_u32(');
    expect(Object.keys(hipKernels).sort()).toEqual(sampleKernelSpecs.map((s) => s.name).sort());
    expect(() => hipSourceFor(['nope' as never])).toThrow(/no HIP-C source for nope/);
  });

  it.skipIf(gcc === undefined)(`is rejected without the prelude's platform branch (the #error guard works)${gcc === undefined ? ' (skipped: gcc not found on PATH)' : ''}`, () => {
    const c = join(work, 'plain.c');
    writeFileSync(c, sampleHipSource);
    const result = spawnSync('gcc', ['-fsyntax-only', '-x', 'c++', c], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('gpuhal sample kernels need a HIP or CUDA device compiler');
  });
});

describe.skipIf(nvcc === undefined)(`HIP-C compiles for NVIDIA with nvcc${nvcc === undefined ? ' (skipped: nvcc not found on PATH)' : ` (${nvcc})`}`, () => {
  it('compiles to PTX with warnings as errors; every entry has the layout\'s parameter types in order', () => {
    const cu = join(work, 'samples.cu');
    const ptxFile = join(work, 'samples.ptx');
    writeFileSync(cu, sampleHipSource);
    execFileSync('nvcc', ['-x', 'cu', '--ptx', '-arch=compute_80', '-Werror', 'all-warnings', '-o', ptxFile, cu], { stdio: 'pipe' });
    const ptx = readFileSync(ptxFile, 'utf8');
    for (const spec of sampleKernelSpecs) {
      const match = new RegExp(`\\.visible \\.entry ${spec.name}\\(([^)]*)\\)`).exec(ptx);
      expect(match, `${spec.name} is an unmangled entry`).not.toBeNull();
      const params = [...match![1]!.matchAll(/\.param \.(\w+)/g)].map((m) => m[1]);
      const expected = [
        ...spec.bindings.map(() => 'u64'),
        ...spec.constants.map((c) => (c.type === 'f32' ? 'f32' : c.type === 'i32' ? 'u32' : 'u32')),
      ];
      expect(params, spec.name).toEqual(expected);
    }
    // saxpy must not be contracted into a fused multiply-add (the simulator rounds the product first).
    const saxpy = ptx.slice(ptx.indexOf('.entry saxpy_f32'));
    const body = saxpy.slice(0, saxpy.indexOf('\n}'));
    expect(body).toMatch(/mul\.rn\.f32/);
    expect(body).toMatch(/add\.rn\.f32/);
    expect(body).not.toMatch(/fma\./);
  });

});

describe.skipIf(typeof hiprtc === 'string')(`HIP-C compiles for AMD with hiprtc${typeof hiprtc === 'string' ? ` (skipped: ${hiprtc})` : ''}`, () => {
  it('compiles to a gfx90a code object exporting every kernel, with warnings as errors', () => {
    if (typeof hiprtc === 'string') return;
    const { code } = hiprtc.compile(sampleHipSource, ['--offload-arch=gfx90a', '-Werror']);
    expect(Array.from(code.subarray(0, 4))).toEqual([0x7f, 0x45, 0x4c, 0x46]); // ELF
    const text = Buffer.from(code).toString('latin1');
    for (const spec of sampleKernelSpecs) expect(text, spec.name).toContain(`${spec.name}.kd`); // kernel descriptors
    if (objdump === undefined) return;
    const file = join(work, 'samples.gfx90a.co');
    writeFileSync(file, code);
    const disassembly = execFileSync(objdump, ['-d', '--mcpu=gfx90a', file], { encoding: 'utf8' });
    const saxpy = disassembly.slice(disassembly.indexOf('<saxpy_f32>:'));
    const body = saxpy.slice(0, saxpy.indexOf('s_endpgm'));
    expect(body).toMatch(/v_mul_f32/);
    expect(body).toMatch(/v_add_f32/);
    expect(body).not.toMatch(/v_fma|v_fmac|v_mac_f32|v_mad_f32/); // the product is rounded before the add
  });
});

describe.skipIf(hipcc === undefined)(`HIP-C compiles with hipcc${hipcc === undefined ? ' (skipped: hipcc not found on PATH)' : ` (platform ${hipPlatform})`}`, () => {
  it('compiles through hipcc for its platform', () => {
    const src = join(work, 'samples.hip');
    writeFileSync(src, sampleHipSource);
    const out = join(work, 'samples.hipcc.out');
    const args = hipPlatform === 'nvidia' ? ['-x', 'cu', '--ptx', '-o', out, src] : ['--genco', '--offload-arch=gfx90a', '-o', out, src];
    execFileSync('hipcc', args, { stdio: 'pipe' });
    const produced = readFileSync(out);
    expect(produced.byteLength).toBeGreaterThan(0);
    if (hipPlatform === 'nvidia') expect(produced.toString('utf8')).toContain('.visible .entry histogram_u8(');
  });
});
