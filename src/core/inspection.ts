/**
 * Step mode: advance a simulated device one scheduler event at a time and look at its state in between.
 *
 * The state shown is read from two places, both read-only:
 *   - the device's trace (createDevice({ trace: true })): submissions, what each waits for, which waits were
 *     reached, issue and completion, semaphore values and failures. The trace hooks sit inside the scheduling
 *     stack, so folding the events gives exactly the scheduler's view without reaching into its data structures.
 *   - the simulator's own queues (`streamContents()`): what each driver stream is running and has queued.
 *
 * `inspectTrace` is a pure function of the events, so a recorded trace file can be inspected the same way.
 */
import type { GpuDriver } from './driver.js';
import { HalError, StatusCode, failedPrecondition } from './errors.js';
import type { TraceError, TraceEvent } from '../trace/model.js';
import { nextMacrotask } from './macrotask.js';

/** What the simulator did in one step (the sim driver's StepEvent, structurally). */
export interface SimStepEvent {
  readonly kind: 'start' | 'complete' | 'timer';
  /** Virtual ns. */
  readonly time: bigint;
  readonly stream?: number;
  readonly op?: string;
  readonly label?: string;
  readonly status?: 'ok' | 'failed' | 'skipped';
}

export interface StepOutcome {
  /** The simulator event processed, or null when it had nothing left to do (idle, or everything waits on the host). */
  readonly event: SimStepEvent | null;
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

export interface StreamOpView {
  readonly op: string;
  readonly label: string;
}

export interface StreamView {
  readonly stream: number;
  readonly running: (StreamOpView & { readonly start: bigint; readonly end: bigint }) | null;
  readonly queued: readonly StreamOpView[];
  /** The failure that makes the stream skip work until its next event record. */
  readonly poisoned: string | null;
}

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
  /** The simulator's driver streams; empty when the snapshot comes from a trace alone. */
  readonly streams: readonly StreamView[];
}

/** The pieces of a device step mode needs (Device passes its own). */
export interface SteppableDevice {
  readonly label: string;
  readonly driver: GpuDriver;
  readonly trace: { readonly events: readonly TraceEvent[] } | undefined;
}

interface SimDriverFace {
  step(): SimStepEvent | null;
  streamContents(): readonly StreamView[];
}

function simDriverOf(device: SteppableDevice, call: string): SimDriverFace {
  const { driver } = device;
  const face = driver as unknown as Partial<SimDriverFace>;
  if (driver.info.platform !== 'sim' || typeof face.step !== 'function' || typeof face.streamContents !== 'function') {
    throw new HalError(
      StatusCode.UNIMPLEMENTED,
      `device.${call}(): step mode needs the simulator; device ${device.label} runs on ${driver.info.name} (platform ${driver.info.platform})`,
    );
  }
  if (call === 'step' && driver.info.details.mode !== 'manual') {
    throw failedPrecondition(
      `device.step(): the simulator of device ${device.label} runs by itself (mode ${JSON.stringify(driver.info.details.mode)}); ` +
        `create it with createDevice({ backend: 'sim', sim: { mode: 'manual' }, trace: true })`,
    );
  }
  return face as SimDriverFace;
}

/** Lets promise reactions and the core's completion poller run after the simulator moved. */
const settle = nextMacrotask;

/**
 * Processes one simulator event, then lets the core react (retire completed work, signal, release and issue
 * waiting submissions) before returning what happened.
 */
export async function stepDevice(device: SteppableDevice): Promise<StepOutcome> {
  const sim = simDriverOf(device, 'step');
  // Core reactions still queued from the caller's code (e.g. the poller's first round) belong before the step.
  await settle();
  const before = device.trace?.events.length ?? 0;
  const event = sim.step();
  await settle();
  return { event, traced: device.trace?.events.slice(before) ?? [], time: device.driver.now() };
}

/**
 * A simulator in manual mode makes progress only when stepped, so waiting for in-flight work to finish (what
 * `Symbol.asyncDispose` does) must drive it: steps it until `inFlight()` is 0 and says true, letting the core react
 * after each step. Says false when the simulator has nothing left to run while work is still in flight (nothing
 * could finish it; the caller then destroys, aborting that work). Returns undefined for any other driver (those
 * progress by themselves).
 */
