/**
 * Step mode: advance a device whose driver has a stepper (`GpuDriver.stepper`, a modelled device) one event at a
 * time and look at its state in between.
 *
 * The state shown is read from two places, both read-only:
 *   - the device's trace (createDevice({ trace: true })): submissions, what each waits for, which waits were
 *     reached, issue and completion, semaphore values and failures. The trace hooks sit inside the scheduling
 *     stack, so folding the events gives exactly the scheduler's view without reaching into its data structures.
 *   - the stepper's view of the driver streams (`streamContents()`): what each is running and has queued.
 *
 * `inspectTrace` is a pure function of the events, so a recorded trace file can be inspected the same way.
 */
import type { DriverStepEvent, DriverStepper, DriverStreamContents, DriverStreamOp, GpuDriver } from './driver.js';
import { HalError, StatusCode, failedPrecondition } from './errors.js';
import type { TraceError, TraceEvent } from '../trace/model.js';
import { nextMacrotask } from '../util/macrotask.js';

export interface StepOutcome {
  /** The driver event processed, or null when it had nothing left to do (idle, or everything waits on the host). */
  readonly event: DriverStepEvent | null;
  /** Trace events the step caused (completions, signals, released waits, issues), in order; [] without tracing. */
  readonly traced: readonly TraceEvent[];
  /** Virtual ns after the step. */
  readonly time: bigint;
}

export interface WaitView {
  readonly semaphore: string;
  readonly needed: bigint;
  /** The semaphore's value now. */
  readonly current: bigint;
  readonly reached: boolean;
  /** The semaphore failed (the submission fails or has failed with it). */
  readonly failed: boolean;
}

export interface SubmissionView {
  /** The trace's submission number (1, 2, ... in submission order). */
  readonly id: number;
  readonly queue: string;
  readonly op: string;
  readonly label: string;
  readonly waits: readonly WaitView[];
  readonly signals: readonly { readonly semaphore: string; readonly value: bigint }[];
}

export interface SemaphoreView {
  readonly name: string;
  readonly value: bigint;
  readonly failure: TraceError | null;
}

/** One operation on a driver stream, as the driver's stepper shows it. */
export type StreamOpView = DriverStreamOp;

/** A driver stream's running and queued operations, as the driver's stepper shows them. */
export type StreamView = DriverStreamContents;

/** A plain-data snapshot of a device in step mode. */
export interface Inspection {
  /** Virtual ns. */
  readonly time: bigint;
  /** Submitted, not yet handed to the device: some wait is neither reached nor covered by issued work. */
  readonly pending: readonly SubmissionView[];
  /** Handed to the device and not finished (a wait may still be outstanding on the device side). */
  readonly inFlight: readonly SubmissionView[];
  readonly completed: number;
  readonly failed: number;
  readonly semaphores: readonly SemaphoreView[];
  /** The driver's streams; empty when the snapshot comes from a trace alone. */
  readonly streams: readonly StreamView[];
}

/** The pieces of a device step mode needs (Device passes its own). */
export interface SteppableDevice {
  readonly label: string;
  readonly driver: GpuDriver;
  readonly trace: { readonly events: readonly TraceEvent[] } | undefined;
}

function stepperOf(device: SteppableDevice, call: string): DriverStepper {
  const { driver } = device;
  const stepper = driver.stepper;
  if (stepper === undefined) {
    throw new HalError(
      StatusCode.UNIMPLEMENTED,
      `device.${call}(): step mode needs a driver that can be stepped; device ${device.label} runs on ${driver.info.name} (platform ${driver.info.platform})`,
    );
  }
  if (call === 'step' && !stepper.manual) {
    throw failedPrecondition(
      `device.step(): device ${device.label} runs by itself; ` +
        (stepper.manualHint === undefined ? "open it in its backend's manual mode, with trace: true" : `create it with ${stepper.manualHint}`),
    );
  }
  return stepper;
}

/** Lets promise reactions and the core's completion poller run after the device moved. */
const settle = nextMacrotask;

/**
 * Processes one driver event, then lets the core react (retire completed work, signal, release and issue
 * waiting submissions) before returning what happened.
 */
export async function stepDevice(device: SteppableDevice): Promise<StepOutcome> {
  const stepper = stepperOf(device, 'step');
  // Core reactions still queued from the caller's code (e.g. the poller's first round) belong before the step.
  await settle();
  const before = device.trace?.events.length ?? 0;
  const event = stepper.step();
  await settle();
  return { event, traced: device.trace?.events.slice(before) ?? [], time: device.driver.now() };
}

/**
 * A device in manual mode makes progress only when stepped, so waiting for in-flight work to finish (what
 * `Symbol.asyncDispose` does) must drive it: steps it until `inFlight()` is 0 and says true, letting the core react
 * after each step. Says false when the device has nothing left to run while work is still in flight (nothing
 * could finish it; the caller then destroys, aborting that work). Returns undefined for any other driver (those
 * progress by themselves).
 */
export async function driveManualDevice(driver: GpuDriver, inFlight: () => number): Promise<boolean | undefined> {
  const stepper = driver.stepper;
  if (stepper === undefined || !stepper.manual) return undefined;
  await settle(); // completions the core has not looked at yet come first
  while (inFlight() > 0) {
    const event = stepper.step();
    await settle();
    if (event === null && inFlight() > 0) return false;
  }
  return true;
}

