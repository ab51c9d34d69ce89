/**
 * HIP-C source → simulator kernel module: clang (wasm32) against the device header, then the post-processor. The
 * result is cached by content (source, compile options, header, scratch address, memory checks): in memory, and on
 * disk in Node (GPUHAL_CACHE_DIR, else ~/.cache/gpuhal/hipc), so a warm compile is a hash and a file read.
 */
import { HalError, StatusCode } from '../../../core/errors.js';
import { runClang } from './clang.js';
import { deviceHeader } from './device_header.js';
import { diskCache } from './disk_cache.js';
import { DEVICE_SECTION_BOUNDS, LOOP_BUDGET, postprocess, type KernelModuleImage } from './postprocess.js';
import { rewriteSource } from './source_rewrite.js';

/** Bumped whenever the compile pipeline changes what it produces for the same inputs. */
const PIPELINE_VERSION = 'hipc-13';

export interface CompileRequest {
  readonly source: string;
  readonly compileOptions: readonly string[];
  /** Device address of the shared scratch, where the module's statics are linked. */
  readonly scratchAddress: number;
  readonly memoryChecks: boolean;
  /** Names the source file in diagnostics. */
  readonly label: string;
}

export interface CompiledModule extends KernelModuleImage {
  /** Where it came from: compiled now, the in-memory cache or the disk cache. */
  readonly from: 'compiler' | 'memory' | 'disk';
}

const memoryCache = new Map<string, Promise<KernelModuleImage>>();

/** Options forwarded to clang: preprocessor definitions and the language standard; others are the GPU compiler's. */
function forwardedOptions(options: readonly string[]): string[] {
  return options.filter((o) => /^-[DU]./.test(o) || /^-std=c\+\+\d\w*$/.test(o));
}

function sourceFileName(label: string): string {
  return `${label.replace(/[^A-Za-z0-9_.-]/g, '_') || 'kernel'}.hip`;
}

