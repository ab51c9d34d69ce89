/**
 * Runtime compilation of HIP-C source ('hip-source' modules): hiprtc on amd, nvrtc on nvidia.
 *
 * Output is the device's own machine code (a gfx code object, or a CUBIN for the exact sm_XY), so the driver never
 * JIT-compiles at load. Results are cached per process by source + options + target, because compiling takes
 * hundreds of milliseconds (nvrtc) to seconds (hiprtc) and the core loads the same executable on every device.
 *
 * A kernel that is not extern "C" has a mangled symbol. Every non-template kernel of the source is added as a name
 * expression, and its lowered (mangled) name recorded, so a manifest names it by its plain name on the GPU as on
 * the simulator; a template instantiation is named by its mangled name, which the module knows as it is.
 */
import { createHash } from 'node:crypto';
import { HalError, StatusCode } from '../../core/errors.js';
import { kernelNames } from '../../core/hip_source_kernels.js';
import { bindSymbols, describeLoadFailure, isLoaded, loadFirst, type NativeFunction, type SymbolTable } from './library.js';
import type { HipPlatform } from './platform_api.js';

export interface RuntimeCompiler {
  /** e.g. 'nvrtc 13.0 (libnvrtc.so.13)'. */
  readonly description: string;
  compile(source: string, options: readonly string[], label: string): Uint8Array;
  /** The code and, per plain kernel name, the symbol the module knows it by (only where they differ). */
  compileWithSymbols(source: string, options: readonly string[], label: string): CompiledSource;
}

export interface CompiledSource {
  readonly code: Uint8Array;
  readonly symbols: ReadonlyMap<string, string>;
}

export interface RtcSpec {
  readonly api: 'nvrtc' | 'hiprtc';
  readonly candidates: readonly string[];
  readonly symbols: SymbolTable;
  /** Symbols named per api: [codeSize, code]. */
  readonly codeCalls: readonly [string, string];
  readonly archOption: (arch: string) => string;
}

const prefix = (api: 'nvrtc' | 'hiprtc'): SymbolTable => ({
  required: {
    [`${api}CreateProgram`]: 'int $(void *prog, const char *src, const char *name, int numHeaders, void *headers, void *names)',
    [`${api}CompileProgram`]: 'int $(uintptr_t prog, int numOptions, const char **options)',
    [`${api}GetProgramLogSize`]: 'int $(uintptr_t prog, void *size)',
    [`${api}GetProgramLog`]: 'int $(uintptr_t prog, void *log)',
    [`${api}DestroyProgram`]: 'int $(void *prog)',
    [`${api}GetErrorString`]: 'const char *$(int result)',
    ...(api === 'nvrtc'
      ? { nvrtcGetCUBINSize: 'int $(uintptr_t prog, void *size)', nvrtcGetCUBIN: 'int $(uintptr_t prog, void *code)' }
      : { hiprtcGetCodeSize: 'int $(uintptr_t prog, void *size)', hiprtcGetCode: 'int $(uintptr_t prog, void *code)' }),
  },
  optional: {
    ...(api === 'nvrtc' ? { nvrtcVersion: 'int $(void *major, void *minor)' } : {}),
    [`${api}AddNameExpression`]: 'int $(uintptr_t prog, const char *name)',
    [`${api}GetLoweredName`]: 'int $(uintptr_t prog, const char *name, _Out_ const char **lowered)',
  },
});

function nvrtcCandidates(): string[] {
  const cudaHome = process.env.CUDA_HOME ?? process.env.CUDA_PATH ?? '/usr/local/cuda';
  const explicit = process.env.GPUHAL_NVRTC_LIBRARY ? [process.env.GPUHAL_NVRTC_LIBRARY] : [];
  const sonames = ['libnvrtc.so.13', 'libnvrtc.so.12', 'libnvrtc.so'];
  return [...explicit, ...sonames, ...sonames.map((s) => `${cudaHome}/lib64/${s}`)];
}

export function rtcSpec(platform: HipPlatform, hipLibraryName?: string): RtcSpec {
  if (platform === 'nvidia') {
    return {
      api: 'nvrtc',
      candidates: nvrtcCandidates(),
      symbols: prefix('nvrtc'),
      codeCalls: ['nvrtcGetCUBINSize', 'nvrtcGetCUBIN'],
      archOption: (arch) => `--gpu-architecture=${arch}`,
    };
  }
  // ROCm 6 ships hiprtc as its own library; ROCm 5 exports it from libamdhip64 itself.
  const explicit = process.env.GPUHAL_HIPRTC_LIBRARY ? [process.env.GPUHAL_HIPRTC_LIBRARY] : [];
  return {
    api: 'hiprtc',
    candidates: [...explicit, 'libhiprtc.so.6', 'libhiprtc.so.5', 'libhiprtc.so', ...(hipLibraryName ? [hipLibraryName] : [])],
    symbols: prefix('hiprtc'),
    codeCalls: ['hiprtcGetCodeSize', 'hiprtcGetCode'],
    archOption: (arch) => `--gpu-architecture=${arch}`,
  };
}

