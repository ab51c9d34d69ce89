// Rows of workgroups (device_header.ts, launcher::thread_loop): a barrier-free entry runs the workgroups after its
// own in one call while they neither explore their thread order nor, for an in-range loop, leave the range. Each
// must still begin as the device begins a workgroup: zeroed shared scratch, its own loop budget, a fault that names
// it, and the dispatch going on after the row's last one, never running a workgroup twice. Every case runs with the
// default sampled order (rows) and, as the control, with kernelThreadOrder: 'every-workgroup' (no rows: each
// workgroup is its own call).
import { describe, expect, it } from 'vitest';
import { createSimDriver, type SimDriverOptions } from '../../../../src/backends/sim/index.js';
import { asU32, loadHip, runHip, u32Bytes } from '../../../helpers/hipc.js';
import { readBack, upload } from '../../../helpers/sim.js';

const orders: { name: string; options: SimDriverOptions }[] = [
  { name: 'sampled order (rows)', options: {} },
  { name: 'every workgroup exploring (control: no rows)', options: { kernelThreadOrder: 'every-workgroup' } },
];

const source = String.raw`
__device__ unsigned long long ran;
extern "C" __global__ void where(unsigned* out, unsigned count) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  atomicAdd(&ran, 1ull);
  if (i < count) out[i] = blockIdx.x << 16 | threadIdx.x;
}
extern "C" __global__ void where_unguarded(unsigned* out) {
  atomicAdd(&ran, 1ull);
  out[blockIdx.x * blockDim.x + threadIdx.x] = blockIdx.x << 16 | threadIdx.x;
}
extern "C" __global__ void threads_run(unsigned* unused, unsigned* out) { out[0] = (unsigned)ran; out[1] = (unsigned)(ran >> 32); }
extern "C" __global__ void arrival(unsigned* out, unsigned count) {
  __shared__ unsigned arrived;
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned before = atomicAdd(&arrived, 1u);
  if (i < count) out[i] = before;
}
extern "C" __global__ void arrival_dynamic(unsigned* out, unsigned count) {
  extern __shared__ unsigned words[];
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned before = atomicAdd(&words[100], 1u);
  if (i < count) out[i] = before;
}
extern "C" __global__ void spin(unsigned* out, unsigned iterations, unsigned count) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned v = 1;
#pragma clang loop unroll(disable)
  for (unsigned k = 0; k < iterations; k++) v = v * 3u + out[k & 7u];
  if (i < count) out[i] = v;
}`;

const WORKGROUPS = 200, THREADS = 64, TOTAL = WORKGROUPS * THREADS;

