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
import { writeTraceFile } from '../trace/chrome_trace.js';
import { renderTimeline } from '../trace/timeline_renderer.js';
import type { TraceEvent } from '../trace/model.js';
import { tellStory } from './demo_story.js';
import { PIPELINE_A, PIPELINE_COUNT, PIPELINE_SUBMISSIONS, preparePipeline } from './pipeline.js';
import { importSimDriverLog } from './sim_log.js';

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
}

export async function runDemo(options: DemoOptions): Promise<number> {
  // Always traced: the story is told from the trace (the cost is one small object per event).
  const device = await createDevice({ backend: options.backend, seed: options.seed, queueCount: 2, label: 'demo', trace: true });
  let code: number;
  let events: readonly TraceEvent[] = [];
  try {
    code = await runPipeline(device, options);
    importSimDriverLog(device);
    events = [...device.trace!.events];
  } finally {
    await device[Symbol.asyncDispose]();
  }
  if (options.timeline === true) {
    options.out('');
    options.out(renderTimeline(events, { width: options.width ?? 100 }).trimEnd());
  }
  if (options.traceOut !== undefined) {
    try {
      await writeFile(options.traceOut, writeTraceFile(events));
    } catch (error) {
      options.out(`gpuhal demo: cannot write the trace to ${options.traceOut}: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    options.out('');
    options.out(`Trace written to ${options.traceOut} (${events.length} events): open it at https://ui.perfetto.dev or with \`gpuhal trace show ${options.traceOut}\`.`);
  }
  return code;
}

async function runPipeline(device: Device, { out, seed }: DemoOptions): Promise<number> {
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
  for (const line of tellStory(device.trace!.events, PIPELINE_SUBMISSIONS)) out(line);
  out('');
  out('Semaphore values now: ' + [xReady, yReady, result].map((s) => `"${s.label}" = ${s.query()}`).join(', '));

  const wrong = pipeline.mismatch(data);
  if (wrong !== null) {
    out(`Result: WRONG — ${wrong}`);
    return 1;
  }
  out(`Result: all ${PIPELINE_COUNT} values match the reference (y = ${PIPELINE_A}·x + y). OK`);
  pipeline.destroy();
  return 0;
}
