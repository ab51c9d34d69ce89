/**
 * Seeded fault injection on the simulator (src/backends/sim/fault_plan.ts): injected faults behave exactly as real
 * ones — rule 5: the faulting submission's signals and exactly its dependents fail with the original code and
 * message, unrelated work runs; out of memory is the allocation's RESOURCE_EXHAUSTED and changes nothing; a lost
 * device fails everything after the loss. Plans are validated with errors naming the field.
 */
import { describe, expect, it } from 'vitest';
import { type Device, type DeviceOptions, HalError, StatusCode } from '../../../src/index.js';
import { type FaultPlan, injectFaults, injectedFaults } from '../../../src/backends/sim/index.js';
import { sampleExecutableManifestInput } from '../../../src/kernels/samples.js';
import { expectHalError, expectRejects, testDevice } from '../../helpers/device.js';

const SEEDS = [1, 7, 42];

async function faultDevice(seed: number, faults: FaultPlan | undefined, options: DeviceOptions = {}): Promise<Device> {
  return testDevice({ backend: 'sim', seed, ...options, sim: faults === undefined ? {} : { faults } });
}

/** A command buffer that fills `buffer` (count words) with `value` through the fill_u32 kernel. */
async function fillKernel(device: Device, buffer: ReturnType<Device['createBuffer']>, value: number, label?: string) {
  const exe = await device.createExecutable(sampleExecutableManifestInput(), label === undefined ? {} : { label });
  const entry = exe.entryPoint('fill_u32');
  const cb = device.createCommandBuffer();
  cb.begin();
  cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer }] });
  cb.pushConstants({ layout: entry.layout, values: [value, buffer.byteLength / 4] });
  cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] });
  cb.end();
  return cb;
}

const u32 = (bytes: Uint8Array): number[] => Array.from(new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));

describe.each(SEEDS.flatMap((seed) => (['graph', 'stream'] as const).map((mode) => [seed, mode] as const)))('fault injection (seed %i, %s mode)', (seed, commandBufferMode) => {
  it('a kernel fault at the n-th dispatch of an entry point fails exactly that submission and its dependents', async () => {
    const device = await faultDevice(seed, { kernelFaults: [{ entryPoint: 'fill_u32', dispatch: 2, message: 'bit flip' }] }, { commandBufferMode, queueCount: 2 });
    const [q0, q1] = device.queues as [Device['queue'], Device['queue']];
    const buffers = [0, 1, 2].map(() => device.createBuffer({ byteLength: 64 }));
    const after = device.createBuffer({ byteLength: 64 });
    await device.upload(after, new Uint8Array(64).fill(1));
    const s = [0, 1, 2].map(() => device.createSemaphore(0n));
    const dependent = device.createSemaphore(0n);
    for (let i = 0; i < 3; i++) {
      q0.execute({ commandBuffers: [await fillKernel(device, buffers[i]!, 10 + i)], signals: [{ semaphore: s[i]!, value: 1n }] });
      await s[i]!.wait(1n).catch(() => undefined); // one dispatch at a time, so "the 2nd" is the 2nd execute
    }
    q1.fill({ buffer: after, pattern: 9, patternLength: 1, waits: [{ semaphore: s[1]!, value: 1n }], signals: [{ semaphore: dependent, value: 1n }] });
    expect(s[0]!.query()).toBe(1n);
    expect(s[2]!.query()).toBe(1n);
    const fault = expectHalError(() => s[1]!.query(), StatusCode.INTERNAL, "kernel fault in entry point 'fill_u32'", 'bit flip', 'kernelFaults[0]');
    expect(fault.driver?.name).toBe('SIM_KERNEL_FAULT');
    await expectRejects(dependent.wait(1n), StatusCode.INTERNAL, 'bit flip');
    expect(dependent.query.bind(dependent)).toThrow(fault.message);
    expect(u32(await device.download(buffers[0]!))).toEqual(new Array(16).fill(10));
    expect(u32(await device.download(buffers[2]!))).toEqual(new Array(16).fill(12));
    expect(await device.download(after)).toEqual(new Uint8Array(64).fill(1)); // the dependent never ran
    expect(injectedFaults(device).map((f) => [f.kind, f.rule])).toEqual([['kernel-fault', 'kernelFaults[0]']]);
  });

  it('a kernel fault by executable label leaves other executables alone', async () => {
    const device = await faultDevice(seed, { kernelFaults: [{ label: 'flaky' }] }, { commandBufferMode });
    const good = device.createBuffer({ byteLength: 64 });
    const bad = device.createBuffer({ byteLength: 64 });
    const s = device.createSemaphore(0n);
    const t = device.createSemaphore(0n);
    device.queue.execute({ commandBuffers: [await fillKernel(device, good, 5, 'solid')], signals: [{ semaphore: s, value: 1n }] });
    device.queue.execute({ commandBuffers: [await fillKernel(device, bad, 6, 'flaky')], signals: [{ semaphore: t, value: 1n }] });
    await s.wait(1n);
    await expectRejects(t.wait(1n), StatusCode.INTERNAL, 'of flaky', 'injected fault');
    expect(u32(await device.download(good))).toEqual(new Array(16).fill(5));
  });
});

