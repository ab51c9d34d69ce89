/**
 * The trace hooks: what the core (src/core) and the backends (src/backends/*) call while tracing is on.
 *
 * ## Call-site pattern (cost when tracing is off: one null check, no allocation)
 *
 * The device holds `trace: TraceRecorder | undefined` (undefined unless the user opted in). Every hook is one
 * optional call:
 *
 * ```ts
 * this.device.trace?.completed(submission);
 * this.device.trace?.submitted(submission, queue, { op: 'fill', label, waits, signals });
 * ```
 *
 * Optional chaining short-circuits the whole call, arguments included, so when `trace` is undefined the object
 * literal above is never built and nothing else runs: the cost is a single, perfectly predicted branch. Never build
 * trace-only data outside the `?.(...)` call.
 *
 * Entities are passed as the core's own objects (queue, semaphore, submission, driver stream handle); the recorder
 * maps each to a small integer in first-seen order, so ids, and therefore trace bytes, depend only on the order of
 * calls (deterministic with a virtual clock), never on global counters or object addresses.
 */
import type { ClockKind, HostWaitMode, HostWaitOutcome, OpKind, OpStatus, TraceEvent, TraceTime } from './model.js';

/** Device time in nanoseconds: the driver's `now()` (virtual or real as `info.clock` says). */
export type TraceClock = () => TraceTime;

/** A semaphore (the core's object) with a payload. */
export interface TraceValue {
  readonly semaphore: object;
  readonly value: bigint;
}

/** Either a list of pairs or IREE-style parallel arrays; both are accepted so call sites never convert. */
export type TraceValueList =
  | readonly TraceValue[]
  | { readonly semaphores: readonly object[]; readonly values: readonly bigint[] };

export interface TraceDeviceInfo {
  readonly name: string;
  readonly platform: string;
  readonly clock: ClockKind;
}

export interface TraceSubmissionInfo {
  /** The queue operation: 'execute', 'barrier', 'fill', 'update', 'copy', 'read', 'alloca', 'dealloca'. */
  readonly op: string;
  /** Shown on the bar; defaults to `op`. */
  readonly label?: string;
  readonly waits: TraceValueList;
  readonly signals: TraceValueList;
}

export interface TraceOpInfo {
  readonly kind: OpKind;
  readonly name: string;
  /** Device start and end of the work, on the same clock as the recorder. */
  readonly start: TraceTime;
  readonly end: TraceTime;
  /** The core submission the work belongs to, when the caller knows it. */
  readonly submission?: object;
  /** Default 'ok'. */
  readonly status?: OpStatus;
  readonly error?: string;
}

export interface TraceHostWaitInfo {
  readonly mode: HostWaitMode;
  readonly targets: TraceValueList;
  /** Nanoseconds; undefined or null for no timeout, 0n for a poll. */
  readonly timeout?: TraceTime | null;
}

/**
 * What the core (src/core) and the backends (src/backends/*) report. All methods are cheap and never throw on
 * well-formed input; objects not declared before first use are declared on the fly from their `label` property.
 */
export interface TraceRecorder {
  // declarations (once per object, at creation)
  declareDevice(device: object, info: TraceDeviceInfo): void;
  declareQueue(queue: object, device: object, name: string): void;
  declareStream(stream: unknown, device: object, name: string): void;
  declareSemaphore(semaphore: object, device: object, name: string, initial: bigint): void;

  // queue submissions (src/core scheduling stack)
  submitted(submission: object, queue: object, info: TraceSubmissionInfo): void;
  issued(submission: object): void;
  completed(submission: object): void;
  /** `cause`: the wait semaphore whose failure propagated here; omit when the work itself failed. */
  submissionFailed(submission: object, error: unknown, cause?: object): void;

  // semaphores (src/core)
  /**
   * The semaphore's value became `value`: by the host (`submission` omitted) or when `submission` completed.
   * Values at or below the current one are ignored (a device signal that changes nothing).
   */
  signaled(semaphore: object, value: bigint, submission?: object): void;
  semaphoreFailed(semaphore: object, error: unknown, submission?: object): void;

  // the race checker (src/core/check): two submissions (undefined: the host) that nothing orders
  race(first: object | undefined, second: object | undefined, info: { readonly race: string; readonly message: string; readonly fix: string }): void;

  // host waits (src/core)
  hostWaitBegin(wait: object, info: TraceHostWaitInfo): void;
  hostWaitEnd(wait: object, outcome: HostWaitOutcome, error?: unknown): void;

  // driver work (src/backends/*)
  streamOp(stream: unknown, info: TraceOpInfo): void;
}

export type TraceListener = (event: TraceEvent) => void;
