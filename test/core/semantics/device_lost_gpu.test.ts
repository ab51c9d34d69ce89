/**
 * Device loss on a real GPU (hip backend only; run this file on its own — a sticky fault ends the process's
 * context): a kernel that reads far outside its buffer faults, the driver reports a sticky error, and the core
 * fails the submission, every pending submission and semaphore with it, then every later call fails fast, and
 * destroy still releases every driver object. The simulator's version of this test is in
 * test/core/scheduler/scheduler.test.ts ("device lost").
 */
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../src/index.js';
import { sampleExecutableManifestInput } from '../../../src/kernels/samples.js';
import { ON_SIM, expectRejects, testDevice } from '../../helpers/device.js';

const RUNS = !ON_SIM && process.env.GPUHAL_DEVICE_LOST_TEST === '1';
const NOTE = RUNS ? '' : ' (skipped: faults the GPU on purpose; scripts/gpu/verify.sh runs it alone on the hip backend with GPUHAL_DEVICE_LOST_TEST=1)';

describe.runIf(RUNS)(`device lost (real GPU)${NOTE}`, () => {
  it('a sticky fault fails everything with the driver error and later calls fail fast', async () => {
    const device = await testDevice({});
    const exe = await device.createExecutable(sampleExecutableManifestInput());
    const small = device.createBuffer({ byteLength: 64 });
    const entry = exe.entryPoint('copy_u32');
    const count = 1 << 28; // 1 GiB of reads and writes past a 64-byte buffer: unmapped memory
    const cb = device.createCommandBuffer();
    cb.begin();
    cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: small }, { binding: 1, buffer: small }] });
    cb.pushConstants({ layout: entry.layout, values: [count] });
    cb.dispatch({ executable: exe, entryPoint: 'copy_u32', workgroupCount: [count / 256, 1, 1] });
    cb.end();
    const faulted = device.createSemaphore(0n);
    const gate = device.createSemaphore(0n);
    const pendingOut = device.createSemaphore(0n);
    device.queue.barrier({ waits: [{ semaphore: gate, value: 1n }], signals: [{ semaphore: pendingOut, value: 1n }] });
    device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: faulted, value: 1n }] });
    let error: unknown;
    try {
      await faulted.wait(1n, { timeoutMs: 30_000 });
    } catch (e) {
      error = e;
    }
    console.log('fault reported as:', (error as Error | undefined)?.message, '| lost:', device.lostError?.message);
    expect(device.lostError, 'the driver reported a sticky failure').toBeDefined();
    const lost = device.lostError!;
    expect((error as { code?: string }).code).toBe(lost.code);
    await expectRejects(pendingOut.wait(1n), lost.code);
    expect(() => device.createBuffer({ byteLength: 8 })).toThrow(lost.message);
    expect(() => device.queue.barrier()).toThrow(lost.message);
    expect(lost.code).not.toBe(StatusCode.OK);
  });
});
