/**
 * Rule 10 for inputs that used to slip past validation: every one is rejected with an INVALID_ARGUMENT HalError
 * naming the field (never a TypeError, never silently accepted), and a rejected call changes nothing.
 * - numbers checked as numbers (a usage of 2 ** 32 is not "usage 0 wrapped around");
 * - host bytes over a detached ArrayBuffer; Symbols where strings or numbers go; a null options object;
 * - look-alike objects made with Object.create(X.prototype) where a HAL object goes;
 * - one rule for every label;
 * - unknown fields everywhere, named with the nearest known name (a misspelled `signal:` would otherwise drop the
 *   signals the caller asked for).
 */
import { describe, expect, it } from 'vitest';
import {
  GpuBuffer,
  CommandBuffer,
  DescriptorSetLayout,
  type Device,
  Executable,
  PipelineLayout,
  Semaphore,
  StatusCode,
  createDevice,
} from '../../../src/index.js';
import { parseHipOptions } from '../../../src/backends/hip/index.js';
import { sampleExecutableManifestInput } from '../../../src/kernels/samples.js';
import { SEEDS, expectHalError, expectRejects, testDevice } from '../../helpers/device.js';

/** Everything a rejected call could have changed. */
function snapshot(device: Device): unknown {
  return { work: device.workCounts, counts: device.driver.outstanding() };
}

function detachedBuffer(): ArrayBuffer {
  const bytes = new ArrayBuffer(16);
  structuredClone(bytes, { transfer: [bytes] });
  expect(bytes.byteLength).toBe(0);
  return bytes;
}

const INVALID = StatusCode.INVALID_ARGUMENT;

