/**
 * Driver status → HalError.
 *
 * HIP deliberately reuses the CUDA driver's numbering for the statuses both have (hipErrorIllegalAddress and
 * CUDA_ERROR_ILLEGAL_ADDRESS are both 700), so one table maps both; names and texts always come from the driver
 * itself (hipGetErrorName/String, cuGetErrorName/String) so messages never drift from what the library says.
 */
import { HalError, StatusCode } from '../../core/errors.js';

export type DriverApi = 'hip' | 'cuda';

/** The "not ready" status of queries: not an error. */
export const STATUS_NOT_READY = 600;

const CODE_BY_STATUS: ReadonlyMap<number, StatusCode> = new Map<number, StatusCode>([
  [1, StatusCode.INVALID_ARGUMENT], // invalid value
  [2, StatusCode.RESOURCE_EXHAUSTED], // out of memory
  [3, StatusCode.FAILED_PRECONDITION], // not initialized
  [4, StatusCode.FAILED_PRECONDITION], // deinitialized
  [34, StatusCode.UNAVAILABLE], // CUDA stub library loaded instead of the driver
  [35, StatusCode.UNAVAILABLE], // driver older than the runtime needs
  [46, StatusCode.UNAVAILABLE], // device busy or unavailable
  [100, StatusCode.UNAVAILABLE], // no device
  [101, StatusCode.UNAVAILABLE], // invalid device (ordinal)
  [200, StatusCode.INVALID_ARGUMENT], // invalid image
  [201, StatusCode.FAILED_PRECONDITION], // invalid context
  [209, StatusCode.INVALID_ARGUMENT], // no binary for this GPU
  [218, StatusCode.INVALID_ARGUMENT], // invalid PTX
  [222, StatusCode.UNIMPLEMENTED], // PTX needs a newer driver
  [300, StatusCode.INVALID_ARGUMENT], // invalid source
  [301, StatusCode.NOT_FOUND], // file not found
  [400, StatusCode.INVALID_ARGUMENT], // invalid handle
  [500, StatusCode.NOT_FOUND], // named symbol not found
  [701, StatusCode.RESOURCE_EXHAUSTED], // launch out of resources
  [700, StatusCode.INTERNAL], // illegal address
  [702, StatusCode.INTERNAL], // launch timeout
  [710, StatusCode.INTERNAL], // device-side assert
  [714, StatusCode.INTERNAL], // hardware stack error
  [715, StatusCode.INTERNAL], // illegal instruction
  [716, StatusCode.INTERNAL], // misaligned address
  [717, StatusCode.INTERNAL], // invalid address space
  [718, StatusCode.INTERNAL], // invalid program counter
  [719, StatusCode.INTERNAL], // launch failure
  [801, StatusCode.UNIMPLEMENTED], // not supported
  [999, StatusCode.UNKNOWN],
]);

/**
 * Statuses after which the context is unusable (CUDA calls them sticky): every later call on the device would
 * fail or hang, so the driver marks itself lost and fails fast with the original error.
 */
const DEVICE_LOSING = new Set([700, 702, 710, 714, 715, 716, 717, 718, 719, 999]);

export function statusCode(status: number): StatusCode {
  return CODE_BY_STATUS.get(status) ?? StatusCode.UNKNOWN;
}

export function losesDevice(status: number): boolean {
  return DEVICE_LOSING.has(status);
}

/** The driver's own words for a status. */
export interface StatusDescriber {
  readonly api: DriverApi;
  name(status: number): string;
  text(status: number): string;
}

/** "cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory (allocating 1099511627776 bytes)". */
export function driverError(describer: StatusDescriber, status: number, call: string, context?: string): HalError {
  const name = describer.name(status);
  const text = describer.text(status);
  const where = context ? ` (${context})` : '';
  return new HalError(statusCode(status), `${call} failed: ${name} (${status}): ${text}${where}`, {
    driver: { api: describer.api, name, number: status, text, call },
  });
}

/** Builds a describer from the library's name/string functions, tolerating libraries that lack them. */
export function describerFrom(
  api: DriverApi,
  nameOf: (status: number) => string | undefined,
  textOf: (status: number) => string | undefined,
): StatusDescriber {
  const safe = (fn: (status: number) => string | undefined, status: number): string | undefined => {
    try {
      return fn(status) ?? undefined;
    } catch {
      return undefined;
    }
  };
  return {
    api,
    name: (status) => safe(nameOf, status) ?? `${api} status ${status}`,
    text: (status) => safe(textOf, status) ?? 'no description from the driver',
  };
}