/** Compiled code by cache key, shared by every driver in the process. */
const compiled = new Map<string, CompiledSource>();

class NativeRuntimeCompiler implements RuntimeCompiler {
  readonly description: string;
  private readonly out = new BigUint64Array(1);

  constructor(
    private readonly spec: RtcSpec,
    private readonly f: Readonly<Record<string, NativeFunction>>,
    libraryName: string,
    private readonly arch: string,
  ) {
    let version = '';
    const major = new Int32Array(1);
    const minor = new Int32Array(1);
    if (f.nvrtcVersion && f.nvrtcVersion(major, minor) === 0) version = ` ${major[0]}.${minor[0]}`;
    this.description = `${spec.api}${version} (${libraryName}) for ${arch}`;
  }

  compile(source: string, options: readonly string[], label: string): Uint8Array {
    return this.compileWithSymbols(source, options, label).code;
  }

  compileWithSymbols(source: string, options: readonly string[], label: string): CompiledSource {
    const allOptions = [this.spec.archOption(this.arch), ...options];
    const key = createHash('sha256').update(`${this.spec.api}\0${this.arch}\0${allOptions.join('\0')}\0${source}`).digest('hex');
    const hit = compiled.get(key);
    if (hit) return hit;
    const result = this.compileUncached(source, allOptions, label);
    compiled.set(key, result);
    return result;
  }

  private compileUncached(source: string, options: readonly string[], label: string): CompiledSource {
    const api = this.spec.api;
    const f = this.f;
    const fail = (status: number, call: string, detail: string): HalError => {
      const text = (f[`${api}GetErrorString`]!(status) as string | null) ?? `${api} status ${status}`;
      return new HalError(StatusCode.INVALID_ARGUMENT, `${call} failed for module '${label}': ${text} (${status})${detail}`, {
        driver: { api, name: text, number: status, text, call },
      });
    };
    const progCell = new BigUint64Array(1);
    let status = f[`${api}CreateProgram`]!(progCell, source, `${label}.cu`, 0, null, null) as number;
    if (status !== 0) throw fail(status, `${api}CreateProgram`, '');
    const prog = Number(progCell[0]);
    try {
      const addName = f[`${api}AddNameExpression`];
      const lower = f[`${api}GetLoweredName`];
      const names = addName && lower ? kernelNames(source) : [];
      for (const name of names) {
        status = addName!(prog, name) as number;
        if (status !== 0) throw fail(status, `${api}AddNameExpression`, ` (kernel '${name}')`);
      }
      status = f[`${api}CompileProgram`]!(prog, options.length, [...options]) as number;
      if (status !== 0) throw fail(status, `${api}CompileProgram`, `\n${this.log(prog)}`);
      const symbols = new Map<string, string>();
      for (const name of names) {
        const out: (string | null)[] = [null];
        if ((lower!(prog, name, out) as number) === 0 && out[0] && out[0] !== name) symbols.set(name, out[0]);
      }
      const [sizeCall, codeCall] = this.spec.codeCalls;
      status = f[sizeCall]!(prog, this.out) as number;
      if (status !== 0) throw fail(status, sizeCall, '');
      const code = new Uint8Array(Number(this.out[0]));
      status = f[codeCall]!(prog, code) as number;
      if (status !== 0) throw fail(status, codeCall, '');
      return { code, symbols };
    } finally {
      f[`${api}DestroyProgram`]!(progCell);
    }
  }

  private log(prog: number): string {
    const api = this.spec.api;
    if (this.f[`${api}GetProgramLogSize`]!(prog, this.out) !== 0) return '(no compiler log)';
    const log = new Uint8Array(Number(this.out[0]));
    if (this.f[`${api}GetProgramLog`]!(prog, log) !== 0) return '(no compiler log)';
    const end = log.indexOf(0);
    return new TextDecoder().decode(end < 0 ? log : log.subarray(0, end)).trim();
  }
}

/**
 * Loads the platform's runtime compiler for `arch`. Throws HalError UNAVAILABLE naming every library tried when
 * none loads, so a driver without one can still load 'ptx' / 'amdgcn' modules.
 */
export function loadRuntimeCompiler(platform: HipPlatform, arch: string, hipLibraryName?: string): RuntimeCompiler {
  const spec = rtcSpec(platform, hipLibraryName);
  for (const candidate of spec.candidates) {
    const loaded = loadFirst([candidate]);
    if (!isLoaded(loaded)) continue;
    const bound = bindSymbols(loaded.lib, spec.symbols);
    if (bound.missingRequired.length === 0) return new NativeRuntimeCompiler(spec, bound.fns, loaded.name, arch);
  }
  const failure = loadFirst(spec.candidates);
  const why = isLoaded(failure) ? `${failure.name} lacks the ${spec.api} symbols` : describeLoadFailure(failure);
  throw new HalError(StatusCode.UNAVAILABLE, `no ${spec.api} library for 'hip-source' modules: ${why}`);
}
