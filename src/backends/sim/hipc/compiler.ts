/**
 * HIP-C source → simulator kernel module: clang (wasm32) against the device header, then the post-processor. The
 * result is cached by content (source, compile options, header, scratch address, memory checks): in memory, and on
 * disk in Node (GPUHAL_CACHE_DIR, else ~/.cache/gpuhal/hipc), so a warm compile is a hash and a file read.
 */
import { HalError, StatusCode } from '../../../core/errors.js';
import { importNodeBuiltin } from '../../../util/node_builtin.js';
import { runClang } from './clang.js';
import { deviceHeader } from './device_header.js';
import { LOOP_BUDGET, postprocess, type KernelModuleImage } from './postprocess.js';
import { rewriteSource } from './source_rewrite.js';

/** Bumped whenever the compile pipeline changes what it produces for the same inputs. */
const PIPELINE_VERSION = 'hipc-1';

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

interface DiskCache {
  read(key: string): Promise<KernelModuleImage | undefined>;
  write(key: string, image: KernelModuleImage): Promise<void>;
}

const disks = new Map<string, Promise<DiskCache | undefined>>();

/** The on-disk cache (Node only; undefined in a browser or when the directory cannot be created). */
async function diskCache(): Promise<DiskCache | undefined> {
  if (typeof process === 'undefined' || process.versions?.node === undefined) return undefined;
  const path = await importNodeBuiltin('node:path');
  const os = await importNodeBuiltin('node:os');
  // Read on every compile, so a process (a benchmark, a test) can point it elsewhere.
  const dir = process.env['GPUHAL_CACHE_DIR'] ?? path.join(os.homedir(), '.cache', 'gpuhal', 'hipc');
  let disk = disks.get(dir);
  if (disk === undefined) {
    disk = openDiskCache(dir);
    disks.set(dir, disk);
  }
  return disk;
}

async function openDiskCache(dir: string): Promise<DiskCache | undefined> {
  {
    try {
      const fs = await importNodeBuiltin('node:fs/promises');
      const path = await importNodeBuiltin('node:path');
      await fs.mkdir(dir, { recursive: true });
      return {
        async read(key) {
          try {
            const [wasm, meta] = await Promise.all([fs.readFile(path.join(dir, `${key}.wasm`)), fs.readFile(path.join(dir, `${key}.json`), 'utf8')]);
            const parsed = JSON.parse(meta) as { kernels: Record<string, boolean>; threadMemory: boolean };
            return { wasm: new Uint8Array(wasm), kernels: parsed.kernels, threadMemory: parsed.threadMemory };
          } catch {
            return undefined;
          }
        },
        async write(key, image) {
          // Written under a temporary name and renamed, so a concurrent reader never sees half a file.
          const tmp = `.${key}.${process.pid}.${Date.now()}`;
          await fs.writeFile(path.join(dir, `${tmp}.wasm`), image.wasm);
          await fs.rename(path.join(dir, `${tmp}.wasm`), path.join(dir, `${key}.wasm`));
          await fs.writeFile(path.join(dir, `${tmp}.json`), JSON.stringify({ kernels: image.kernels, threadMemory: image.threadMemory }));
          await fs.rename(path.join(dir, `${tmp}.json`), path.join(dir, `${key}.json`));
        },
      };
    } catch {
      return undefined;
    }
  }
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

/** The compiled module for `request` if this process finished compiling (or loading) it; synchronous. */
export function compiledImage(request: CompileRequest): KernelModuleImage | undefined {
  return ready.get(cacheKeyText(request));
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
  const { text, kernels } = rewriteSource(request.source);
  if (kernels.length === 0) {
    throw new HalError(StatusCode.INVALID_ARGUMENT, `${file}: no __global__ kernel found (a kernel is \`extern "C" __global__ void name(...)\`)`);
  }
  const run = await runClang([
    '--target=wasm32', '-O2', '-std=c++20', '-nostdlib', '-ffreestanding', '-fno-exceptions', '-fno-rtti',
    '-fvisibility=hidden', '-fdeclspec', '-mbulk-memory', '-fno-color-diagnostics', '-Wno-unused-command-line-argument',
    ...forwardedOptions(request.compileOptions),
    '-include', 'gpuhal_sim.h', '-I', 'include', '-x', 'c++', file,
    '-Wl,--no-entry', '-Wl,--import-memory', `-Wl,--global-base=${request.scratchAddress}`, '-Wl,-z,stack-size=0',
    '-Wl,--export=__heap_base', '-Wl,--allow-undefined', '-o', 'kernel.wasm',
  ], {
    [file]: text,
    'gpuhal_sim.h': deviceHeader,
    include: { hip: { 'hip_runtime.h': '', 'hip_runtime_api.h': '' }, 'cuda_runtime.h': '', 'math.h': '', cmath: '', 'stdint.h': '' },
  });
  const wasm = run.files['kernel.wasm'];
  if (!run.ok || !(wasm instanceof Uint8Array)) {
    throw new HalError(StatusCode.INVALID_ARGUMENT, `${file}: HIP-C compile failed for the simulator:\n${tidyDiagnostics(run.diagnostics, file)}`);
  }
  return postprocess(wasm, kernels, { memoryChecks: request.memoryChecks, label: file });
}

/** Diagnostics without the driver's noise; errors raised in the appended entry points name the kernel instead. */
function tidyDiagnostics(text: string, file: string): string {
  const lines = text.split('\n').filter((l) => !/^clang\S*: error: linker command failed|^\d+ errors? generated\.$/.test(l.trim()));
  return lines.join('\n').replace(/\.\/gpuhal_sim\.h/g, '<gpuhal sim device header>').replace(new RegExp(`\\./${file.replace(/[.]/g, '\\.')}`, 'g'), file).trim();
}
