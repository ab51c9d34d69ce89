/**
 * `gpuhal demo`: the main job. The two-queue pipeline of pipeline.ts, told so a newcomer can read it top to
 * bottom: the plan, what happened in order (submissions and semaphore values, on the device's clock), the result
 * checked against the plain-TS reference (exit code 1 on a mismatch).
 *
 * `--timeline` records a trace (queue submissions from the core, stream operations from the simulator's event log)
 * and draws it after the story; `--trace-out <file>` writes the same recording as Chrome Trace Event JSON for
 * https://ui.perfetto.dev. On the simulator all times are virtual, so the same seed prints the same bytes.
 */
import { writeFile } from 'node:fs/promises';
import { createDevice, type Device } from '../index.js';
import { HalError, StatusCode } from '../core/errors.js';
import { serializeChromeTrace, toChromeTrace } from '../trace/chrome_trace.js';
import { renderTimeline } from '../trace/timeline_renderer.js';
import type { TraceEvent } from '../trace/model.js';
import { tellStory } from './demo_story.js';
import { PIPELINE_A, PIPELINE_COUNT, preparePipeline } from './pipeline.js';
import { paint } from './terminal.js';

export interface DemoOptions {
  readonly backend: string | readonly string[];
  readonly seed: number;
  readonly out: (line: string) => void;
  /** Draw the terminal timeline after the story. */
  readonly timeline?: boolean;
  /** Columns of the timeline (default 100). */
  readonly width?: number;
  /** Write the recording as Chrome Trace Event JSON (Perfetto) to this path. */
  readonly traceOut?: string;
  /** Print one JSON document (the story's lines, the semaphore values, the result) instead of text. */
  readonly json?: boolean;
  /** ANSI colours in the timeline and the result line. */
  readonly color?: boolean;
}

/** What `gpuhal demo --json` prints. */
export interface DemoReport {
  readonly device: { readonly name: string; readonly backend: string; readonly platform: string };
  readonly seed: number;
  readonly ok: boolean;
  /** The mismatch against the reference, or null. */
  readonly mismatch: string | null;
  readonly semaphores: Readonly<Record<string, string>>;
  /** The story, one line per event, as the text output tells it. */
  readonly story: readonly string[];
  /** Events in the recording (what a --trace-out file holds). */
  readonly traceEvents: number;
  readonly traceOut?: string;
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const json = options.json === true;
  // In JSON mode the text goes nowhere: the report carries the same facts.
  const say = json ? () => {} : options.out;
  // Always traced: the story is told from the trace (the cost is one small object per event).
  const device = await createDevice({ backend: options.backend, seed: options.seed, queueCount: 2, label: 'demo', trace: true });
  let outcome: PipelineOutcome;
  let events: readonly TraceEvent[] = [];
  try {
    outcome = await runPipeline(device, options, say);
    // Reading the trace brings in the simulator's stream lanes from its driver log.
    events = [...device.trace!.events];
  } finally {
    await device[Symbol.asyncDispose]();
  }
  if (options.timeline === true && !json) {
    say('');
    say(renderTimeline(events, { width: options.width ?? 100, color: options.color === true }).trimEnd());
  }
  if (options.traceOut !== undefined) {
    const chrome = toChromeTrace(events);
    try {
      await writeFile(options.traceOut, serializeChromeTrace(chrome));
    } catch (error) {
      throw new HalError(StatusCode.UNAVAILABLE, `cannot write the trace to ${options.traceOut}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    say('');
    // Both counts the file holds: the recorded events (its "gpuhal" section, what `trace show` reads back) and the
    // Chrome trace events Perfetto draws from them (slices, counters, flows, track names).
    say(`Trace written to ${options.traceOut} (${events.length} recorded events, drawn as ${chrome.traceEvents.length} Perfetto trace events): open it at https://ui.perfetto.dev or with \`gpuhal trace show ${options.traceOut}\`.`);
  }
  if (json) {
    const report: DemoReport = {
      device: { name: device.info.name, backend: device.info.backend, platform: device.info.platform },
      seed: options.seed,
      ok: outcome.mismatch === null,
      mismatch: outcome.mismatch,
      semaphores: outcome.semaphores,
      story: outcome.story,
      traceEvents: events.length,
      ...(options.traceOut !== undefined ? { traceOut: options.traceOut } : {}),
    };
    options.out(JSON.stringify(report, null, 2));
  }
  return outcome.mismatch === null ? 0 : 1;
}

interface PipelineOutcome {
  readonly mismatch: string | null;
  readonly semaphores: Record<string, string>;
  readonly story: string[];
}

async function runPipeline(device: Device, { seed, color }: DemoOptions, out: (line: string) => void): Promise<PipelineOutcome> {
  const virtual = device.info.clock === 'virtual';
  out(`gpuhal demo on ${device.info.name} (backend ${device.info.backend}${virtual ? `, seed ${seed}, virtual time` : ''})`);
  for (const note of device.info.backendNotes) out(`  note: ${note}`);
  out('');
  out(`Plan: y = ${PIPELINE_A}·x + y over ${PIPELINE_COUNT} floats, on two queues.`);
  out('  queue 1 (compute)  : saxpy, waits for "x-ready" ≥ 1 and "y-ready" ≥ 1, then signals "result" = 1');
  out('  queue 0 (transfer) : upload x → "x-ready" = 1; upload y → "y-ready" = 1; read y back once "result" ≥ 1');
  out('The compute work is submitted first, before its inputs exist (wait-before-signal).');
  out('');

  const pipeline = await preparePipeline(device);
  const { xReady, yReady, result } = pipeline;
  const data = await pipeline.submit();

  out(`What happened, in order (${virtual ? 'virtual' : 'real'} time since the first submission):`);
  const story = tellStory(device.trace!.events);
  for (const line of story) out(line);
  out('');
  const semaphores = Object.fromEntries([xReady, yReady, result].map((s) => [s.label, String(s.query())]));
  out('Semaphore values now: ' + Object.entries(semaphores).map(([name, value]) => `"${name}" = ${value}`).join(', '));

  const mismatch = pipeline.mismatch(data);
  const terminal = { columns: 100, color: color === true };
  if (mismatch !== null) {
    out(`Result: ${paint(terminal, 'red', 'WRONG')} — ${mismatch}`);
  } else {
    out(`Result: all ${PIPELINE_COUNT} values match the reference (y = ${PIPELINE_A}·x + y). ${paint(terminal, 'green', 'OK')}`);
    pipeline.destroy();
  }
  return { mismatch, semaphores, story };
}