describe.each(SEEDS)('fault injection (seed %i)', (seed) => {
  it('out of memory at the n-th allocation: RESOURCE_EXHAUSTED, nothing changes, the next allocation works', async () => {
    const device = await faultDevice(seed, { outOfMemory: [{ allocation: 2 }, { allocation: 3 }] });
    device.createBuffer({ byteLength: 16 });
    const before = device.driver.outstanding();
    const oom = expectHalError(() => device.createBuffer({ byteLength: 32 }), StatusCode.RESOURCE_EXHAUSTED, 'memAlloc of 32 bytes', 'outOfMemory[0]');
    expect(oom.driver?.name).toBe('SIM_OUT_OF_MEMORY');
    expectHalError(() => device.queue.alloca({ byteLength: 64 }), StatusCode.RESOURCE_EXHAUSTED, 'memAllocAsync of 64 bytes', 'outOfMemory[1]');
    expect(device.driver.outstanding()).toEqual(before);
    expect(device.workCounts).toEqual({ pending: 0, inFlight: 0 });
    const s = device.createSemaphore(0n);
    const buffer = device.queue.alloca({ byteLength: 64, signals: [{ semaphore: s, value: 1n }] });
    await s.wait(1n);
    device.queue.dealloca({ buffer, signals: [{ semaphore: s, value: 2n }] });
    await s.wait(2n);
  });

  it('device lost at the n-th submission: it and everything after fail with the loss, earlier work completed', async () => {
    const device = await faultDevice(seed, { deviceLost: { atSubmission: 3 } });
    const buffer = device.createBuffer({ byteLength: 64 });
    const s = device.createSemaphore(0n);
    device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: s, value: 1n }] }); // 1
    await s.wait(1n);
    device.queue.fill({ buffer, pattern: 2, patternLength: 1, signals: [{ semaphore: s, value: 2n }] }); // 2
    await s.wait(2n);
    const t = device.createSemaphore(0n);
    device.queue.fill({ buffer, pattern: 3, patternLength: 1, signals: [{ semaphore: t, value: 1n }] }); // 3: lost
    await expectRejects(t.wait(1n), StatusCode.INTERNAL, 'device lost at submission 3', 'deviceLost.atSubmission');
    expect(device.lostError?.message).toContain('device lost at submission 3');
    expectHalError(() => device.queue.barrier({}), StatusCode.INTERNAL, 'device lost');
    expectHalError(() => device.createBuffer({ byteLength: 4 }), StatusCode.INTERNAL, 'device lost');
    expectHalError(() => s.query(), StatusCode.INTERNAL, 'device lost');
  });

  it('device lost at a virtual time: work running across it fails, and so does everything after', async () => {
    // The second fill is made to run from about 10 µs to 110 µs: the loss at 50 µs happens while it runs.
    const device = await faultDevice(seed, { deviceLost: { atTimeNs: 50_000 }, slow: [{ op: 'memset', nth: 2, extraNs: 100_000 }] });
    const buffer = device.createBuffer({ byteLength: 64 });
    const s = device.createSemaphore(0n);
    device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
    await s.wait(1n);
    expect(device.driver.now()).toBeLessThan(50_000n);
    device.queue.fill({ buffer, pattern: 2, patternLength: 1, signals: [{ semaphore: s, value: 2n }] });
    await expectRejects(s.wait(2n), StatusCode.INTERNAL, 'device lost at virtual time 50000 ns', 'deviceLost.atTimeNs');
    expect(device.lostError).toBeInstanceOf(HalError);
    expectHalError(() => device.queue.barrier({}), StatusCode.INTERNAL, 'device lost at virtual time');
  });

  it('a slow operation adds exactly its extra virtual latency', async () => {
    const elapsed = async (faults: FaultPlan | undefined): Promise<bigint> => {
      const device = await faultDevice(seed, faults);
      const buffer = device.createBuffer({ byteLength: 4096 });
      const s = device.createSemaphore(0n);
      const start = device.driver.now();
      device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
      await s.wait(1n);
      return device.driver.now() - start;
    };
    const plain = await elapsed(undefined);
    expect(await elapsed({ slow: [{ op: 'memset', extraNs: 12_345 }] })).toBe(plain + 12_345n);
    expect(await elapsed({ slow: [{ op: 'kernel', extraNs: 12_345 }] })).toBe(plain);
  });

  it('a slow operation reorders unordered work, as a seed would', async () => {
    // Two chains on two queues, each a preparation step then a fill of the same buffer, with no semaphore between the
    // chains: whichever chain is slowed writes last. Queue 0 prepares with an update (htod), queue 1 with a fill
    // (the first memset to start).
    const last = async (faults: FaultPlan): Promise<number> => {
      const device = await faultDevice(seed, faults, { queueCount: 2 });
      const [q0, q1] = device.queues as [Device['queue'], Device['queue']];
      const buffer = device.createBuffer({ byteLength: 4096 });
      const scratch = [0, 1].map(() => device.createBuffer({ byteLength: 256 }));
      const a = device.createSemaphore(0n);
      const b = device.createSemaphore(0n);
      q0.update({ buffer: scratch[0]!, data: new Uint8Array(256), signals: [{ semaphore: a, value: 1n }] });
      q0.fill({ buffer, pattern: 1, patternLength: 1, waits: [{ semaphore: a, value: 1n }], signals: [{ semaphore: a, value: 2n }] });
      q1.fill({ buffer: scratch[1]!, pattern: 0, patternLength: 1, signals: [{ semaphore: b, value: 1n }] });
      q1.fill({ buffer, pattern: 2, patternLength: 1, waits: [{ semaphore: b, value: 1n }], signals: [{ semaphore: b, value: 2n }] });
      await device.waitSemaphores('all', [{ semaphore: a, value: 2n }, { semaphore: b, value: 2n }]);
      return (await device.download(buffer))[0]!;
    };
    expect(await last({ slow: [{ op: 'htod', extraNs: 1_000_000 }] })).toBe(1);
    expect(await last({ slow: [{ op: 'memset', nth: 1, extraNs: 1_000_000 }] })).toBe(2);
  });

  it('random faults are reproducible from the seed and follow their probabilities', async () => {
    const run = async (plan: FaultPlan) => {
      const device = await faultDevice(seed, plan);
      const buffer = device.createBuffer({ byteLength: 64 });
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i++) {
        const s = device.createSemaphore(0n);
        device.queue.execute({ commandBuffers: [await fillKernel(device, buffer, i)], signals: [{ semaphore: s, value: 1n }] });
        outcomes.push(await s.wait(1n).then(() => 'ok', (e: HalError) => e.code));
      }
      return { outcomes, injected: injectedFaults(device).map((f) => [f.kind, f.rule, f.what]) };
    };
    const half = { random: { seed: 99, kernelFault: 0.5 } };
    const a = await run(half);
    expect(await run(half)).toEqual(a);
    expect(a.outcomes).toContain('ok');
    expect(a.outcomes).toContain(StatusCode.INTERNAL);
    expect(a.injected.length).toBe(a.outcomes.filter((o) => o !== 'ok').length);
    expect((await run({ random: { seed: 99, kernelFault: 1 } })).outcomes).toEqual(new Array(12).fill(StatusCode.INTERNAL));
    expect((await run({ random: { seed: 99, kernelFault: 0 } })).outcomes).toEqual(new Array(12).fill('ok'));
    expect(await run({ random: { seed: 100, kernelFault: 0.5 } })).not.toEqual(a);
  });

  it('a plan given at run time starts counting then, and can be removed', async () => {
    const device = await faultDevice(seed, undefined);
    const buffer = device.createBuffer({ byteLength: 64 });
    const cb = await fillKernel(device, buffer, 3);
    const s = device.createSemaphore(0n);
    device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: s, value: 1n }] });
    await s.wait(1n);
    injectFaults(device, { kernelFaults: [{ dispatch: 1 }] });
    const t = device.createSemaphore(0n);
    device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: t, value: 1n }] });
    await expectRejects(t.wait(1n), StatusCode.INTERNAL, 'injected fault');
    injectFaults(device, undefined);
    device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: s, value: 2n }] });
    await s.wait(2n);
  });

  it('bad plans are INVALID_ARGUMENT naming the field, at creation and at run time', async () => {
    const cases: [unknown, ...string[]][] = [
      [{ kernelFault: [] }, 'options.faults', '"kernelFault"', 'did you mean "kernelFaults"?'],
      [{ kernelFaults: [{ dispatch: 0 }] }, 'options.faults.kernelFaults[0].dispatch', 'positive integer', 'got 0'],
      [{ kernelFaults: [{ entryPont: 'x' }] }, 'options.faults.kernelFaults[0]', 'did you mean "entryPoint"?'],
      [{ kernelFaults: {} }, 'options.faults.kernelFaults must be an array'],
      [{ outOfMemory: [{}] }, 'options.faults.outOfMemory[0].allocation is missing'],
      [{ outOfMemory: [{ allocation: 1.5 }] }, 'options.faults.outOfMemory[0].allocation', '1.5'],
      [{ deviceLost: {} }, 'options.faults.deviceLost needs atTimeNs or atSubmission'],
      [{ deviceLost: { atTimeNs: -1 } }, 'options.faults.deviceLost.atTimeNs', '-1'],
      [{ slow: [{ extraNs: 5, op: 'fill' }] }, 'options.faults.slow[0].op', 'kernel, graph, memset'],
      [{ slow: [{ op: 'kernel' }] }, 'options.faults.slow[0].extraNs is missing'],
      [{ random: { kernelFault: 2 } }, 'options.faults.random.kernelFault', 'probability', 'got 2'],
      [{ random: { seed: 'x' } }, 'options.faults.random.seed', '"x"'],
      ['plan', 'options.faults must be an object'],
    ];
    for (const [faults, ...parts] of cases) {
      await expectRejects(testDevice({ backend: 'sim', seed, sim: { faults } as never }), StatusCode.INVALID_ARGUMENT, ...parts);
    }
    const device = await faultDevice(seed, undefined);
    expectHalError(() => injectFaults(device, { random: { slow: -1 } }), StatusCode.INVALID_ARGUMENT, 'fault plan.random.slow');
    const fake = { driver: { info: { name: 'a GPU' } } } as never;
    expectHalError(() => injectFaults(fake, {}), StatusCode.UNIMPLEMENTED, 'needs the simulator', 'a GPU');
  });
});