describe.each(orders)('rows of workgroups: $name', ({ options }) => {
  // Counts that end the launch at its last thread, inside a workgroup and inside the grid (the row stops where a
  // workgroup is no longer in range, and the guarded rest runs as usual).
  it.each([TOTAL, TOTAL - 5, 150 * THREADS + 17])('every workgroup runs once, in place (count %i)', async (count) => {
    const inputs = [new Uint8Array(TOTAL * 4).fill(0xee), new Uint8Array(8)];
    const run = await runHip(source, [
      { entry: 'where', grid: [WORKGROUPS, 1, 1], block: [THREADS, 1, 1], inputs, constants: [count] },
      { entry: 'threads_run', grid: [1, 1, 1], block: [1, 1, 1], inputs },
    ], { seed: count, ...options });
    expect(run.error).toBeUndefined();
    const expected = Array.from({ length: TOTAL }, (_v, i) => (i < count ? (Math.floor(i / THREADS) << 16 | i % THREADS) >>> 0 : 0xeeeeeeee));
    expect([...asU32(run.outputs[0]!)]).toEqual(expected);
    // Every thread of every workgroup counted itself once.
    expect([...asU32(run.outputs[1]!)]).toEqual([TOTAL, 0]);
  });

  it('so does a kernel without a count parameter (no in-range loop)', async () => {
    const inputs = [new Uint8Array(TOTAL * 4).fill(0xee), new Uint8Array(8)];
    const run = await runHip(source, [
      { entry: 'where_unguarded', grid: [WORKGROUPS, 1, 1], block: [THREADS, 1, 1], inputs },
      { entry: 'threads_run', grid: [1, 1, 1], block: [1, 1, 1], inputs },
    ], { seed: 4, ...options });
    expect(run.error).toBeUndefined();
    expect([...asU32(run.outputs[0]!)]).toEqual(Array.from({ length: TOTAL }, (_v, i) => (Math.floor(i / THREADS) << 16 | i % THREADS) >>> 0));
    expect([...asU32(run.outputs[1]!)]).toEqual([TOTAL, 0]);
  });

  // Dynamic shared memory: a small scratch is cleared by the row itself, a large one (more than 512 bytes in all) by
  // the device between calls.
  it.each([
    ['arrival', 0], ['arrival_dynamic', 408], ['arrival_dynamic', 4096],
  ] as const)('a workgroup later in a row starts from zeroed shared memory (%s, %i bytes of dynamic shared memory)', async (entry, sharedMemoryBytes) => {
    const run = await runHip(source, { entry, grid: [WORKGROUPS, 1, 1], block: [THREADS, 1, 1], sharedMemoryBytes, inputs: [new Uint8Array(TOTAL * 4)], constants: [TOTAL] }, { seed: 3, ...options });
    expect(run.error).toBeUndefined();
    const out = asU32(run.outputs[0]!);
    for (let w = 0; w < WORKGROUPS; w++) {
      const arrivals = [...out.subarray(w * THREADS, (w + 1) * THREADS)].sort((a, b) => a - b);
      expect(arrivals, `workgroup ${w}`).toEqual(Array.from({ length: THREADS }, (_v, t) => t));
    }
  });

  it('an access past the binding in a workgroup inside a row names that workgroup, and writes nothing past it', async () => {
    const driver = createSimDriver({ memoryBytes: 16 * 1024 * 1024, seed: 5, ...options });
    let error = '';
    let bytes: Uint8Array = new Uint8Array();
    // The binding ends 24 threads into workgroup 137; count covers the whole grid, so every workgroup is in range.
    const bindingBytes = (137 * THREADS + 24) * 4;
    try {
      const module = await loadHip(driver, source, 'rows');
      const ptr = driver.memAlloc(TOTAL * 4);
      await upload(driver, ptr, new Uint8Array(TOTAL * 4).fill(0xa5));
      const stream = driver.streamCreate();
      driver.launchKernel({
        fn: driver.moduleGetFunction(module, 'where'), workgroupCount: [WORKGROUPS, 1, 1], workgroupSize: [THREADS, 1, 1], sharedMemoryBytes: 0,
        bindings: [{ ptr, byteLength: bindingBytes }], constants: Uint32Array.from([TOTAL]),
      }, stream);
      error = String(await driver.streamSynchronize(stream).then(() => 'no fault', (e: unknown) => e));
      bytes = await readBack(driver, ptr, TOTAL * 4);
      driver.streamDestroy(stream);
      driver.memFree(ptr);
      driver.moduleUnload(module);
    } finally {
      driver.destroy();
    }
    expect(error).toMatch(/out-of-bounds access to binding 0 at byte offset \d+.*workgroup \(137, 0, 0\)/);
    expect(bytes.subarray(bindingBytes).every((b) => b === 0xa5)).toBe(true);
    // Every workgroup before the faulting one ran.
    expect(asU32(bytes.slice(0, 137 * THREADS * 4)).every((v, i) => v === (Math.floor(i / THREADS) << 16 | i % THREADS))).toBe(true);
  });

  it('each workgroup of a row gets a loop budget of its own', async () => {
    // 24 workgroups of one thread, each spending 55% of the budget (2^26 iterations, postprocess.ts LOOP_BUDGET):
    // two of them sharing one budget would exceed it. The control inside: one workgroup spending 120% is stopped.
    const spend = (iterations: number, workgroups: number) => runHip(source, {
      entry: 'spin', grid: [workgroups, 1, 1], block: [1, 1, 1], inputs: [u32Bytes(Array.from({ length: 32 }, (_v, i) => i))], constants: [iterations, workgroups],
    }, { seed: 9, ...options });
    expect(String((await spend(Math.round(1.2 * 2 ** 26), 1)).error)).toMatch(/exceeded its loop budget/);
    expect((await spend(Math.round(0.55 * 2 ** 26), 24)).error).toBeUndefined();
  });
});
