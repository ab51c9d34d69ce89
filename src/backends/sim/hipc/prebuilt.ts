/**
 * HIP-C modules the build compiled ahead of time (scripts/build-asm.mjs: the sample kernels' source, with memory
 * checks on and off), so loading them needs neither clang nor binaryen: the demo, the tests and a browser run the
 * HIP-C samples without the optional compiler and without a compile on their path.
 *
 * Each image is stored under the digest of its compile cache key (compiler.ts `cacheKeyText`: pipeline version,
 * device header, scratch address, memory checks, options, source), so an image is used only for exactly the request
 * it was compiled for; a user's own source, or the samples with other options, compile as usual.
 */
import { prebuiltHipModules } from '../generated/hipc_samples.js';
import { decodeBase64 } from '../inline_wasm.js';
import { adoptCompiledImage, cacheKeyText, compileHipSource, compiledImage, digest, type CompileRequest } from './compiler.js';
import type { KernelModuleImage } from './postprocess.js';

const decoded = new Map<string, KernelModuleImage>();

/** The prebuilt image compiled for exactly `request`, or undefined. */
export async function prebuiltImage(request: CompileRequest): Promise<KernelModuleImage | undefined> {
  if (prebuiltHipModules.length === 0) return undefined;
  const key = await digest(cacheKeyText(request));
  let image = decoded.get(key);
  if (image === undefined) {
    const entry = prebuiltHipModules.find((m) => m.key === key);
    if (entry === undefined) return undefined;
    image = { wasm: decodeBase64(entry.wasmBase64), kernels: entry.kernels, threadMemory: entry.threadMemory };
    decoded.set(key, image);
  }
  return image;
}

/**
 * Makes `request` ready to load (compiler.ts `compiledImage`): from a prebuilt image when one matches, else through
 * the compiler and its caches.
 */
export async function prepareHipSource(request: CompileRequest): Promise<void> {
  if (compiledImage(request) !== undefined) return;
  const image = await prebuiltImage(request);
  if (image !== undefined) adoptCompiledImage(request, image);
  else await compileHipSource(request);
}
