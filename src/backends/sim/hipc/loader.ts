/**
 * Instantiates a compiled HIP-C kernel module over the device's memory. Its statics are linked at the shared
 * scratch (so they are per workgroup); coroutine kernels and kernels using the shadow stack also get per-thread
 * memory (a status word, an Asyncify buffer and a stack per thread) from the device heap, freed with the module.
 * Device-wide variables (__device__ globals) get device memory of their own in the same allocation, starting from
 * their initialisers (or zeros), so they live as long as the loaded module and no longer.
 */
import { HalError, StatusCode, invalidArgument } from '../../../core/errors.js';
import type { WasmDevice } from '../wasm_device.js';
import { DEVICE_GLOBALS_SECTION, type KernelModuleImage } from './postprocess.js';

/** Must match THREAD_BYTES in the device header. */
const THREAD_BYTES = 4096;

export interface LoadedHipModule {
  readonly instance: WebAssembly.Instance;
  readonly entryPoints: ReadonlySet<string>;
  /** Bytes of the shared scratch the module's statics occupy; dynamic shared memory starts after them. */
  readonly staticSharedBytes: number;
  /** Device address of the module's own memory (per-thread memory, then device-wide variables; 0 when it needs
   * none); freed on unload. */
  readonly ownedMemory: number;
  /** Its size in bytes (0 when none). */
  readonly ownedBytes: number;
}

/**
 * Instantiates a compiled HIP-C module over the device's memory. `exploreEveryWorkgroup`: every workgroup of a
 * barrier-free kernel runs its threads in a seeded order, not only a seeded sample of them (the device header's
 * explores_order).
 */
export function instantiateHipModule(device: WasmDevice, image: KernelModuleImage, label: string, maxThreads: number, maxSharedBytes: number, exploreEveryWorkgroup: boolean): LoadedHipModule {
  const compiled = new WebAssembly.Module(image.wasm as Uint8Array<ArrayBuffer>);
  const globals = deviceGlobalsOf(compiled, label);
  const threadBytes = image.threadMemory ? (Object.values(image.kernels).some((c) => c) ? maxThreads : 1) * THREAD_BYTES : 0;
  const bytes = threadBytes + globals.bytes;
  let owned = 0;
  if (bytes > 0) {
    owned = device.exports.alloc(bytes) >>> 0;
    if (owned === 0) {
      throw new HalError(StatusCode.RESOURCE_EXHAUSTED, `moduleLoad ${label}: no room for ${bytes} bytes of per-thread memory (stacks and coroutine state) and __device__ variables on the simulated device`);
    }
    const home = new Uint8Array(device.memory.buffer, owned + threadBytes, globals.bytes);
    home.fill(0);
    home.set(globals.initial);
  }
  const threadMemory = threadBytes > 0 ? owned : 0;
  const i32 = (value: number) => new WebAssembly.Global({ value: 'i32', mutable: false }, value | 0);
  try {
    const instance = new WebAssembly.Instance(compiled, {
      env: { memory: device.memory },
      gh: {
        random: device.exports.random, set_running_workgroup_x: device.exports.setRunningWorkgroupX, thread_memory: i32(threadMemory), device_globals: i32(owned + threadBytes),
        explore_every_workgroup: i32(exploreEveryWorkgroup ? 1 : 0),
      },
    });
    const staticEnd = staticEndOf(compiled, label);
    const staticSharedBytes = Math.max(0, staticEnd - device.sharedScratchPtr);
    if (staticSharedBytes > maxSharedBytes) {
      throw invalidArgument(`moduleLoad ${label}: the kernels' __shared__ and static data need ${staticSharedBytes} bytes, more than the ${maxSharedBytes} bytes of shared memory per workgroup`);
    }
    return { instance, entryPoints: new Set(Object.keys(image.kernels)), staticSharedBytes, ownedMemory: owned, ownedBytes: bytes };
  } catch (error) {
    if (owned !== 0) device.exports.free(owned);
    throw error;
  }
}

/** The module's device-wide variables (from the post-processor's gh.device_globals section): their bytes and
 * initial values. */
function deviceGlobalsOf(compiled: WebAssembly.Module, label: string): { bytes: number; initial: Uint8Array } {
  const section = WebAssembly.Module.customSections(compiled, DEVICE_GLOBALS_SECTION)[0];
  if (section === undefined || section.byteLength < 8) throw invalidArgument(`moduleLoad ${label}: not a compiled HIP-C module (no ${DEVICE_GLOBALS_SECTION} section)`);
  const view = new DataView(section);
  const bytes = Math.max(0, view.getUint32(4, true) - view.getUint32(0, true));
  return { bytes, initial: new Uint8Array(section, 8, Math.min(bytes, section.byteLength - 8)) };
}

/** The end of the module's statics (the linker's __heap_base), which the post-processor records in a custom section. */
function staticEndOf(compiled: WebAssembly.Module, label: string): number {
  const section = WebAssembly.Module.customSections(compiled, 'gh.static_end')[0];
  if (section === undefined || section.byteLength < 4) throw invalidArgument(`moduleLoad ${label}: not a compiled HIP-C module (no gh.static_end section)`);
  return new DataView(section).getUint32(0, true);
}
