/**
 * Argument checks of the hip driver that need no driver state: byte lengths, device addresses, memset parameters,
 * launch shapes.
 * They run before any driver call, so a rejected call changes nothing.
 */
import type { KernelLaunch, MemsetParams } from '../../core/driver.js';
import { invalidArgument, unimplemented } from '../../core/errors.js';
import type { Dims3 } from './platform_api.js';
import { describe, nonNegativeInteger } from '../../core/validation.js';

export function checkByteLength(value: number, field: string): void {
  nonNegativeInteger(field, value);
}

export function checkDevicePtr(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw invalidArgument(`${field} must be a device address (got ${describe(value)})`);
}

export function checkMemset(params: MemsetParams): void {
  checkDevicePtr(params.dst, 'memset dst');
  if (params.elementSize !== 1 && params.elementSize !== 2 && params.elementSize !== 4) {
    throw invalidArgument(`memset elementSize must be 1, 2 or 4 (got ${describe(params.elementSize)})`);
  }
  checkByteLength(params.count, 'memset count');
  const max = 2 ** (8 * params.elementSize);
  if (!Number.isInteger(params.value) || params.value < 0 || params.value >= max) {
    throw invalidArgument(`memset value must be an unsigned ${8 * params.elementSize}-bit integer (got ${describe(params.value)})`);
  }
}

/** A launch's grid, block, shared memory, constants and binding addresses; the function is the driver's to check. */
export function checkLaunchShape(launch: KernelLaunch, use: string): { grid: Dims3; block: Dims3 } {
  if (launch.indirectWorkgroupCount !== undefined) {
    throw unimplemented(`${use}: indirect dispatch (indirectWorkgroupCount) is not supported by the hip driver`);
  }
  const dims = (v: readonly number[], field: string, min: number): Dims3 => {
    if (!Array.isArray(v) || v.length !== 3 || v.some((n) => !Number.isInteger(n) || n < min || n > 0xffffffff)) {
      throw invalidArgument(`${use} ${field} must be three integers >= ${min} (got ${describe(v)})`);
    }
    return { x: v[0]!, y: v[1]!, z: v[2]! };
  };
  const grid = dims(launch.workgroupCount, 'workgroupCount', 0);
  const block = dims(launch.workgroupSize, 'workgroupSize', 1);
  nonNegativeInteger(`${use} sharedMemoryBytes`, launch.sharedMemoryBytes);
  if (!(launch.constants instanceof Uint32Array)) throw invalidArgument(`${use} constants must be a Uint32Array (got ${describe(launch.constants)})`);
  launch.bindings.forEach((b, i) => checkDevicePtr(b.ptr, `${use} bindings[${i}].ptr`));
  return { grid, block };
}
