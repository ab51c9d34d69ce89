// Runs HIP-C kernels on the simulator through the driver seam: moduleLoad of a 'hip-source' image (compiled to
// WebAssembly in process by the real clang of @yowasp/clang), real device memory, real launches.
import { createSimDriver, type SimDriver, type SimDriverOptions } from '../../src/backends/sim/index.js';
import type { DriverModule } from '../../src/core/driver.js';
import { readBack, upload } from './sim.js';

export { asU32, u32Bytes } from './sim.js';

export interface HipRun {
  /** Every binding's bytes after the launch (in order). */
  readonly outputs: Uint8Array[];
  /** The launch's error (a kernel fault), if any. */
  readonly error: unknown;
}

export interface HipLaunch {
  readonly entry: string;
  readonly grid: readonly [number, number, number];
  readonly block: readonly [number, number, number];
  readonly sharedMemoryBytes?: number;
  readonly inputs: readonly Uint8Array[];
  readonly constants?: readonly number[];
  /** Shorter bindings than their data, to provoke out-of-bounds faults. */
  readonly bindingBytes?: readonly number[];
}

export async function loadHip(driver: SimDriver, source: string, label = 'test_kernels', compileOptions: string[] = []): Promise<DriverModule> {
  const image = { format: 'hip-source' as const, source, label, compileOptions };
  await driver.prepareModule(image);
  return driver.moduleLoad(image);
}

/** Loads `source`, runs each launch in order on one stream (the same buffers), returns the final bytes. */
export async function runHip(source: string, launches: HipLaunch | readonly HipLaunch[], options: SimDriverOptions = {}): Promise<HipRun> {
  const list: readonly HipLaunch[] = Array.isArray(launches) ? (launches as readonly HipLaunch[]) : [launches as HipLaunch];
  const driver = createSimDriver({ memoryBytes: 64 * 1024 * 1024, ...options });
  try {
    const module = await loadHip(driver, source);
    const first = list[0]!;
    const ptrs = first.inputs.map((bytes) => driver.memAlloc(Math.max(4, bytes.byteLength)));
    for (let i = 0; i < ptrs.length; i++) if (first.inputs[i]!.byteLength > 0) await upload(driver, ptrs[i]!, first.inputs[i]!);
    const stream = driver.streamCreate();
    let error: unknown;
    for (const l of list) {
      driver.launchKernel({
        fn: driver.moduleGetFunction(module, l.entry),
        workgroupCount: [...l.grid] as [number, number, number],
        workgroupSize: [...l.block] as [number, number, number],
        sharedMemoryBytes: l.sharedMemoryBytes ?? 0,
        bindings: ptrs.map((ptr, i) => ({ ptr, byteLength: l.bindingBytes?.[i] ?? first.inputs[i]!.byteLength })),
        constants: Uint32Array.from((l.constants ?? []).map((c) => c >>> 0)),
      }, stream);
    }
    try {
      await driver.streamSynchronize(stream);
    } catch (e) {
      error = e;
    }
    const outputs: Uint8Array[] = [];
    if (error === undefined) for (let i = 0; i < ptrs.length; i++) outputs.push(await readBack(driver, ptrs[i]!, first.inputs[i]!.byteLength));
    driver.streamDestroy(stream);
    for (const p of ptrs) driver.memFree(p);
    driver.moduleUnload(module);
    return { outputs, error };
  } finally {
    driver.destroy();
  }
}

export function f32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

export function asF32(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
}
