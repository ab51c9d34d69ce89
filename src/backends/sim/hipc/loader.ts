/**
 * Instantiates a compiled HIP-C kernel module over the device's memory. Its statics are linked at the shared
 * scratch (so they are per workgroup); coroutine kernels and kernels using the shadow stack also get per-thread
 * memory (a status word, an Asyncify buffer and a stack per thread) from the device heap, freed with the module.
 */
import { HalError, StatusCode, invalidArgument } from '../../../core/errors.js';
import type { WasmDevice } from '../wasm_device.js';
import type { KernelModuleImage } from './postprocess.js';

/** Must match THREAD_BYTES in the device header. */
const THREAD_BYTES = 4096;

export interface LoadedHipModule {
  readonly instance: WebAssembly.Instance;
  readonly entryPoints: ReadonlySet<string>;
  /** Bytes of the shared scratch the module's statics occupy; dynamic shared memory starts after them. */
  readonly staticSharedBytes: number;
  /** Device address of the per-thread memory (0 when the module needs none); freed on unload. */
  readonly threadMemory: number;
}

export function instantiateHipModule(device: WasmDevice, image: KernelModuleImage, label: string, maxThreads: number, maxSharedBytes: number): LoadedHipModule {
  const compiled = new WebAssembly.Module(image.wasm as Uint8Array<ArrayBuffer>);
  let threadMemory = 0;
  if (image.threadMemory) {
    const coroutines = Object.values(image.kernels).some((c) => c);
    const bytes = (coroutines ? maxThreads : 1) * THREAD_BYTES;
    threadMemory = device.exports.alloc(bytes) >>> 0;
    if (threadMemory === 0) {
      throw new HalError(StatusCode.RESOURCE_EXHAUSTED, `moduleLoad ${label}: no room for ${bytes} bytes of per-thread memory (stacks and coroutine state) on the simulated device`);
    }
  }
  try {
    const instance = new WebAssembly.Instance(compiled, {
      env: { memory: device.memory },
      gh: { random: device.exports.random, thread_memory: new WebAssembly.Global({ value: 'i32', mutable: false }, threadMemory | 0) },
    });
    const staticEnd = staticEndOf(compiled, label);
    const staticSharedBytes = Math.max(0, staticEnd - device.sharedScratchPtr);
    if (staticSharedBytes > maxSharedBytes) {
      throw invalidArgument(`moduleLoad ${label}: the kernels' __shared__ and static data need ${staticSharedBytes} bytes, more than the ${maxSharedBytes} bytes of shared memory per workgroup`);
    }
    return { instance, entryPoints: new Set(Object.keys(image.kernels)), staticSharedBytes, threadMemory };
  } catch (error) {
    if (threadMemory !== 0) device.exports.free(threadMemory);
    throw error;
  }
}

/** The end of the module's statics (the linker's __heap_base), which the post-processor records in a custom section. */
function staticEndOf(compiled: WebAssembly.Module, label: string): number {
  const section = WebAssembly.Module.customSections(compiled, 'gh.static_end')[0];
  if (section === undefined || section.byteLength < 4) throw invalidArgument(`moduleLoad ${label}: not a compiled HIP-C module (no gh.static_end section)`);
  return new DataView(section).getUint32(0, true);
}
