// Device-wide variables: a __device__ global (or a static local outside __shared__) is one variable shared by
// every workgroup and every launch of the loaded module, starting from its initialiser or zero, as on a GPU; a
// __shared__ one stays per workgroup.
import { describe, expect, it } from 'vitest';
import { createSimDriver } from '../../../../src/backends/sim/index.js';
import { asU32, loadHip, runHip } from '../../../helpers/hipc.js';
import { readBack } from '../../../helpers/sim.js';

describe('__device__ variables on the simulator', { timeout: 300_000 }, () => {
  it('a __device__ counter is shared by all workgroups and launches; the last workgroup sees every other one finish', async () => {
    // The classic "last block" pattern: each workgroup adds its partial sum to a global total and bumps a
    // __device__ ticket; the workgroup that draws the last ticket publishes the total and resets the counter.
    const source = `
__device__ unsigned tickets;
__device__ unsigned long long total = 1000;
__device__ int initialised[3] = {7, 8, 9};
extern "C" __global__ void k(const unsigned* values, unsigned* out) {
  __shared__ unsigned partial;
  if (threadIdx.x == 0) partial = 0;
  __syncthreads();
  atomicAdd(&partial, values[blockIdx.x * blockDim.x + threadIdx.x]);
  __syncthreads();
  if (threadIdx.x == 0) {
    atomicAdd(&total, (unsigned long long)partial);
    __threadfence();
    unsigned ticket = atomicInc(&tickets, gridDim.x - 1);
    if (ticket == gridDim.x - 1) {
      out[0] = (unsigned)total;
      out[1] = initialised[0] + initialised[1] + initialised[2];
      out[2] += 1;           // how many launches published
      initialised[0] += 1;  // persists into the next launch
    }
  }
}`;
    const values = Array.from({ length: 8 * 32 }, (_, i) => i);
    const sum = values.reduce((a, b) => a + b, 0);
    const launch = { entry: 'k', grid: [8, 1, 1] as [number, number, number], block: [32, 1, 1] as [number, number, number], inputs: [new Uint8Array(Uint32Array.from(values).buffer), new Uint8Array(12)] };
    const run = await runHip(source, [launch, launch]);
    expect(run.error).toBeUndefined();
    // Two launches: the total carries over (1000 + 2 sums), the ticket wrapped to 0 after each launch, and the
    // initialised array started at its initialiser and kept the first launch's update.
    expect([...asU32(run.outputs[1]!)]).toEqual([1000 + 2 * sum, 7 + 1 + 8 + 9, 2]);
  });

  it('a __device__ array, a __device__ function and a __device__ const table keep their meanings', async () => {
    // The function stays a function, the const table a per-workgroup constant, the array one device-wide variable.
    const source = `
__device__ const unsigned table[4] = {10, 20, 30, 40};
__device__ unsigned seen[4];
__device__ __forceinline__ unsigned pick(unsigned i) { return table[i & 3]; }
template <typename T> __device__ T twice(T x) { return x + x; }
extern "C" __global__ void k(unsigned* out) { atomicAdd(&seen[blockIdx.x & 3], twice(pick(threadIdx.x))); }
extern "C" __global__ void read(unsigned* out) { out[threadIdx.x] = seen[threadIdx.x]; }
`;
    const run = await runHip(source, [
      { entry: 'k', grid: [8, 1, 1], block: [4, 1, 1], inputs: [new Uint8Array(16)] },
      { entry: 'read', grid: [1, 1, 1], block: [4, 1, 1], inputs: [new Uint8Array(16)] },
    ]);
    expect(run.error).toBeUndefined();
    // Workgroups b and b + 4 each add 2 × (10 + 20 + 30 + 40) to seen[b]; a later launch reads them.
    expect([...asU32(run.outputs[0]!)]).toEqual([400, 400, 400, 400]);
  });

  it('each loaded module has its own, freshly initialised copy, freed when it is unloaded', async () => {
    const source = '__device__ unsigned calls = 5;\nextern "C" __global__ void k(unsigned* out) { out[0] = calls++; }';
    const driver = createSimDriver({ memoryBytes: 16 * 1024 * 1024 });
    try {
      const out = driver.memAlloc(4);
      const stream = driver.streamCreate();
      const launch = (module: ReturnType<typeof driver.moduleLoad>) => driver.launchKernel({
        fn: driver.moduleGetFunction(module, 'k'), workgroupCount: [1, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0,
        bindings: [{ ptr: out, byteLength: 4 }], constants: new Uint32Array(0),
      }, stream);
      const freeBefore = driver.heapStats().freeBytes;
      const first = await loadHip(driver, source);
      const second = await loadHip(driver, source);
      const seen: number[] = [];
      for (const module of [first, first, second, first]) {
        launch(module);
        await driver.streamSynchronize(stream);
        seen.push(asU32(await readBack(driver, out, 4))[0]!);
      }
      expect(seen).toEqual([5, 6, 5, 7]);
      expect(driver.heapStats().freeBytes).toBeLessThan(freeBefore);
      driver.moduleUnload(first);
      driver.moduleUnload(second);
      expect(driver.heapStats().freeBytes).toBe(freeBefore);
      const reloaded = await loadHip(driver, source);
      launch(reloaded);
      await driver.streamSynchronize(stream);
      expect(asU32(await readBack(driver, out, 4))[0]).toBe(5);
      driver.moduleUnload(reloaded);
      driver.streamDestroy(stream);
      driver.memFree(out);
    } finally {
      driver.destroy();
    }
  });
});