export async function driveManualSimulator(driver: GpuDriver, inFlight: () => number): Promise<boolean | undefined> {
  const face = driver as unknown as Partial<SimDriverFace>;
  if (driver.info.platform !== 'sim' || driver.info.details.mode !== 'manual' || typeof face.step !== 'function') return undefined;
  const sim = face as SimDriverFace;
  await settle(); // completions the core has not looked at yet come first
  while (inFlight() > 0) {
    const event = sim.step();
    await settle();
    if (event === null && inFlight() > 0) return false;
  }
  return true;
}

/** The device's state now: submissions and their waits (from its trace) and the simulator's streams. */
export function inspectDevice(device: SteppableDevice): Inspection {
  const sim = simDriverOf(device, 'inspect');
  if (device.trace === undefined) {
    throw failedPrecondition(`device.inspect(): device ${device.label} is not traced; create it with trace: true (inspection reads the trace)`);
  }
  return { ...inspectTrace(device.trace.events, device.driver.now()), streams: sim.streamContents().map(copyStream) };
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
  state: 'pending' | 'issued' | 'complete' | 'failed';
}

/** Folds trace events into the state they leave behind (`time` defaults to the last event's). */
export function inspectTrace(events: readonly TraceEvent[], time?: bigint): Inspection {
  const lanes = new Map<number, string>();
  const semaphores = new Map<number, { name: string; value: bigint; failure: TraceError | null }>();
  const submissions = new Map<number, SubmissionFold>();
  for (const e of events) {
    switch (e.kind) {
      case 'lane':
        lanes.set(e.lane, e.name);
        break;
      case 'semaphore':
        semaphores.set(e.semaphore, { name: e.name, value: e.initial, failure: null });
        break;
      case 'signal': {
        const s = semaphores.get(e.semaphore);
        if (s !== undefined && e.value > s.value) s.value = e.value;
        break;
      }
      case 'semaphore-failed': {
        const s = semaphores.get(e.semaphore);
        if (s !== undefined && s.failure === null) s.failure = e.error;
        break;
      }
      case 'submit':
        submissions.set(e.submission, { id: e.submission, lane: e.lane, op: e.op, label: e.label, waits: e.waits, signals: e.signals, state: 'pending' });
        break;
      case 'issue':
        setState(submissions, e.submission, 'issued');
        break;
      case 'complete':
        setState(submissions, e.submission, 'complete');
        break;
      case 'submission-failed':
        setState(submissions, e.submission, 'failed');
        break;
      default:
        break;
    }
  }
  const semName = (id: number): string => semaphores.get(id)?.name ?? `semaphore ${id}`;
  const view = (s: SubmissionFold): SubmissionView => ({
    id: s.id,
    queue: lanes.get(s.lane) ?? `lane ${s.lane}`,
    op: s.op,
    label: s.label,
    waits: s.waits.map((w) => {
      const sem = semaphores.get(w.semaphore);
      const current = sem?.value ?? 0n;
      return { semaphore: semName(w.semaphore), needed: w.value, current, reached: current >= w.value, failed: (sem?.failure ?? null) !== null };
    }),
    signals: s.signals.map((sig) => ({ semaphore: semName(sig.semaphore), value: sig.value })),
  });
  const all = [...submissions.values()];
  return {
    time: time ?? events.at(-1)?.ts ?? 0n,
    pending: all.filter((s) => s.state === 'pending').map(view),
    inFlight: all.filter((s) => s.state === 'issued').map(view),
    completed: all.filter((s) => s.state === 'complete').length,
    failed: all.filter((s) => s.state === 'failed').length,
    semaphores: [...semaphores.values()].map((s) => ({ name: s.name, value: s.value, failure: s.failure })),
    streams: [],
  };
}

function setState(submissions: Map<number, SubmissionFold>, id: number, state: SubmissionFold['state']): void {
  const s = submissions.get(id);
  if (s !== undefined) s.state = state;
}
