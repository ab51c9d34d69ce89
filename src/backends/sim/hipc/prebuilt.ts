/**
 * HIP-C modules the build compiled ahead of time (scripts/build-asm.mjs: the sample kernels' source, with memory
 * checks on and off), so loading them needs neither clang nor binaryen: the demo, the tests and a browser run the
 * HIP-C samples without the optional compiler and without a compile on their path.
 *
 * An image serves only the request it was compiled for: the same source, compile options, scratch address and memory
 * checks (compared exactly), and the same compile cache key (compiler.ts `cacheKeyText`, which adds the pipeline
 * version, the loop budget and the device header), compared by its FNV-1a hash. The lookup is synchronous: preparing
 * the samples must not leave the current host turn (the schedule explorer takes a scenario that waits on anything but
 * gpuhal for a stall). A user's own source, or the samples with other options, compile as usual.
 */
import { prebuiltHipModules } from '../generated/hipc_samples.js';
import { decodeBase64 } from '../inline_wasm.js';
import { fnv1a64 } from '../../../util/fnv1a64.js';
import { adoptCompiledImage, cacheKeyText, compileHipSource, compiledImage, type CompileRequest } from './compiler.js';
import type { KernelModuleImage } from './postprocess.js';

/**
 * The prebuilt image compiled for exactly `request`, or undefined. Decoded anew on each call: the caller adopts it
 * into the compiler's caches, which serve every later request.
 */
export function prebuiltImage(request: CompileRequest, keyText = cacheKeyText(request)): KernelModuleImage | undefined {
  const entry = prebuiltHipModules.find((m) =>
    m.source === request.source && m.memoryChecks === request.memoryChecks && m.scratchAddress === request.scratchAddress &&
    m.compileOptions.length === request.compileOptions.length && m.compileOptions.every((o, i) => o === request.compileOptions[i]));
  if (entry === undefined || entry.keyHash !== fnv1a64(keyText)) return undefined;
  return { wasm: decodeBase64(entry.wasmBase64), kernels: entry.kernels, threadMemory: entry.threadMemory };
}

/**
 * Makes `request` ready to load (compiler.ts `compiledImage`): from a prebuilt image when one matches (without
 * awaiting anything), else through the compiler and its caches.
 */
export async function prepareHipSource(request: CompileRequest): Promise<void> {
  const keyText = cacheKeyText(request);
  if (compiledImage(request, keyText) !== undefined) return;
  const image = prebuiltImage(request, keyText);
  if (image !== undefined) adoptCompiledImage(request, image, keyText);
  else await compileHipSource(request);
}
