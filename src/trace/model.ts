/**
 * The trace model: what happened on a device, as a flat list of events in the order they were recorded.
 *
 * The model is the one source every view reads (Chrome/Perfetto export, terminal timeline, step mode, the
 * playground). It is deliberately small and flat so that the same program on a virtual clock yields the same bytes:
 * every entity (device, lane, semaphore, submission, host wait) is named by a small integer the recorder assigns
 * in first-seen order, never by a global counter or an object identity.
 *
 * Times are nanoseconds as `bigint`: the driver's `now()`, virtual (reproducible) or real as its `info.clock` says.
 * Semaphore payloads are `bigint` as in the core (u64).
 */

/** Nanoseconds on the recording device's clock. */
export type TraceTime = bigint;

export type LaneKind = 'queue' | 'stream' | 'host';

export type ClockKind = 'virtual' | 'real';

/** A semaphore and a payload: a wait (`value` to reach) or a signal (`value` to set). */
export interface ValueRef {
  readonly semaphore: number;
  readonly value: bigint;
}

/** A failure as recorded: the HalError code and message (with the leading "CODE: " stripped). */
export interface TraceError {
  readonly code: string;
  readonly message: string;
}

/** Kinds of driver-level work shown on stream lanes ('wait': the stream waits for an event of another stream). */
export type OpKind = 'kernel' | 'copy' | 'fill' | 'update' | 'read' | 'alloc' | 'free' | 'graph' | 'graph-node' | 'wait' | 'host' | 'other';

/** 'skipped': not run because an earlier operation on the stream failed (the stream is poisoned). */
export type OpStatus = 'ok' | 'failed' | 'skipped';

export type HostWaitMode = 'all' | 'any';

export type HostWaitOutcome = 'reached' | 'timeout' | 'failed';

// --- declarations ------------------------------------------------------------------------------------------------

export interface DeviceDeclared {
  readonly kind: 'device';
  readonly device: number;
  readonly name: string;
  readonly platform: string;
  readonly clock: ClockKind;
}

/** A lane is one horizontal track: a queue, a driver stream, or the host (per device). */
export interface LaneDeclared {
  readonly kind: 'lane';
  readonly lane: number;
  readonly device: number;
  readonly laneKind: LaneKind;
  readonly name: string;
}

export interface SemaphoreDeclared {
  readonly kind: 'semaphore';
  readonly semaphore: number;
  readonly device: number;
  readonly name: string;
  readonly initial: bigint;
}

// --- queue submissions -------------------------------------------------------------------------------------------

/** A queue operation was submitted (it may wait for values nobody has signaled yet: wait-before-signal). */
export interface SubmissionEnqueued {
  readonly kind: 'submit';
  readonly submission: number;
  readonly lane: number;
  /** What the operation is: 'execute', 'fill', 'copy', 'barrier', ... */
  readonly op: string;
  readonly label: string;
  readonly waits: readonly ValueRef[];
  readonly signals: readonly ValueRef[];
}

/** The core handed the submission to the driver (device-side waits may still be outstanding). */
export interface SubmissionIssued {
  readonly kind: 'issue';
  readonly submission: number;
}

/**
 * One wait of a submission was reached. `signal` is the seq of the `signal` event whose value first reached the
 * waited value (the signal that released it), or null when the semaphore's initial value already did.
 * Derived by the recorder from the signals it saw; call sites never emit it.
 */
export interface WaitSatisfied {
  readonly kind: 'wait-satisfied';
  readonly submission: number;
  readonly semaphore: number;
  readonly value: bigint;
  readonly signal: number | null;
}

export interface SubmissionCompleted {
  readonly kind: 'complete';
  readonly submission: number;
}

/**
 * The submission failed: either a wait semaphore failed (`cause` names it; the operation never ran, docs/design.md
 * rule 5) or the work itself failed while running (`cause` null: kernel fault, out of memory, device lost).
 */
export interface SubmissionFailed {
  readonly kind: 'submission-failed';
  readonly submission: number;
  readonly error: TraceError;
  readonly cause: { readonly semaphore: number } | null;
}

// --- semaphores --------------------------------------------------------------------------------------------------

/** A semaphore's value changed: by the host (`submission` null) or by a completed submission. */
export interface SemaphoreSignaled {
  readonly kind: 'signal';
  readonly semaphore: number;
  readonly value: bigint;
  readonly submission: number | null;
}

/** A semaphore entered its sticky failed state: by the host (`fail()`) or by a failed submission. */
export interface SemaphoreFailed {
  readonly kind: 'semaphore-failed';
  readonly semaphore: number;
  readonly error: TraceError;
  readonly submission: number | null;
}

// --- driver work -------------------------------------------------------------------------------------------------

/** One piece of driver work (stream op or graph node) on a stream lane, with its device start and end. */
export interface StreamOp {
  readonly kind: 'op';
  readonly lane: number;
  readonly opKind: OpKind;
  readonly name: string;
  readonly start: TraceTime;
  readonly end: TraceTime;
  /** The submission this work belongs to, when known. */
  readonly submission: number | null;
  readonly status: OpStatus;
  /** The driver's message when it failed or was skipped. */
  readonly error: string | null;
}

// --- host waits --------------------------------------------------------------------------------------------------

export interface HostWaitBegin {
  readonly kind: 'host-wait';
  readonly wait: number;
  readonly lane: number;
  readonly mode: HostWaitMode;
  readonly targets: readonly ValueRef[];
  /** null: no timeout. 0n: a poll. */
  readonly timeout: TraceTime | null;
}

export interface HostWaitEnd {
  readonly kind: 'host-wait-end';
  readonly wait: number;
  readonly outcome: HostWaitOutcome;
  readonly error: TraceError | null;
}

// --- race checker -------------------------------------------------------------------------------------------------

/**
 * The race checker (createDevice({ check: true })) found two operations that nothing orders. `first` and `second`
 * are their submissions (null for the host); `race` is the report's kind, `fix` the edge that would order them.
 */
export interface RaceFound {
  readonly kind: 'race';
  readonly race: string;
  readonly first: number | null;
  readonly second: number | null;
  readonly message: string;
  readonly fix: string;
}

/** Everything a call site describes; the recorder adds `seq` and `ts`. */
export type TraceEventBody =
  | DeviceDeclared
  | LaneDeclared
  | SemaphoreDeclared
  | SubmissionEnqueued
  | SubmissionIssued
  | WaitSatisfied
  | SubmissionCompleted
  | SubmissionFailed
  | SemaphoreSignaled
  | SemaphoreFailed
  | StreamOp
  | HostWaitBegin
  | HostWaitEnd
  | RaceFound;

export interface EventStamp {
  /** 0, 1, 2, ... in recording order; also the event's identity (a wait names its releasing signal by seq). */
  readonly seq: number;
  /** When it was recorded, on the device clock. */
  readonly ts: TraceTime;
}

export type TraceEvent = TraceEventBody & EventStamp;

export type TraceEventKind = TraceEventBody['kind'];

/** The event of one kind, e.g. `EventOf<'signal'>`. */
export type EventOf<K extends TraceEventKind> = Extract<TraceEvent, { kind: K }>;

/** Current version of the model as written into trace files. */
export const TRACE_MODEL_VERSION = 1;
