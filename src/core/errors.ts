/**
 * HalError: the one error type gpuhal throws or rejects with.
 *
 * Codes follow the canonical status space that IREE and gRPC share, so a message like
 * "OUT_OF_RANGE: fill offset 12 + length 8 > buffer size 16" reads the same everywhere. Driver errors keep
 * the driver's own name, number and text (`driver`), so a CUDA or HIP failure is never flattened into "UNKNOWN".
 */

export const StatusCode = {
  OK: 'OK',
  CANCELLED: 'CANCELLED',
  UNKNOWN: 'UNKNOWN',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  RESOURCE_EXHAUSTED: 'RESOURCE_EXHAUSTED',
  FAILED_PRECONDITION: 'FAILED_PRECONDITION',
  ABORTED: 'ABORTED',
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  UNIMPLEMENTED: 'UNIMPLEMENTED',
  INTERNAL: 'INTERNAL',
  UNAVAILABLE: 'UNAVAILABLE',
  DATA_LOSS: 'DATA_LOSS',
} as const;

export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

/** What a driver said, kept verbatim next to the mapped code. */
export interface DriverErrorInfo {
  /** Which driver produced it (the backend's name for its driver API). */
  readonly api: string;
  /** The driver's own status name, e.g. 'CUDA_ERROR_ILLEGAL_ADDRESS' or 'hipErrorOutOfMemory'. */
  readonly name: string;
  /** The driver's numeric status. */
  readonly number: number;
  /** The driver's own description of the status, when it offers one. */
  readonly text?: string;
  /** The driver call that failed, e.g. 'cuGraphLaunch'. */
  readonly call?: string;
}

export interface HalErrorOptions {
  cause?: unknown;
  driver?: DriverErrorInfo;
}

export class HalError extends Error {
  readonly code: StatusCode;
  readonly driver: DriverErrorInfo | undefined;

  constructor(code: StatusCode, message: string, options: HalErrorOptions = {}) {
    super(`${code}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HalError';
    this.code = code;
    this.driver = options.driver;
  }

  /** The message without the leading "CODE: " so it can be re-wrapped (failure propagation keeps it intact). */
  get detail(): string {
    return this.message.slice(this.code.length + 2);
  }

  static is(value: unknown, code?: StatusCode): value is HalError {
    return value instanceof HalError && (code === undefined || value.code === code);
  }
}

/** Shorthands used at validation sites, so messages stay uniform: "<field> <problem> (got <value>)". */
export const invalidArgument = (message: string, cause?: unknown): HalError =>
  new HalError(StatusCode.INVALID_ARGUMENT, message, { cause });
export const outOfRange = (message: string): HalError => new HalError(StatusCode.OUT_OF_RANGE, message);
export const failedPrecondition = (message: string): HalError =>
  new HalError(StatusCode.FAILED_PRECONDITION, message);
export const resourceExhausted = (message: string): HalError => new HalError(StatusCode.RESOURCE_EXHAUSTED, message);
export const unavailable = (message: string, cause?: unknown): HalError =>
  new HalError(StatusCode.UNAVAILABLE, message, { cause });
export const unimplemented = (message: string): HalError => new HalError(StatusCode.UNIMPLEMENTED, message);
