/**
 * Reading a trace file back (for `gpuhal trace show <file>`): the Chrome Trace JSON written by
 * `serializeTrace`, whose "gpuhal" section holds the model. Every failure is a HalError INVALID_ARGUMENT whose
 * message names the file, the path of the offending field and what was wrong. Pure: no file system access, so it
 * runs in the browser playground too.
 */
import * as z from 'zod/mini';
import { englishMessages } from '../core/zod_english.js';
import { HalError, StatusCode, invalidArgument } from '../core/errors.js';
import { chromeTraceSchema } from './chrome_trace_schema.js';
import { TRACE_MODEL_VERSION, type TraceEvent } from './model.js';
import { encodedEventsSchema } from './model_codec.js';

const fileSchema = z.object({
  gpuhal: z.object({ version: z.int(), events: z.unknown() }, {
    error: (issue) => (issue.input === undefined ? 'missing: this is not a gpuhal trace (no "gpuhal" section with the recorded events)' : 'must be an object'),
  }),
});

const MAX_ISSUES = 5;

/** Parses and validates a trace file's text; `source` names it in messages (a path, or "trace"). */
export function parseTraceFile(text: string, source = 'trace'): TraceEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`${source} is not valid JSON: ${(error as Error).message}`, error);
  }
  const chrome = chromeTraceSchema.safeParse(json, englishMessages);
  if (!chrome.success) throw invalidArgument(`${source} is not a valid Chrome trace: ${describeIssues(chrome.error)}`, chrome.error);
  const file = fileSchema.safeParse(json, englishMessages);
  if (!file.success) throw invalidArgument(`${source}: ${describeIssues(file.error)}`, file.error);
  const { version, events } = file.data.gpuhal;
  if (version !== TRACE_MODEL_VERSION) {
    throw new HalError(StatusCode.UNIMPLEMENTED, `${source} has gpuhal trace version ${version}; this gpuhal reads version ${TRACE_MODEL_VERSION}`);
  }
  const decoded = encodedEventsSchema.safeParse(events, englishMessages);
  if (!decoded.success) throw invalidArgument(`${source}: ${describeIssues(decoded.error, ['gpuhal', 'events'])}`, decoded.error);
  const model = decoded.data as TraceEvent[];
  checkReferences(model, source);
  return model;
}

function describeIssues(error: z.core.$ZodError, prefix: readonly (string | number)[] = []): string {
  const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => `${formatPath([...prefix, ...issue.path])}: ${issue.message}`);
  const more = error.issues.length > MAX_ISSUES ? `; and ${error.issues.length - MAX_ISSUES} more` : '';
  return issues.join('; ') + more;
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  return text === '' ? '(root)' : text;
}

/**
 * Structural checks the schema cannot express: seqs in order, and every lane, semaphore, submission and host wait
 * declared (or submitted) before it is used. Renderers rely on these.
 */
function checkReferences(events: readonly TraceEvent[], source: string): void {
  const devices = new Set<number>();
  const lanes = new Set<number>();
  const semaphores = new Set<number>();
  const submissions = new Set<number>();
  const hostWaits = new Set<number>();
  const fail = (index: number, message: string): never => {
    throw invalidArgument(`${source}: gpuhal.events[${index}] (${events[index]!.kind}): ${message}`);
  };
  const need = (set: Set<number>, id: number, what: string, index: number): void => {
    if (!set.has(id)) fail(index, `${what} ${id} is used before it is declared`);
  };
  events.forEach((event, index) => {
    if (event.seq !== index) fail(index, `seq must be ${index} (got ${event.seq})`);
    switch (event.kind) {
      case 'device':
        devices.add(event.device);
        break;
      case 'lane':
        need(devices, event.device, 'device', index);
        lanes.add(event.lane);
        break;
      case 'semaphore':
        need(devices, event.device, 'device', index);
        semaphores.add(event.semaphore);
        break;
      case 'submit':
        need(lanes, event.lane, 'lane', index);
        for (const ref of [...event.waits, ...event.signals]) need(semaphores, ref.semaphore, 'semaphore', index);
        submissions.add(event.submission);
        break;
      case 'issue':
      case 'complete':
        need(submissions, event.submission, 'submission', index);
        break;
      case 'race':
        if (event.first !== null) need(submissions, event.first, 'submission', index);
        if (event.second !== null) need(submissions, event.second, 'submission', index);
        break;
      case 'submission-failed':
        need(submissions, event.submission, 'submission', index);
        if (event.cause !== null) need(semaphores, event.cause.semaphore, 'semaphore', index);
        break;
      case 'wait-satisfied':
        need(submissions, event.submission, 'submission', index);
        need(semaphores, event.semaphore, 'semaphore', index);
        if (event.signal !== null) {
          const signal = events[event.signal];
          if (event.signal >= index || signal?.kind !== 'signal') fail(index, `signal ${event.signal} must be the seq of an earlier signal event`);
        }
        break;
      case 'signal':
      case 'semaphore-failed':
        need(semaphores, event.semaphore, 'semaphore', index);
        if (event.submission !== null) need(submissions, event.submission, 'submission', index);
        break;
      case 'op':
        need(lanes, event.lane, 'lane', index);
        if (event.end < event.start) fail(index, `end ${event.end} is before start ${event.start}`);
        break;
      case 'host-wait':
        need(lanes, event.lane, 'lane', index);
        for (const ref of event.targets) need(semaphores, ref.semaphore, 'semaphore', index);
        hostWaits.add(event.wait);
        break;
      case 'host-wait-end':
        need(hostWaits, event.wait, 'host wait', index);
        break;
    }
  });
}
