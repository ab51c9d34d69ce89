/**
 * Argument checks of the hip driver that need no driver state: byte lengths, device addresses, memset parameters.
 * They run before any driver call, so a rejected call changes nothing.
 */
import type { MemsetParams } from '../../core/driver.js';
import { invalidArgument } from '../../core/errors.js';
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
