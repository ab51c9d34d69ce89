// A kernel fault on a real GPU: the completion query reports it as INTERNAL with the driver's own words, the
// device becomes lost, every later call fails fast with that reason, and teardown still releases everything.
// Its own file (own process): a faulted CUDA context stays broken for the process.
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../../src/core/errors.js';
import { HalError } from '../../../../src/core/errors.js';
import { expectHal, GPU_ENABLED, GPU_NOTE, openGpu, SPIN_SOURCE, until } from '../../../helpers/hip_gpu.js';

describe.skipIf(!GPU_ENABLED)(`hip driver kernel fault${GPU_NOTE}`, () => {
  it('an illegal address loses the device with a clear error, and nothing hangs', async () => {
    const driver = await openGpu();
    const stream = driver.streamCreate();
    const module = driver.moduleLoad({ format: 'hip-source', source: SPIN_SOURCE, label: 'spin' });
    const fn = driver.moduleGetFunction(module, 'store_through');
    const event = driver.eventCreate();
    const buffer = driver.memAlloc(64);
    // A binding at an unmapped address (0x10): the store faults.
    driver.launchKernel({ fn, workgroupCount: [1, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0, bindings: [{ ptr: 0x10, byteLength: 4 }], constants: Uint32Array.of(1) }, stream);
    driver.eventRecord(event, stream);
    let fault: unknown;
    try {
      await until(driver, () => driver.eventQuery(event), 20_000);
    } catch (error) {
      fault = error;
    }
    expect(fault).toBeInstanceOf(HalError);
    const error = fault as HalError;
    console.log(`[gpu] fault surfaced as: ${error.message} ${JSON.stringify(error.driver)}`);
    expect(error.code).toBe(StatusCode.INTERNAL);
    expect(error.driver?.name).toMatch(/ILLEGAL_ADDRESS|IllegalAddress|LAUNCH_FAILED|LaunchFailure/);
    expect(error.driver?.call).toMatch(/EventQuery/);
    const lost = driver.lostError?.();
    expect(lost).toBeInstanceOf(HalError);
    expect(lost!.message).toContain('device lost');
    // Fail fast: each later call throws the same recorded reason (the lost state), not a fresh driver error.
    for (const call of [() => driver.memAlloc(64), () => driver.streamCreate(), () => driver.eventQuery(event)]) {
      expect(expectHal(call, StatusCode.INTERNAL, 'device lost')).toBe(lost);
    }
    // Teardown after the loss still releases every object.
    driver.memFree(buffer);
    driver.eventDestroy(event);
    driver.moduleUnload(module);
    driver.streamDestroy(stream);
    expect(driver.outstanding()).toEqual({ streams: 0, events: 0, graphs: 0, graphExecs: 0, modules: 0, allocations: 0, timers: 0 });
    driver.destroy();
  }, 60_000);
});
