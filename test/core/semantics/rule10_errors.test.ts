/**
 * docs/design.md rule 10 — bad input is a HalError with the right code and a message naming the field and the value,
 * and a rejected call changes nothing (no submission, no signal, no capture, no allocation).
 */
import { describe, expect, it } from 'vitest';
import { type Device, HalError, StatusCode } from '../../../src/index.js';
import { SEEDS, expectHalError, expectRejects, testDevice } from '../../helpers/device.js';

/** Everything a rejected call could have changed. */
function snapshot(device: Device, ...semaphores: { currentValue: bigint; failure: HalError | undefined }[]): unknown {
  return {
    work: device.workCounts,
    counts: device.driver.outstanding(),
    semaphores: semaphores.map((s) => [s.currentValue, s.failure]),
  };
}

describe.each(SEEDS)('rule 10: errors for bad input (seed %i)', (seed) => {
  it('every queue operation rejects bad arguments without changing state', async () => {
    const device = await testDevice({ seed });
    const other = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 16, label: 'buf' });
    const readOnly = device.createBuffer({ byteLength: 16, usage: 1 /* TRANSFER_SOURCE */, label: 'ro' });
    const foreign = other.createBuffer({ byteLength: 16 });
    const s = device.createSemaphore(0n, { label: 'sem' });
    const t = device.createSemaphore(0n, { label: 'sig' });
    const okSync = { waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: t, value: 1n }] };
    const q = device.queue;
    const before = snapshot(device, s, t);

    const cases: [() => unknown, StatusCode, ...string[]][] = [
      [() => q.barrier(null as never), StatusCode.INVALID_ARGUMENT, 'barrier operation', 'null'],
      [() => q.barrier({ waits: {} as never }), StatusCode.INVALID_ARGUMENT, 'barrier waits', 'array'],
      [() => q.barrier({ waits: [{ semaphore: s, value: -2n }] }), StatusCode.INVALID_ARGUMENT, 'barrier waits[0].value', '-2n'],
      [() => q.barrier({ signals: [{ semaphore: s, value: 1 as never }] }), StatusCode.INVALID_ARGUMENT, 'barrier signals[0].value', 'got 1'],
      [() => q.barrier({ signals: [{ semaphore: 'sem' as never, value: 1n }] }), StatusCode.INVALID_ARGUMENT, 'signals[0].semaphore', '"sem"'],
      [() => q.barrier({ ...okSync, signals: [{ semaphore: other.createSemaphore(0n), value: 1n }] }), StatusCode.INVALID_ARGUMENT, 'another device'],
      [() => q.fill({ ...okSync, buffer, pattern: 1, patternLength: 3 as never }), StatusCode.INVALID_ARGUMENT, 'patternLength', 'got 3'],
      [() => q.fill({ ...okSync, buffer, pattern: 256, patternLength: 1 }), StatusCode.INVALID_ARGUMENT, 'pattern', '256'],
      [() => q.fill({ ...okSync, buffer, pattern: -1, patternLength: 2 }), StatusCode.INVALID_ARGUMENT, 'pattern', '-1'],
      [() => q.fill({ ...okSync, buffer, offset: 2, pattern: 1, patternLength: 4 }), StatusCode.INVALID_ARGUMENT, 'offset 2', 'multiple'],
      [() => q.fill({ ...okSync, buffer, length: 6, pattern: 1, patternLength: 4 }), StatusCode.INVALID_ARGUMENT, 'length 6', 'multiple'],
      [() => q.fill({ ...okSync, buffer, offset: 8, length: 12, pattern: 1, patternLength: 4 }), StatusCode.OUT_OF_RANGE, '[8, 20)', '16 bytes'],
      [() => q.fill({ ...okSync, buffer: readOnly, pattern: 1, patternLength: 1 }), StatusCode.INVALID_ARGUMENT, 'ro', 'TRANSFER_TARGET'],
      [() => q.fill({ ...okSync, buffer: foreign, pattern: 1, patternLength: 1 }), StatusCode.INVALID_ARGUMENT, 'another device'],
      [() => q.fill({ ...okSync, buffer: {} as never, pattern: 1, patternLength: 1 }), StatusCode.INVALID_ARGUMENT, 'fill buffer', 'Buffer'],
      [() => q.update({ ...okSync, buffer, data: 'abc' as never }), StatusCode.INVALID_ARGUMENT, 'update data', '"abc"'],
      [() => q.update({ ...okSync, buffer, offset: 10, data: new Uint8Array(8) }), StatusCode.OUT_OF_RANGE, '[10, 18)'],
      [() => q.update({ ...okSync, buffer, offset: -1, data: new Uint8Array(1) }), StatusCode.INVALID_ARGUMENT, 'update offset', '-1'],
      [() => q.copy({ ...okSync, source: buffer, target: buffer, sourceOffset: 0, targetOffset: 4, length: 8 }), StatusCode.INVALID_ARGUMENT, 'overlap'],
      [() => q.copy({ ...okSync, source: buffer, target: readOnly, length: 4 }), StatusCode.INVALID_ARGUMENT, 'copy target', 'TRANSFER_TARGET'],
      [() => q.copy({ ...okSync, source: readOnly, target: buffer, length: 4.5 }), StatusCode.INVALID_ARGUMENT, 'copy length', '4.5'],
      [() => q.copy({ ...okSync, source: buffer, sourceOffset: 12, target: buffer, targetOffset: 0, length: 8 }), StatusCode.OUT_OF_RANGE, 'copy source'],
      [() => q.alloca({ ...okSync, byteLength: -8 }), StatusCode.INVALID_ARGUMENT, 'alloca byteLength', '-8'],
      [() => q.dealloca({ ...okSync, buffer: 5 as never }), StatusCode.INVALID_ARGUMENT, 'dealloca buffer', '5'],
      [() => q.execute({ ...okSync, commandBuffers: 'x' as never }), StatusCode.INVALID_ARGUMENT, 'commandBuffers', '"x"'],
      [() => q.execute({ ...okSync, commandBuffers: [buffer as never] }), StatusCode.INVALID_ARGUMENT, 'commandBuffers[0]', 'CommandBuffer'],
    ];
    for (const [call, code, ...fragments] of cases) {
      expectHalError(call, code, ...fragments);
      expect(snapshot(device, s, t)).toEqual(before);
    }
    await expectRejects(q.read({ buffer, offset: 17 }), StatusCode.OUT_OF_RANGE, 'read');
    await expectRejects(q.read({ buffer: readOnly, length: 20 }), StatusCode.OUT_OF_RANGE);
    await expectRejects(q.read({ buffer, length: 'all' as never }), StatusCode.INVALID_ARGUMENT, 'read length', '"all"');
    expect(snapshot(device, s, t)).toEqual(before);
  });

  it('createBuffer and createSemaphore reject bad descriptors naming the field', async () => {
    const device = await testDevice({ seed });
    const before = device.driver.outstanding();
    expectHalError(() => device.createBuffer({ byteLength: 0 }), StatusCode.INVALID_ARGUMENT, 'byteLength', 'got 0');
    expectHalError(() => device.createBuffer({ byteLength: 2 ** 45 }), StatusCode.OUT_OF_RANGE, 'maxBufferBytes');
    expectHalError(() => device.createBuffer({ byteLength: 8, usage: 64 }), StatusCode.INVALID_ARGUMENT, 'usage', '64');
    expectHalError(() => device.createBuffer({ byteLength: 8, memoryType: 'shared' as never }), StatusCode.INVALID_ARGUMENT, 'memoryType', '"shared"');
    expectHalError(() => device.createBuffer(undefined as never), StatusCode.INVALID_ARGUMENT, 'descriptor');
    expectHalError(() => device.createSemaphore(0n, { label: 3 as never }), StatusCode.INVALID_ARGUMENT, 'label', '3');
    expect(device.driver.outstanding()).toEqual(before);
  });

  it('errors keep the HalError shape: code, "CODE: " prefix, detail', async () => {
    const device = await testDevice({ seed });
    const error = expectHalError(() => device.createSemaphore(-1n), StatusCode.INVALID_ARGUMENT);
    expect(error.message.startsWith('INVALID_ARGUMENT: ')).toBe(true);
    expect(error.detail).toContain('initialValue');
  });
});
