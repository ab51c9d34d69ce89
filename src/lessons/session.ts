/**
 * A step session: one lesson scenario on a simulated device in manual mode, advanced one simulator event at a time.
 *
 * The scenario runs as ordinary async code. It submits work and awaits results; nothing on the device happens until
 * `step()` asks the simulator for its next event (an operation starting or completing, or a timer). After each event
 * the session lets the core and the scenario react (promise callbacks, host signals, new submissions) before it
 * returns, so each step shows one device event and everything it caused. Works the same in Node and in a browser:
 * it needs only createDevice, the trace recorder and timers.
 */
import type { SimDriver } from '../backends/sim/driver.js';
import type { StepEvent } from '../backends/sim/scheduler.js';
import { createDevice, type Device } from '../index.js';
import { failedPrecondition } from '../core/errors.js';
import { importDriverLog } from '../trace/driver_log.js';
import type { TraceEvent } from '../trace/model.js';
import type { MemoryTraceRecorder } from '../trace/recorder.js';
import type { Scenario } from './lesson.js';
import type { StallDiagnosis } from '../core/stall/stall_diagnosis.js';

export interface LessonSessionOptions {
  readonly seed: number;
  readonly queueCount: number;
  readonly label?: string;
}

/**
 * running: more to do. finished: the scenario returned and no work is left. failed: the scenario threw.
 * stuck: the simulator has nothing to run but the scenario (or a submission) still waits — a value nobody signals.
 */
export type SessionState = 'running' | 'finished' | 'failed' | 'stuck';

export interface StepOutcome {
  /** The simulator event, or null when it had nothing to run. */
  readonly event: StepEvent | null;
  /** Trace events recorded during this step. */
  readonly events: readonly TraceEvent[];
  /** Lines the scenario logged during this step. */
  readonly output: readonly string[];
  readonly state: SessionState;
}

/** The simulator driver's stepping face (manual mode). */
type SteppableDriver = Pick<SimDriver, 'step' | 'eventLog' | 'now'>;

export class LessonSession {
  readonly device: Device;
  readonly output: string[] = [];
  private readonly driver: SteppableDriver;
  private readonly recorder: MemoryTraceRecorder;
  private scenarioDone = false;
  private scenarioError: unknown = undefined;
  private idle = false;
  private closed = false;

  private constructor(device: Device) {
    this.device = device;
    const driver = device.driver as unknown as Partial<SteppableDriver>;
    if (typeof driver.step !== 'function' || typeof driver.eventLog !== 'function') {
      throw failedPrecondition(`a lesson session needs the simulator backend (device ${device.label} is ${device.info.backend})`);
    }
    this.driver = driver as SteppableDriver;
    this.recorder = device.trace!;
  }

  /** Opens a traced manual-mode simulator device, starts `scenario` on it and lets it run up to its first wait. */
  static async start(scenario: Scenario, options: LessonSessionOptions): Promise<LessonSession> {
    const device = await createDevice({
      backend: 'sim', seed: options.seed, queueCount: options.queueCount, label: options.label ?? 'playground', trace: true, sim: { mode: 'manual' },
      // Lessons run with the race checker: a missing edge is reported on the first run, whatever the seed does.
      check: { callSites: false },
    });
    const session = new LessonSession(device);
    device.checker!.onReport((report) => session.output.push(`race checker: ${report.kind} on ${report.buffer ?? report.semaphore}; fix: ${report.fix}`));
    session.launch(scenario);
    await session.settle();
    return session;
  }

  /** Every trace event so far (queue lanes from the core, stream lanes from the simulator's log). */
  get events(): readonly TraceEvent[] {
    return this.recorder.events;
  }

  /** The simulator's virtual time, ns. */
  get now(): bigint {
    return this.driver.now();
  }

  /** The race checker's reports so far, as text: each names both accesses and the edge that would order them. */
  get raceReports(): readonly string[] {
    return this.device.checker?.reports.map((report) => report.message) ?? [];
  }

  /** The scenario's exception, when it threw. */
  get error(): unknown {
    return this.scenarioError;
  }

  /** When stuck: who waits for what, which pending submissions could signal it, and the wait cycle if any. */
  get stall(): StallDiagnosis | undefined {
    return this.state === 'stuck' ? this.device.diagnoseStall() : undefined;
  }

  get state(): SessionState {
    if (this.scenarioError !== undefined) return 'failed';
    const { pending, inFlight } = this.device.workCounts;
    if (this.scenarioDone && pending === 0 && inFlight === 0) return 'finished';
    return this.idle ? 'stuck' : 'running';
  }

  /** Runs the simulator's next event and everything it causes on the host. */
  async step(): Promise<StepOutcome> {
    if (this.closed) throw failedPrecondition('step: the lesson session was closed');
    const eventsBefore = this.recorder.events.length;
    const outputBefore = this.output.length;
    const event = this.state === 'running' ? this.driver.step() : null;
    await this.settle();
    // Nothing ran and nothing new happened on the host: only a signal nobody will give could make progress.
    this.idle = event === null && this.recorder.events.length === eventsBefore && this.output.length === outputBefore;
    return { event, events: this.recorder.events.slice(eventsBefore), output: this.output.slice(outputBefore), state: this.state };
  }

  /** Steps until the session is no longer running (at most `maxSteps` events); returns how many ran. */
  async runToEnd(maxSteps = 10_000): Promise<number> {
    let steps = 0;
    while (this.state === 'running' && steps < maxSteps) {
      const outcome = await this.step();
      if (outcome.event !== null) steps++;
    }
    return steps;
  }

  /** Destroys the device (pending work is cancelled). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.device.destroy();
  }

  private launch(scenario: Scenario): void {
    const log = (line: unknown): void => {
      if (!this.closed) this.output.push(String(line));
    };
    let run: Promise<void>;
    try {
      run = Promise.resolve(scenario(this.device, log));
    } catch (error) {
      run = Promise.reject(error);
    }
    run.then(
      () => { this.scenarioDone = true; },
      (error: unknown) => {
        this.scenarioDone = true;
        if (!this.closed) this.scenarioError = error ?? new Error('the scenario threw undefined');
      },
    );
  }

  /**
   * Lets promise callbacks and timers run until nothing changes for two turns of the event loop (the core's
   * completion poller, host waits and the scenario's awaits all continue from callbacks), then brings the
   * simulator's new log entries into the trace as stream lanes.
   */
  private async settle(): Promise<void> {
    let mark = -1;
    for (let quiet = 0, turns = 0; quiet < 2 && turns < 100; turns++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      const now = this.recorder.events.length * 4 + this.output.length * 2 + (this.scenarioDone ? 1 : 0);
      quiet = now === mark ? quiet + 1 : 0;
      mark = now;
    }
    if (!this.closed) importDriverLog(this.recorder, this.device, this.driver.eventLog(), { streamName: (id) => `stream ${id}` });
  }
}
