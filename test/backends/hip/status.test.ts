// Driver statuses → HalError, with names and texts from the real HIP runtime.
import { describe, expect, it } from 'vitest';
import { hipDescriber } from '../../../src/backends/hip/amd_api.js';
import { makeStatusCheck } from '../../../src/backends/hip/call_helpers.js';
import { bindSymbols, loadFirst, type LoadedLibrary } from '../../../src/backends/hip/library.js';
import { HIP_LIBRARY_CANDIDATES, HIP_SYMBOLS } from '../../../src/backends/hip/amd_api.js';
import { driverError, losesDevice, STATUS_NOT_READY, statusCode } from '../../../src/backends/hip/status.js';
import { HalError, StatusCode } from '../../../src/core/errors.js';
import { hipLibraryMissing, requirement } from '../../helpers/hip_env.js';

describe('status codes', () => {
  it.each([
    [1, StatusCode.INVALID_ARGUMENT],
    [2, StatusCode.RESOURCE_EXHAUSTED],
    [100, StatusCode.UNAVAILABLE],
    [200, StatusCode.INVALID_ARGUMENT],
    [400, StatusCode.INVALID_ARGUMENT],
    [500, StatusCode.NOT_FOUND],
    [700, StatusCode.INTERNAL],
    [719, StatusCode.INTERNAL],
    [801, StatusCode.UNIMPLEMENTED],
    [12345, StatusCode.UNKNOWN],
  ])('status %i maps to %s', (status, code) => {
    expect(statusCode(status)).toBe(code);
  });

  it('only faults of device work lose the device', () => {
    for (const s of [700, 702, 710, 714, 715, 716, 717, 718, 719]) expect(losesDevice(s)).toBe(true);
    for (const s of [1, 2, 101, 400, 500, 701, 801, STATUS_NOT_READY]) expect(losesDevice(s)).toBe(false);
  });
});

const hip = requirement(hipLibraryMissing());

describe.skipIf(hip.skip)(`HIP status names and texts from libamdhip64${hip.note}`, () => {
  const loaded = loadFirst(HIP_LIBRARY_CANDIDATES) as LoadedLibrary;
  const describer = hipDescriber(bindSymbols(loaded.lib, HIP_SYMBOLS).fns);

  it.each([
    [2, 'hipErrorOutOfMemory', StatusCode.RESOURCE_EXHAUSTED],
    [1, 'hipErrorInvalidValue', StatusCode.INVALID_ARGUMENT],
    [500, 'hipErrorNotFound', StatusCode.NOT_FOUND],
    [700, 'hipErrorIllegalAddress', StatusCode.INTERNAL],
    [719, 'hipErrorLaunchFailure', StatusCode.INTERNAL],
    [101, 'hipErrorInvalidDevice', StatusCode.UNAVAILABLE],
  ])('status %i is %s → %s, keeping the driver words', (status, name, code) => {
    const error = driverError(describer, status, 'hipSomething', 'context words');
    expect(error).toBeInstanceOf(HalError);
    expect(error.code).toBe(code);
    expect(error.driver).toEqual({ api: 'hip', name, number: status, text: describer.text(status), call: 'hipSomething' });
    expect(error.driver?.text?.length).toBeGreaterThan(0);
    expect(error.message).toBe(`${code}: hipSomething failed: ${name} (${status}): ${describer.text(status)} (context words)`);
  });

  it('hipErrorNotReady is the not-ready status queries treat as "not yet"', () => {
    expect(describer.name(STATUS_NOT_READY)).toBe('hipErrorNotReady');
  });

  it('a checked call throws, and reports device-losing statuses to the driver once', () => {
    const lost: Error[] = [];
    const check = makeStatusCheck(describer, () => (e) => lost.push(e));
    expect(() => check(0, 'hipOk')).not.toThrow();
    expect(() => check(2, 'hipMalloc', '64 bytes')).toThrow(/RESOURCE_EXHAUSTED: hipMalloc failed: hipErrorOutOfMemory \(2\)/);
    expect(lost).toHaveLength(0);
    expect(() => check(700, 'hipEventQuery')).toThrow(/INTERNAL: hipEventQuery failed: hipErrorIllegalAddress/);
    expect(lost).toHaveLength(1);
    expect((lost[0] as HalError).driver?.number).toBe(700);
  });
});
