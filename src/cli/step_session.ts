/**
 * `gpuhal step`: an interactive walk through a scenario on the simulator in manual mode. Commands, one per line:
 *
 *   n  next event      the simulator processes one event (an operation starts or completes); the core reacts
 *   s  to next signal  steps until some semaphore's value changes (or nothing is left)
 *   c  continue        steps until the simulator has nothing left to do
 *   i  inspect         pending and in-flight submissions, what each waits for, semaphores, driver streams
 *   t  timeline        the terminal timeline of everything so far, "now" marked
 *   q  quit            (end of input quits too)
 *
 * Input is read line by line, so a session can be scripted: `printf 'n\nn\ni\nq\n' | gpuhal step`. When the input
 * is not a terminal, each command is echoed after the prompt, so the transcript reads like an interactive one.
 * Everything is on the virtual clock, so the same seed and commands print the same bytes.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createDevice, type Device } from '../index.js';
import type { DriverStepEvent as SimStepEvent } from '../core/driver.js';
import type { TraceEvent } from '../trace/model.js';
import { Narrator } from '../trace/narrate.js';
import { formatDuration } from '../trace/time_format.js';
import { renderTimeline } from '../trace/timeline_renderer.js';
import { formatInspection } from './inspect_format.js';
import type { StepScenario } from './scenarios.js';

export interface StepSessionOptions {
  readonly scenario: StepScenario;
  readonly seed?: number;
  readonly input: Readable;
  readonly out: (line: string) => void;
  /** Echo each command after the prompt (for piped input); default: when the input is not a terminal. */
  readonly echo?: boolean;
  /** Timeline width (default 100). */
  readonly width?: number;
}

const HELP = 'commands: n next event · s step to the next signal · c continue to the end · i inspect · t timeline · q quit';

/** Returns the exit code: 0, or 1 when the scenario's program failed. */
export async function runStepSession(options: StepSessionOptions): Promise<number> {
  const { scenario } = options;
  const seed = options.seed ?? scenario.seed;
  const device = await createDevice({
    backend: 'sim',
    seed,
    queueCount: scenario.queueCount,
    label: scenario.id,
    sim: { mode: 'manual' },
    trace: true,
  });
  try {
    return await new Session(device, options, seed).run();
  } finally {
    // Quitting mid-scenario discards what is left: destroy() cancels it, where asyncDispose would first step the
    // in-flight work to completion.
    device.destroy();
  }
}

class Session {
  private readonly narrator = new Narrator();
  private narrated = 0;
  private finished: { ok: boolean; line: string | null } | undefined;
  /** What the program logged since the last report: printed after the events that led to it. */
  private programLines: string[] = [];
  private readonly out: (line: string) => void;

  constructor(
    private readonly device: Device,
    private readonly options: StepSessionOptions,
    private readonly seed: number,
  ) {
    this.out = options.out;
  }

  async run(): Promise<number> {
    const { scenario } = this.options;
    const out = this.out;
    out(`gpuhal step · ${scenario.id}: ${scenario.title} · seed ${this.seed} · simulator in manual mode (virtual time)`);
    out(scenario.explanation);
    out('Lines: "sim" what the simulated device did, "core" how the scheduling stack reacted, "|" what the program says.');
    out('');
    const program = await scenario.prepare(this.device, (line) => this.programLines.push(line));
    // Trace lines of the preparation (device, lanes, semaphores) are declarations: skip them in the story.
    this.narrated = this.events.length;
    for (const event of this.events) this.narrator.describe(event);
    program().then(
      (line) => { this.finished = { ok: true, line }; },
      (error: unknown) => { this.finished = { ok: false, line: `FAILED: ${error instanceof Error ? error.message : String(error)}` }; },
    );
    // Let the program run up to its first await of device work.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    this.tell();
    out(HELP);

    const interactive = (this.options.input as { isTTY?: boolean }).isTTY === true;
    const echo = this.options.echo ?? !interactive;
    const lines = createInterface({ input: this.options.input, terminal: false });
    const prompt = (): void => {
      if (interactive) process.stdout.write('> ');
    };
    prompt();
    for await (const raw of lines) {
      const command = raw.trim();
      if (echo) out(`> ${command}`);
      if (command === 'q' || command === 'quit') break;
      await this.command(command);
      prompt();
    }
    out(`Session over at ${formatDuration(this.device.driver.now())}; ${this.summary()}`);
    return this.finished?.ok === false ? 1 : 0;
  }