describe.each(SEEDS)('inputs that escaped validation (seed %i)', (seed) => {
  it('createBuffer usage beyond the flags is rejected, also where 32-bit arithmetic would wrap it', async () => {
    const device = await testDevice({ seed });
    const before = snapshot(device);
    for (const usage of [2 ** 32, 2 ** 32 + 1, 2 ** 53, 2 ** 31, 8, 0, -1]) {
      expectHalError(() => device.createBuffer({ byteLength: 16, usage }), INVALID, 'createBuffer usage', String(usage));
    }
    expect(snapshot(device)).toEqual(before);
    expect(device.createBuffer({ byteLength: 16, usage: 7 }).usage).toBe(7);
  });

  it('detached host bytes are INVALID_ARGUMENT naming the field', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 16 });
    const before = snapshot(device);
    const detached = detachedBuffer();
    const view = new Uint8Array(new ArrayBuffer(8));
    const dataView = new DataView(new ArrayBuffer(8));
    structuredClone([view.buffer, dataView.buffer], { transfer: [view.buffer, dataView.buffer as ArrayBuffer] });
    for (const data of [detached, view, dataView]) {
      expectHalError(() => device.queue.update({ buffer, data }), INVALID, 'update data', 'detached');
      await expectRejects(device.upload(buffer, data), INVALID, 'update data', 'detached');
    }
    const cb = device.createCommandBuffer();
    cb.begin();
    expectHalError(() => cb.update({ buffer, data: view }), INVALID, 'data', 'detached');
    expect(cb.commandCount).toBe(0);
    cb.end();
    expect(snapshot(device)).toEqual(before);
  });

  it('Symbols and a null options object are HalErrors, not TypeErrors', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 64 });
    const symbol = Symbol('x') as never;
    expectHalError(() => device.createCommandBuffer({ label: symbol }), INVALID, 'commandBuffer label', 'Symbol(x)');
    expectHalError(() => device.createBuffer({ byteLength: 16, label: symbol }), INVALID, 'createBuffer label');
    expectHalError(() => device.createSemaphore(0n, { label: symbol }), INVALID, 'createSemaphore options.label');
    expectHalError(() => device.createDescriptorSetLayout({ bindings: [], label: symbol }), INVALID, 'descriptorSetLayout label');
    const cb = device.createCommandBuffer({ bindingCapacity: 1 });
    cb.begin();
    cb.fill({ buffer: { slot: 0 }, pattern: 1, patternLength: 1 });
    cb.end();
    expectHalError(() => device.queue.execute({ commandBuffers: [cb], bindingTables: [[{ buffer, length: symbol }]] }), INVALID, 'length', 'Symbol(x)');
    expectHalError(() => device.queue.execute({ commandBuffers: [cb], bindingTables: [[{ buffer, offset: symbol }]] }), INVALID, 'offset', 'Symbol(x)');
    expectHalError(() => device.queue.fill({ buffer, pattern: 1, patternLength: 1, length: symbol }), INVALID, 'fill length');
    await expectRejects(device.createExecutable(sampleExecutableManifestInput(), null as never), INVALID, 'createExecutable options', 'null');
    await expectRejects(device.createExecutable(sampleExecutableManifestInput(), { label: symbol }), INVALID, 'createExecutable options.label');
  });

  it('objects made with Object.create(X.prototype) are rejected where a HAL object goes', async () => {
    const device = await testDevice({ seed });
    const exe = await device.createExecutable(sampleExecutableManifestInput());
    const buffer = device.createBuffer({ byteLength: 64 });
    const s = device.createSemaphore(0n);
    const fakeBuffer = Object.create(GpuBuffer.prototype) as GpuBuffer;
    const fakeSemaphore = Object.create(Semaphore.prototype) as Semaphore;
    const fakeCommandBuffer = Object.create(CommandBuffer.prototype) as CommandBuffer;
    const fakeSetLayout = Object.create(DescriptorSetLayout.prototype) as DescriptorSetLayout;
    const fakeLayout = Object.create(PipelineLayout.prototype) as PipelineLayout;
    const fakeExecutable = Object.create(Executable.prototype) as Executable;
    expect(fakeBuffer instanceof GpuBuffer).toBe(false);
    expect(buffer instanceof GpuBuffer).toBe(true);
    const before = snapshot(device);
    const q = device.queue;
    const cases: [() => unknown, ...string[]][] = [
      [() => q.fill({ buffer: fakeBuffer, pattern: 1, patternLength: 1 }), 'fill buffer', 'GpuBuffer'],
      [() => q.update({ buffer: fakeBuffer, data: new Uint8Array(4) }), 'update buffer'],
      [() => q.copy({ source: fakeBuffer, target: buffer, length: 4 }), 'copy source'],
      [() => q.copy({ source: buffer, target: fakeBuffer, length: 4 }), 'copy target'],
      [() => q.dealloca({ buffer: fakeBuffer }), 'dealloca buffer'],
      [() => q.barrier({ waits: [{ semaphore: fakeSemaphore, value: 1n }] }), 'barrier waits[0].semaphore', 'Semaphore'],
      [() => q.barrier({ signals: [{ semaphore: fakeSemaphore, value: 1n }] }), 'barrier signals[0].semaphore'],
      [() => q.execute({ commandBuffers: [fakeCommandBuffer] }), 'execute commandBuffers[0]', 'CommandBuffer'],
      [() => device.createPipelineLayout({ setLayouts: [fakeSetLayout] }), 'pipelineLayout.setLayouts[0]'],
    ];
    for (const [call, ...parts] of cases) expectHalError(call, INVALID, ...parts);
    await expectRejects(q.read({ buffer: fakeBuffer }), INVALID, 'read buffer');
    await expectRejects(device.upload(fakeBuffer, new Uint8Array(4)), INVALID, 'update buffer');
    await expectRejects(device.download(fakeBuffer), INVALID, 'read buffer');
    await expectRejects(device.waitSemaphores('all', [{ semaphore: fakeSemaphore, value: 1n }]), INVALID, 'waitSemaphores list[0].semaphore');
    const cb = device.createCommandBuffer({ bindingCapacity: 1 });
    cb.begin();
    const entry = exe.entryPoint('fill_u32');
    expectHalError(() => cb.fill({ buffer: fakeBuffer, pattern: 1, patternLength: 1 }), INVALID, 'buffer');
    expectHalError(() => cb.copy({ source: fakeBuffer, target: buffer, length: 4 }), INVALID, 'source');
    expectHalError(() => cb.update({ buffer: fakeBuffer, data: new Uint8Array(4) }), INVALID, 'buffer');
    expectHalError(() => cb.pushConstants({ layout: fakeLayout, values: [1] }), INVALID, 'pushConstants layout');
    expectHalError(() => cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: fakeBuffer }] }), INVALID, 'bindings[0].buffer');
    expectHalError(() => cb.dispatch({ executable: fakeExecutable, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] }), INVALID, 'executable');
    cb.fill({ buffer: { slot: 0 }, pattern: 1, patternLength: 1 });
    cb.end();
    expectHalError(() => q.execute({ commandBuffers: [cb], bindingTables: [[{ buffer: fakeBuffer }]] }), INVALID, 'bindingTable[0].buffer');
    expect(s.query()).toBe(0n);
    expect(snapshot(device)).toEqual(before);
  });

  it('one rule for every label: a string or absent', async () => {
    const device = await testDevice({ seed });
    const setLayout = device.createDescriptorSetLayout({ bindings: [{}] });
    const before = snapshot(device);
    for (const label of [5, {}, [], null, true]) {
      const bad = label as never;
      expectHalError(() => device.createCommandBuffer({ label: bad }), INVALID, 'commandBuffer label');
      expectHalError(() => device.createDescriptorSetLayout({ bindings: [], label: bad }), INVALID, 'descriptorSetLayout label');
      expectHalError(() => device.createPipelineLayout({ setLayouts: [setLayout], label: bad }), INVALID, 'pipelineLayout label');
      expectHalError(() => device.createBuffer({ byteLength: 4, label: bad }), INVALID, 'createBuffer label');
      expectHalError(() => device.createSemaphore(0n, { label: bad }), INVALID, 'createSemaphore options.label');
      expectHalError(() => device.queue.alloca({ byteLength: 4, label: bad }), INVALID, 'alloca label');
      await expectRejects(device.createExecutable(sampleExecutableManifestInput(), { label: bad }), INVALID, 'createExecutable options.label');
    }
    expect(snapshot(device)).toEqual(before);
  });

  it('an array where an options object goes is refused as not an object, naming the field', async () => {
    const device = await testDevice({ seed });
    const s = device.createSemaphore(0n);
    const before = snapshot(device);
    const array = [s, 1n] as never;
    expectHalError(() => device.createCommandBuffer(array), INVALID, 'commandBuffer descriptor must be an object', 'an array of 2');
    expectHalError(() => device.createDescriptorSetLayout(array), INVALID, 'descriptorSetLayout descriptor must be an object');
    expectHalError(() => device.createDescriptorSetLayout({ bindings: [array] }), INVALID, 'descriptorSetLayout.bindings[0] must be an object');
    expectHalError(() => device.createPipelineLayout(array), INVALID, 'pipelineLayout descriptor must be an object');
    expectHalError(() => device.queue.barrier({ waits: [array] }), INVALID, 'barrier waits[0] must be an object', 'an array of 2');
    await expectRejects(s.wait(1n, array), INVALID, 'wait options must be an object');
    await expectRejects(device.createExecutable(sampleExecutableManifestInput(), array), INVALID, 'createExecutable options must be an object');
    expect(snapshot(device)).toEqual(before);
  });

  it('a misspelled field is rejected everywhere, naming the field and the nearest known name', async () => {
    const device = await testDevice({ seed });
    const exe = await device.createExecutable(sampleExecutableManifestInput());
    const buffer = device.createBuffer({ byteLength: 64 });
    const s = device.createSemaphore(0n);
    const signals = [{ semaphore: s, value: 1n }];
    const q = device.queue;
    const before = snapshot(device);
    const cases: [() => unknown, string, string, string][] = [
      [() => q.fill({ buffer, pattern: 1, patternLength: 1, signal: signals } as never), 'fill operation', 'signal', 'signals'],
      [() => q.barrier({ wait: signals } as never), 'barrier operation', 'wait', 'waits'],
      [() => q.update({ buffer, data: new Uint8Array(4), ofset: 4 } as never), 'update operation', 'ofset', 'offset'],
      [() => q.copy({ source: buffer, target: buffer, length: 4, targetOfset: 8 } as never), 'copy operation', 'targetOfset', 'targetOffset'],
      [() => q.execute({ commandBuffers: [], bindingTable: [] } as never), 'execute operation', 'bindingTable', 'bindingTables'],
      [() => q.alloca({ byteLength: 4, bytelength: 4 } as never), 'alloca operation', 'bytelength', 'byteLength'],
      [() => q.dealloca({ bufer: buffer } as never), 'dealloca operation', 'bufer', 'buffer'],
      [() => q.barrier({ signals: [{ semaphore: s, value: 1n, vaule: 2n }] } as never), 'barrier signals[0]', 'vaule', 'value'],
      [() => device.createBuffer({ byteLength: 4, usgae: 1 } as never), 'createBuffer descriptor', 'usgae', 'usage'],
      [() => device.createSemaphore(0n, { lable: 'x' } as never), 'createSemaphore options', 'lable', 'label'],
      [() => device.createCommandBuffer({ bindingCapcity: 1 } as never), 'commandBuffer descriptor', 'bindingCapcity', 'bindingCapacity'],
      [() => device.createDescriptorSetLayout({ bindings: [{ readonly: true }] } as never), 'descriptorSetLayout.bindings[0]', 'readonly', 'readOnly'],
      [() => device.createDescriptorSetLayout({ binding: [] } as never), 'descriptorSetLayout descriptor', 'binding', 'bindings'],
      [() => device.createPipelineLayout({ setLayouts: [], pushConstant: 1 } as never), 'pipelineLayout descriptor', 'pushConstant', 'pushConstants'],
    ];
    for (const [call, what, field, nearest] of cases) expectHalError(call, INVALID, what, `"${field}"`, `did you mean "${nearest}"?`);
    await expectRejects(q.read({ buffer, lenght: 4 } as never), INVALID, 'read operation', '"lenght"', 'did you mean "length"?');
    await expectRejects(s.wait(1n, { timeout: 5 } as never), INVALID, 'wait options', '"timeout"', 'did you mean "timeoutMs"?');
    await expectRejects(device.waitSemaphores('all', signals, { timeoutMS: 5 } as never), INVALID, '"timeoutMS"', 'did you mean "timeoutMs"?');
    await expectRejects(device.createExecutable(sampleExecutableManifestInput(), { labl: 'x' } as never), INVALID, 'createExecutable options', 'did you mean "label"?');
    // A name that resembles nothing lists the known fields instead.
    expectHalError(() => q.barrier({ zzzzzzzz: 1 } as never), INVALID, '"zzzzzzzz"', 'known fields: label, waits, signals');

    const entry = exe.entryPoint('fill_u32');
    const cb = device.createCommandBuffer({ bindingCapacity: 1 });
    cb.begin();
    const commands: [() => unknown, string, string][] = [
      [() => cb.fill({ buffer, pattern: 1, patternLenght: 1 } as never), 'patternLenght', 'patternLength'],
      [() => cb.update({ buffer, data: new Uint8Array(4), ofset: 0 } as never), 'ofset', 'offset'],
      [() => cb.copy({ source: buffer, target: buffer, length: 4, sourceOffest: 0 } as never), 'sourceOffest', 'sourceOffset'],
      [() => cb.pushConstants({ layout: entry.layout, value: [1] } as never), 'value', 'values'],
      [() => cb.pushDescriptorSet({ layout: entry.layout, set: 0, binding: [] } as never), 'binding', 'bindings'],
      [() => cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer, lenght: 4 }] } as never), 'lenght', 'length'],
      [() => cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCounts: [1, 1, 1] } as never), 'workgroupCounts', 'workgroupCount'],
    ];
    for (const [call, field, nearest] of commands) expectHalError(call, INVALID, `"${field}"`, `did you mean "${nearest}"?`);
    expectHalError(() => cb.fill({ buffer: { slot: 0, offest: 4 }, pattern: 1, patternLength: 1 } as never), INVALID, '"offest"', 'known fields: slot');
    expect(cb.commandCount).toBe(0);
    cb.fill({ buffer: { slot: 0 }, pattern: 1, patternLength: 1 });
    cb.end();
    expectHalError(() => q.execute({ commandBuffers: [cb], bindingTables: [[{ buffer, offest: 0 }]] } as never), INVALID, 'bindingTable[0]', '"offest"', 'did you mean "offset"?');
    expect(s.query()).toBe(0n);
    expect(snapshot(device)).toEqual(before);
  });

  // The misspellings are type errors too (createDevice's sim and hip options are typed); `as never` gets them to run time.
  it('device and driver options name an unknown field and its nearest known name', async () => {
    await expectRejects(createDevice({ backend: 'sim', queuCount: 2 } as never), INVALID, '"queuCount"', 'did you mean "queueCount"?');
    await expectRejects(createDevice({ backend: 'sim', sim: { maxStream: 4 } } as never), INVALID, 'maxStream', 'did you mean "maxStreams"?');
    expectHalError(() => parseHipOptions({ platfrom: 'amd' }), INVALID, 'hip options', '"platfrom"', 'did you mean "platform"?');
    expectHalError(() => parseHipOptions({ ordinal: 0, device: 1 }), INVALID, 'hip options', '"device"', 'known fields: platform, ordinal');
    expect(parseHipOptions({ platform: 'nvidia', ordinal: 1 })).toEqual({ platforms: ['nvidia'], ordinal: 1 });
    // With several candidates, bad hip options are still the caller's error, not a reason to fall back to sim.
    await expectRejects(createDevice({ backend: ['hip', 'sim'], hip: { platfrom: 'amd' } } as never), INVALID, '"platfrom"');
  });
});
