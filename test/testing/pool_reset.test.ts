/**
 * A pooled simulator driver, reset between schedules, must replay like a fresh one: memory the last run used —
 * its buffers, the allocator's block headers around them, and the per-thread memory (stacks, coroutine state) a
 * HIP-C module takes from the heap outside the allocation table, and its __device__ variables — reads as zeros in
 * the next run.
 */
import { expect, it } from 'vitest';
import { sampleExecutableManifestInput, sampleKernelSpec, workgroupsFor } from '../../src/kernels/index.js';
import { runExploration, type Scenario } from '../../src/testing/index.js';
import { SimDriver } from '../../src/backends/sim/driver.js';
import { dispatchHip } from '../helpers/hip_dispatch.js';
import { loadHip } from '../helpers/hipc.js';

const kernelRun: Scenario = {
  name: 'kernel-run',
  async run({ device }) {
    const spec = sampleKernelSpec('scale_i32');
    const count = 256;
    const executable = await device.createExecutable(sampleExecutableManifestInput(), { label: 'samples' });
    const scale = executable.entryPoint('scale_i32');
    const x = device.createBuffer({ byteLength: count * 4, label: 'x' });
    device.queue.update({ buffer: x, data: new Int32Array(count).fill(3) });
    const commands = device.createCommandBuffer();
    commands.begin();
    commands.pushDescriptorSet({ layout: scale.layout, set: 0, bindings: [{ binding: 0, buffer: x }] });
    commands.pushConstants({ layout: scale.layout, values: [5, count] });
    commands.dispatch({ executable, entryPoint: 'scale_i32', workgroupCount: [workgroupsFor(spec, count), 1, 1] });
    commands.end();
    const done = device.createSemaphore(0n);
    device.queue.execute({ commandBuffers: [commands], signals: [{ semaphore: done, value: 1n }] });
    await done.wait(1n);
  },
};

const bigZeroRead: Scenario = {
  name: 'big-zero-read',
  async run({ device }) {
    const big = device.createBuffer({ byteLength: 8 << 20, label: 'big' });
    const bytes = await device.queue.read({ buffer: big });
    const dirty = bytes.findIndex((b) => b !== 0);
    if (dirty >= 0) throw new Error(`a new buffer holds ${bytes[dirty]} at byte ${dirty}: the last run's bytes`);
  },
};

it('a driver reused after a run that split the heap hands out zeroed memory, headers included', async () => {
  expect((await runExploration(kernelRun, { schedules: 3 })).failure).toBeNull();
  const result = await runExploration(bigZeroRead, { schedules: 3 });
  expect(result.failure?.text).toBeUndefined();
}, 60_000);

/** Runs HIP-C kernel `k(unsigned* out)` over 4 workgroups of 64 threads, unloads it, resets the driver and expects
 * every byte a new 24 MiB allocation covers to read as zero. */
async function expectZeroedAfterKernel(source: string): Promise<void> {
  const driver = new SimDriver({ memoryBytes: 32 * 1024 * 1024 });
  // The output first: the module's heap block is then the last one touched, so nothing after it is zeroed by chance.
  const out = driver.memAlloc(256);
  const module = await loadHip(driver, source);
  const stream = driver.streamCreate();
  driver.launchKernel({
    fn: driver.moduleGetFunction(module, 'k'), workgroupCount: [4, 1, 1], workgroupSize: [64, 1, 1], sharedMemoryBytes: 0,
    bindings: [{ ptr: out, byteLength: 256 }], constants: new Uint32Array(0),
  }, stream);
  await driver.streamSynchronize(stream);
  driver.streamDestroy(stream);
  driver.memFree(out);
  driver.moduleUnload(module);
  driver.destroy();
  driver.reset();
  const heap = driver.memAlloc(24 * 1024 * 1024);
  const bytes = (driver as unknown as { device: { u8: Uint8Array } }).device.u8.subarray(Number(heap), Number(heap) + 24 * 1024 * 1024);
  expect(bytes.findIndex((b) => b !== 0)).toBe(-1);
  driver.memFree(heap);
  driver.destroy();
}