/** Each traced device's fold and how far into its trace it has read (inspect is called after every step). */
const folds = new WeakMap<object, { events: readonly TraceEvent[]; read: number; fold: TraceFold }>();

/**
 * The device's state now: submissions and their waits (from its trace) and the driver's streams. The trace is
 * folded incrementally: each call reads only the events recorded since the previous one, so inspecting after every
 * step of a session costs O(new events + live state) per call, not O(whole trace).
 */
export function inspectDevice(device: SteppableDevice): Inspection {
  const stepper = stepperOf(device, 'inspect');
  const trace = device.trace;
  if (trace === undefined) {
    throw failedPrecondition(`device.inspect(): device ${device.label} is not traced; create it with trace: true (inspection reads the trace)`);
  }
  const events = trace.events;
  let state = folds.get(trace);
  // A trace that was replaced or cut back is folded again from its start.
  if (state === undefined || state.events !== events || state.read > events.length) {
    state = { events, read: 0, fold: new TraceFold() };
    folds.set(trace, state);
  }
  for (let i = state.read; i < events.length; i++) state.fold.add(events[i]!);
  state.read = events.length;
  return { ...state.fold.snapshot(device.driver.now()), streams: stepper.streamContents().map(copyStream) };
}

function copyStream(s: StreamView): StreamView {
  return {
    stream: s.stream,
    running: s.running === null ? null : { op: s.running.op, label: s.running.label, start: s.running.start, end: s.running.end },
    queued: s.queued.map((op) => ({ op: op.op, label: op.label })),
    poisoned: s.poisoned,
  };
}

interface SubmissionFold {
  readonly id: number;
  readonly lane: number;
  readonly op: string;
  readonly label: string;
  readonly waits: readonly { semaphore: number; value: bigint }[];
  readonly signals: readonly { semaphore: number; value: bigint }[];
  state: 'pending' | 'issued';
}

/**
 * The state trace events leave behind, built one event at a time. Finished submissions are only counted, so what a
 * snapshot walks is the live state (pending and in-flight submissions, semaphores), however long the trace grew.
 */
class TraceFold {
  private readonly lanes = new Map<number, string>();
  private readonly semaphores = new Map<number, { name: string; value: bigint; failure: TraceError | null }>();
  /** Pending and in-flight submissions, in submission order. */
  private readonly live = new Map<number, SubmissionFold>();
  private completed = 0;
  private failed = 0;
  private lastTs = 0n;

  add(e: TraceEvent): void {
    this.lastTs = e.ts;
    switch (e.kind) {
      case 'lane':
        this.lanes.set(e.lane, e.name);
        break;
      case 'semaphore':
        this.semaphores.set(e.semaphore, { name: e.name, value: e.initial, failure: null });
        break;
      case 'signal': {
        const s = this.semaphores.get(e.semaphore);
        if (s !== undefined && e.value > s.value) s.value = e.value;
        break;
      }
      case 'semaphore-failed': {
        const s = this.semaphores.get(e.semaphore);
        if (s !== undefined && s.failure === null) s.failure = e.error;
        break;
      }
      case 'submit':
        this.live.set(e.submission, { id: e.submission, lane: e.lane, op: e.op, label: e.label, waits: e.waits, signals: e.signals, state: 'pending' });
        break;
      case 'issue': {
        const s = this.live.get(e.submission);
        if (s !== undefined) s.state = 'issued';
        break;
      }
      case 'complete':
        if (this.live.delete(e.submission)) this.completed++;
        break;
      case 'submission-failed':
        if (this.live.delete(e.submission)) this.failed++;
        break;
      default:
        break;
    }
  }

  /** The state now (`time` defaults to the last event's). */
  snapshot(time?: bigint): Inspection {
    const semName = (id: number): string => this.semaphores.get(id)?.name ?? `semaphore ${id}`;
    const view = (s: SubmissionFold): SubmissionView => ({
      id: s.id,
      queue: this.lanes.get(s.lane) ?? `lane ${s.lane}`,
      op: s.op,
      label: s.label,
      waits: s.waits.map((w) => {
        const sem = this.semaphores.get(w.semaphore);
        const current = sem?.value ?? 0n;
        return { semaphore: semName(w.semaphore), needed: w.value, current, reached: current >= w.value, failed: (sem?.failure ?? null) !== null };
      }),
      signals: s.signals.map((sig) => ({ semaphore: semName(sig.semaphore), value: sig.value })),
    });
    const pending: SubmissionView[] = [];
    const inFlight: SubmissionView[] = [];
    for (const s of this.live.values()) (s.state === 'pending' ? pending : inFlight).push(view(s));
    return {
      time: time ?? this.lastTs,
      pending,
      inFlight,
      completed: this.completed,
      failed: this.failed,
      semaphores: [...this.semaphores.values()].map((s) => ({ name: s.name, value: s.value, failure: s.failure })),
      streams: [],
    };
  }
}

/** Folds trace events into the state they leave behind (`time` defaults to the last event's). */
export function inspectTrace(events: readonly TraceEvent[], time?: bigint): Inspection {
  const fold = new TraceFold();
  for (const e of events) fold.add(e);
  return fold.snapshot(time);
}