  private get events(): readonly TraceEvent[] {
    return this.device.trace!.events;
  }

  private async command(command: string): Promise<void> {
    switch (command) {
      case 'n':
      case 'next':
        await this.stepUntil(() => true);
        return;
      case 's':
      case 'signal':
        await this.stepUntil((traced) => traced.some((e) => e.kind === 'signal' || e.kind === 'semaphore-failed'));
        return;
      case 'c':
      case 'continue':
        await this.stepUntil(() => false);
        return;
      case 'i':
      case 'inspect':
        for (const line of formatInspection(this.device.inspect())) this.out(line);
        return;
      case 't':
      case 'timeline': {
        const text = renderTimeline(this.events, { width: this.options.width ?? 100, cursor: this.device.driver.now() });
        this.out(text.trimEnd());
        return;
      }
      case '':
        return;
      case 'h':
      case 'help':
      case '?':
        this.out(HELP);
        return;
      default:
        this.out(`unknown command ${JSON.stringify(command)}; ${HELP}`);
    }
  }

  /** Steps until `stop` accepts what a step traced, or the simulator has nothing left to do. */
  private async stepUntil(stop: (traced: readonly TraceEvent[]) => boolean): Promise<void> {
    for (;;) {
      const outcome = await this.device.step();
      if (outcome.event === null) {
        this.tell();
        this.idle();
        return;
      }
      this.out(describeSimEvent(outcome.event));
      this.tell();
      if (stop(outcome.traced)) return;
    }
  }

  /** Prints what the core did since the last call: one narrated line per trace event, stream ops left out. */
  private tell(): void {
    const events = this.events;
    for (; this.narrated < events.length; this.narrated++) {
      const event = events[this.narrated]!;
      // The narrator prefixes its own relative time; the session shows the device clock like the sim's lines.
      const what = this.narrator.describe(event).replace(/^\s*\S+ {2}/, '');
      // Stream work is already told from the simulator's side; the driver log's import only feeds the timeline.
      if (event.kind === 'op' || (event.kind === 'lane' && event.laneKind !== 'queue')) continue;
      this.out(`${formatDuration(event.ts).padStart(9)}  core  ${what}`);
    }
    for (const line of this.programLines) this.out(`           | ${line}`);
    this.programLines = [];
    if (this.finished !== undefined && this.finished.line !== null) {
      this.out(`           | ${this.finished.line}`);
      this.finished = { ...this.finished, line: null };
    }
  }

  private idle(): void {
    const state = this.device.inspect();
    if (state.pending.length === 0 && state.inFlight.length === 0) {
      this.out(`The simulator has nothing left to do (${formatDuration(state.time)}).`);
      return;
    }
    this.out(`The simulator has nothing left to do, but ${state.pending.length + state.inFlight.length} submission(s) still wait for values nobody will signal:`);
    for (const s of [...state.pending, ...state.inFlight]) {
      const missing = s.waits.filter((w) => !w.reached).map((w) => `${w.semaphore} ≥ ${w.needed} (now ${w.current})`);
      this.out(`  #${s.id} ${s.label} on ${s.queue} waits for ${missing.join(', ') || 'device work'}`);
    }
  }

  private summary(): string {
    const state = this.device.inspect();
    return `${state.completed} submission(s) completed, ${state.failed} failed, ${state.pending.length} pending, ${state.inFlight.length} in flight.`;
  }
}

function describeSimEvent(event: SimStepEvent): string {
  const at = formatDuration(event.time).padStart(9);
  if (event.kind === 'timer') return `${at}  sim   a timer fired`;
  const what = `${event.op ?? 'operation'}${event.label ? ` ${event.label}` : ''}`;
  const status = event.status === 'failed' ? ' — FAILED' : event.status === 'skipped' ? ' — skipped (an earlier operation on the stream failed)' : '';
  return `${at}  sim   stream ${event.stream} ${event.kind === 'start' ? 'starts' : 'completes'} ${what}${status}`;
}