async function digest(text: string): Promise<string> {
  const bytes = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Forgets every module compiled in this process (the disk cache stays): for measuring cold and disk-warm compiles. */
export function forgetCompiledModules(): void {
  memoryCache.clear();
  ready.clear();
}

/** The key of a request in both caches. */
export function cacheKeyText(request: CompileRequest): string {
  return [PIPELINE_VERSION, LOOP_BUDGET, deviceHeader, request.scratchAddress, request.memoryChecks, forwardedOptions(request.compileOptions).join('\u0001'), request.source].join('\u0000');
}

const ready = new Map<string, KernelModuleImage>();

/**
 * Takes `image` as the compiled module for `request` without compiling: for images the build compiled ahead of time
 * through this same pipeline (prebuilt.ts), whose key proves they match. `keyText`: the request's cacheKeyText, when
 * the caller has it already.
 */
export function adoptCompiledImage(request: CompileRequest, image: KernelModuleImage, keyText = cacheKeyText(request)): void {
  memoryCache.set(keyText, Promise.resolve(image));
  ready.set(keyText, image);
}

/** The compiled module for `request` if this process finished compiling (or loading) it; synchronous. */
export function compiledImage(request: CompileRequest, keyText = cacheKeyText(request)): KernelModuleImage | undefined {
  return ready.get(keyText);
}

/**
 * Compiles `request` (or finds it in a cache). Compile errors are INVALID_ARGUMENT carrying clang's diagnostics,
 * whose `file:line:column` locations point into the user's source; a missing compiler is UNAVAILABLE.
 */
export async function compileHipSource(request: CompileRequest): Promise<CompiledModule> {
  const keyText = cacheKeyText(request);
  const cached = memoryCache.get(keyText);
  if (cached !== undefined) {
    const image = await cached;
    ready.set(keyText, image);
    return { ...image, from: 'memory' };
  }
  let from: CompiledModule['from'] = 'compiler';
  const work = (async () => {
    const key = await digest(keyText);
    const store = await diskCache();
    const hit = await store?.read(key);
    if (hit !== undefined) {
      from = 'disk';
      return hit;
    }
    const image = await compileUncached(request);
    await store?.write(key, image).catch(() => undefined);
    return image;
  })();
  memoryCache.set(keyText, work);
  try {
    const image = await work;
    ready.set(keyText, image);
    return { ...image, from };
  } catch (error) {
    memoryCache.delete(keyText);
    throw error;
  }
}

async function compileUncached(request: CompileRequest): Promise<KernelModuleImage> {
  const file = sourceFileName(request.label);
  const { text, kernels, templates } = rewriteSource(request.source);
  if (kernels.length === 0) {
    const hint = templates.length > 0
      ? `; the template kernel(s) ${templates.map((t) => `'${t}'`).join(', ')} need an explicit instantiation (\`template __global__ void ${templates[0]}<float>(...);\`), whose entry point is its mangled name`
      : '';
    throw new HalError(StatusCode.INVALID_ARGUMENT, `${file}: no __global__ kernel found (a kernel is \`extern "C" __global__ void name(...)\`)${hint}`);
  }
  const run = await runClang([
    // -O3 and SIMD: the thread loop of a barrier-free workgroup inlines the kernel and may be vectorized. The
    // alias option lets the optimizer see that kernel pointers never reach the built-in variables' static (see
    // the device header), which keeps the thread index a loop counter instead of a memory load after every store.
    // Two vectors per iteration of a vectorized loop (the wasm cost model picks one): a thread loop's per-iteration
    // cost (the budget count, the loop test) then halves per element, as in the hand-written SIMD kernels.
    '--target=wasm32', '-O3', '-msimd128', '-mllvm', '-enable-unsafe-globalsmodref-alias-results', '-mllvm', '-force-vector-interleave=2', '-std=c++20', '-nostdlib', '-ffreestanding', '-fno-exceptions', '-fno-rtti',
    '-fvisibility=hidden', '-fdeclspec', '-mbulk-memory', '-fno-color-diagnostics', '-Wno-unused-command-line-argument',
    ...forwardedOptions(request.compileOptions),
    '-include', 'gpuhal_sim.h', '-I', 'include', '-x', 'c++', file,
    '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--export-dynamic', `-Wl,--global-base=${request.scratchAddress}`, '-Wl,-z,stack-size=0',
    '-Wl,--export=__heap_base', ...DEVICE_SECTION_BOUNDS.map((s) => `-Wl,--export-if-defined=${s}`), '-Wl,--allow-undefined', '-o', 'kernel.wasm',
  ], {
    [file]: text,
    'gpuhal_sim.h': deviceHeader,
    include: { hip: { 'hip_runtime.h': '', 'hip_runtime_api.h': '' }, 'cuda_runtime.h': '', 'math.h': '', cmath: '', 'stdint.h': '' },
  });
  const wasm = run.files['kernel.wasm'];
  if (!run.ok || !(wasm instanceof Uint8Array)) {
    throw new HalError(StatusCode.INVALID_ARGUMENT, `${file}: HIP-C compile failed for the simulator:\n${tidyDiagnostics(run.diagnostics, file)}`);
  }
  return postprocess(wasm, kernels, { memoryChecks: request.memoryChecks, label: file, staticStart: request.scratchAddress });
}

/** Diagnostics without the driver's noise; errors raised in the appended entry points name the kernel instead. */
function tidyDiagnostics(text: string, file: string): string {
  const lines = text.split('\n').filter((l) => !/^clang\S*: error: linker command failed|^\d+ errors? generated\.$/.test(l.trim()));
  return lines.join('\n').replace(/\.\/gpuhal_sim\.h/g, '<gpuhal sim device header>').replace(new RegExp(`\\./${file.replace(/[.]/g, '\\.')}`, 'g'), file).trim();
}
