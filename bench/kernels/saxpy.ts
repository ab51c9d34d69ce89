/**
 * saxpy over 16 M floats: the SIMD WebAssembly kernel (asm/kernels/samples/lib/saxpy_f32.ts), driven the way the
 * simulated device drives it — one entry call per workgroup over one shared memory — against the plain
 * Float32Array loop a JS programmer would write, side by side in one run, median of several repetitions.
 */
import { sample_kernels } from '../../src/backends/sim/generated/kernels/index.js';
import { createSimDriver } from '../../src/backends/sim/index.js';
import { selectPayload } from '../../src/core/executable_manifest.js';
import { sampleExecutableManifest } from '../../src/kernels/samples.js';
import { DirectKernelRunner } from '../../src/kernels/direct_runner.js';
import { sampleKernelSpec, workgroupsFor } from '../../src/kernels/kernel_specs.js';
import { f32Bits, saxpyF32 } from '../../src/kernels/reference.js';
import { seededRandom } from '../../src/util/seeded_random.js';
import type { BenchRow } from './index.js';

export interface SaxpyBenchOptions {
  readonly elements?: number;
  readonly repetitions?: number;
}

export const SAXPY_TARGET_RATIO = 4;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Plain JS: what the kernel is compared against. */
function saxpyJs(x: Float32Array, y: Float32Array, a: number): void {
  for (let i = 0; i < x.length; i++) y[i] = a * x[i]! + y[i]!;
}

export async function runSaxpyBenchmark(options: SaxpyBenchOptions = {}): Promise<BenchRow[]> {
  const n = options.elements ?? 16 * 1024 * 1024;
  const reps = options.repetitions ?? 7;
  const a = 1.5;
  const spec = sampleKernelSpec('saxpy_f32');

  // Inputs in [-1, 1): repeated saxpy passes stay finite.
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const random = seededRandom(0x9e3779b9);
  for (let i = 0; i < n; i++) {
    x[i] = random() * 2 - 1;
    y[i] = (i % 1000) / 1000 - 0.5;
  }

  const runner = new DirectKernelRunner(sample_kernels, 2 * n * 4 + (1 << 20));
  const xb = runner.upload(x);
  const yb = runner.upload(y);
  const dispatch = (): void => {
    const fault = runner.dispatch({
      entry: 'saxpy_f32',
      workgroupCount: [workgroupsFor(spec, n), 1, 1],
      workgroupSize: spec.workgroupSize,
      bindings: [xb, yb],
      constants: [f32Bits(a), n],
    });
    if (fault !== undefined) throw new Error(`saxpy_f32 faulted: ${JSON.stringify(fault)}`);
  };

  // Correctness first (untimed): one kernel pass must equal the f32 reference bit for bit.
  dispatch();
  const expected = y.slice();
  saxpyF32(x, expected, a, n);
  const got = new Uint32Array(runner.memory.buffer, yb.ptr, n);
  const want = new Uint32Array(expected.buffer);
  let mismatches = 0;
  for (let i = 0; i < n; i++) if (got[i] !== want[i]) mismatches++;
  runner.write(yb.ptr, y);

  // The same kernel through the sim driver's launchKernel (device memory, argument block, WASM→WASM dispatch).
  const manifest = sampleExecutableManifest();
  const driver = createSimDriver({ memoryBytes: Math.ceil((2 * n * 4 + (16 << 20)) / 65536) * 65536 });
  const module = driver.moduleLoad(selectPayload(manifest, driver.info.formats));
  const fn = driver.moduleGetFunction(module, 'saxpy_f32');
  const stream = driver.streamCreate();
  const dx = driver.memAlloc(n * 4);
  const dy = driver.memAlloc(n * 4);
  driver.memcpyHtoDAsync(dx, new Uint8Array(x.buffer), stream);
  driver.memcpyHtoDAsync(dy, new Uint8Array(y.buffer), stream);
  await driver.streamSynchronize(stream);
  const launch = {
    fn,
    workgroupCount: [workgroupsFor(spec, n), 1, 1] as const,
    workgroupSize: spec.workgroupSize,
    sharedMemoryBytes: 0,
    bindings: [{ ptr: dx, byteLength: n * 4 }, { ptr: dy, byteLength: n * 4 }],
    constants: Uint32Array.of(f32Bits(a), n),
  };
  const launchOnce = async (): Promise<void> => {
    driver.launchKernel(launch, stream);
    await driver.streamSynchronize(stream);
  };

  const wasmMs: number[] = [];
  const driverMs: number[] = [];
  const jsMs: number[] = [];
  const jsY = y.slice();
  saxpyJs(x, jsY, a); // warm every path up before timing
  dispatch();
  await launchOnce();
  for (let r = 0; r < reps; r++) {
    // Interleaved so all see the same machine state (other processes, thermal, memory).
    let t = performance.now();
    dispatch();
    wasmMs.push(performance.now() - t);
    t = performance.now();
    await launchOnce();
    driverMs.push(performance.now() - t);
    t = performance.now();
    saxpyJs(x, jsY, a);
    jsMs.push(performance.now() - t);
  }
  driver.memFree(dx);
  driver.memFree(dy);
  driver.streamDestroy(stream);
  driver.moduleUnload(module);
  driver.destroy();
  const wasm = median(wasmMs);
  const viaDriver = median(driverMs);
  const js = median(jsMs);
  const ratio = js / wasm;
  const gbps = (bytes: number, ms: number): string => ((bytes / ms) / 1e6).toFixed(1);
  const traffic = 3 * 4 * n; // read x, read y, write y
  return [
    {
      name: `saxpy_f32 over ${(n / (1024 * 1024)).toFixed(0)} M floats: WASM SIMD kernel per workgroup vs JS Float32Array loop`,
      measured:
        `${ratio.toFixed(2)}× (wasm ${wasm.toFixed(1)} ms = ${gbps(traffic, wasm)} GB/s, js ${js.toFixed(1)} ms = ` +
        `${gbps(traffic, js)} GB/s; median of ${reps})`,
      target: `≥ ${SAXPY_TARGET_RATIO}×`,
      pass: ratio >= SAXPY_TARGET_RATIO && mismatches === 0,
    },
    {
      name: `saxpy_f32 over ${(n / (1024 * 1024)).toFixed(0)} M floats: sim driver launchKernel (+ streamSynchronize) vs JS Float32Array loop`,
      measured: `${(js / viaDriver).toFixed(2)}× (sim ${viaDriver.toFixed(1)} ms, js ${js.toFixed(1)} ms; median of ${reps})`,
      target: `≥ ${SAXPY_TARGET_RATIO}×`,
      pass: js / viaDriver >= SAXPY_TARGET_RATIO,
    },
    {
      name: 'saxpy_f32 kernel result equals the f32 reference bit for bit',
      measured: mismatches === 0 ? `0 of ${n} elements differ` : `${mismatches} of ${n} elements differ`,
      target: '0 differ',
      pass: mismatches === 0,
    },
  ];
}