it('a driver reused after a HIP-C kernel with __syncthreads hands out zeroed memory (its per-thread memory too)', async () => {
  await expectZeroedAfterKernel(`extern "C" __global__ void k(unsigned* out) {
  __shared__ unsigned s[64];
  s[threadIdx.x] = threadIdx.x * 2654435761u;
  __syncthreads();
  out[threadIdx.x] = s[(threadIdx.x + 1) % 64];
}`);
}, 300_000);

it('a driver reused after a HIP-C kernel with per-thread memory and __device__ variables zeroes the variables too', async () => {
  // The variables lie after every thread's memory, in the module's one heap block: 8 KiB of them, written non-zero.
  await expectZeroedAfterKernel(`__device__ unsigned table[2048];
extern "C" __global__ void k(unsigned* out) {
  __shared__ unsigned s[64];
  s[threadIdx.x] = threadIdx.x + 1;
  __syncthreads();
  for (unsigned i = threadIdx.x; i < 2048; i += blockDim.x) table[i] = 0xdeadbeefu ^ i;
  __syncthreads();
  out[threadIdx.x] = table[(threadIdx.x * 7) % 2048] + s[(threadIdx.x + 1) % 64];
}`);
}, 300_000);

it('reset replaces seed, schedule and faults and keeps every other option (kernel memory checks and thread order too)', () => {
  const driver = new SimDriver({ memoryBytes: 8 * 1024 * 1024, seed: 3, logLimit: 7, kernelMemoryChecks: false, kernelThreadOrder: 'every-workgroup' });
  driver.destroy();
  driver.reset({ seed: 9 });
  expect(driver.options.seed).toBe(9n);
  expect([driver.options.memoryBytes, driver.options.logLimit, driver.options.kernelMemoryChecks, driver.options.kernelThreadOrder])
    .toEqual([8 * 1024 * 1024, 7, false, 'every-workgroup']);
  driver.destroy();
});

/** A kernel that writes past its binding (but inside its buffer): a fault with memory checks, nothing without. */
const writePastBinding: Scenario = {
  name: 'write-past-binding',
  async run({ device }) {
    await dispatchHip(device, {
      source: 'extern "C" __global__ void k(unsigned* out) { out[3] = 7u; }', entry: 'k',
      workgroupSize: [1, 1, 1], workgroupCount: [1, 1, 1], bufferBytes: 16, bindingBytes: 8,
    });
  },
};

it('an exploration gets a driver with its own simulator options, never a pooled one made with others', async () => {
  const explore = (kernelMemoryChecks: boolean) =>
    runExploration(writePastBinding, { schedules: 1, shrink: false, device: { sim: { kernelMemoryChecks } } });
  // Each order: the driver pooled by the first exploration must not serve the second.
  for (const order of [[true, false], [false, true]]) {
    for (const checks of order) {
      const { failure } = await explore(checks);
      if (checks) expect(failure?.text, "memory checks on").toMatch(/out-of-bounds access to binding 0/);
      else expect(failure, 'memory checks off').toBeNull();
    }
  }
}, 60_000);

it('an exploration waits for a HIP-C kernel its scenario compiles on first use (a compile is no stall)', async () => {
  // A source no cache holds (the comment differs per run), so the first schedule compiles it.
  const source = `// compiled at ${process.hrtime.bigint()}\nextern "C" __global__ void k(unsigned* out) { out[threadIdx.x] = threadIdx.x; }`;
  const fresh: Scenario = {
    name: 'compile-on-first-use',
    async run({ device }) {
      const out = await dispatchHip(device, { source, entry: 'k', workgroupSize: [4, 1, 1], workgroupCount: [1, 1, 1], bufferBytes: 16 });
      expect([...out]).toEqual([0, 1, 2, 3]);
    },
  };
  const result = await runExploration(fresh, { schedules: 3, shrink: false });
  expect(result.failure?.text).toBeUndefined();
  expect(result.schedules).toBe(3);
}, 60_000);
