/**
 * The trace model as JSON: bigints become decimal strings (JSON has no u64), and a zod schema turns files back
 * into typed events, with messages that name the offending event and field.
 */
import * as z from 'zod/mini';
import { englishMessages } from '../core/zod_english.js';
import type { TraceEvent } from './model.js';

/** JSON form of an event: identical fields, bigints as decimal strings. */
export type EncodedTraceEvent = { readonly [key: string]: unknown };

export function encodeEvents(events: readonly TraceEvent[]): EncodedTraceEvent[] {
  return events.map((event) => encodeValue(event) as EncodedTraceEvent);
}

function encodeValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) out[key] = encodeValue(field);
    return out;
  }
  return value;
}

const u64 = z
  .pipe(z.string().check(z.regex(/^(0|[1-9][0-9]*)$/, { error: 'expected an unsigned decimal integer string' })), z.transform((text) => BigInt(text)))
  .check(z.refine((value) => value < 1n << 64n, { error: 'exceeds 2^64 - 1' }));
/** Times may be negative in principle (a clock before its epoch); payloads may not. */
const time = z.pipe(
  z.string().check(z.regex(/^-?(0|[1-9][0-9]*)$/, { error: 'expected a decimal integer string (nanoseconds)' })),
  z.transform((text) => BigInt(text)),
);
const id = z.int().check(z.nonnegative());
const laneId = z.int();
const valueRef = z.object({ semaphore: id, value: u64 });
const traceError = z.object({ code: z.string(), message: z.string() });
const stamp = { seq: id, ts: time };

const eventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('device'), device: id, name: z.string(), platform: z.string(), clock: z.enum(['virtual', 'real']), ...stamp }),
  z.object({ kind: z.literal('lane'), lane: laneId, device: id, laneKind: z.enum(['queue', 'stream', 'host']), name: z.string(), ...stamp }),
  z.object({ kind: z.literal('semaphore'), semaphore: id, device: id, name: z.string(), initial: u64, ...stamp }),
  z.object({
    kind: z.literal('submit'), submission: id, lane: laneId, op: z.string(), label: z.string(),
    waits: z.array(valueRef), signals: z.array(valueRef), ...stamp,
  }),
  z.object({ kind: z.literal('issue'), submission: id, ...stamp }),
  z.object({ kind: z.literal('wait-satisfied'), submission: id, semaphore: id, value: u64, signal: z.nullable(id), ...stamp }),
  z.object({ kind: z.literal('complete'), submission: id, ...stamp }),
  z.object({ kind: z.literal('race'), race: z.string(), first: z.nullable(id), second: z.nullable(id), message: z.string(), fix: z.string(), ...stamp }),
  z.object({ kind: z.literal('submission-failed'), submission: id, error: traceError, cause: z.nullable(z.object({ semaphore: id })), ...stamp }),
  z.object({ kind: z.literal('signal'), semaphore: id, value: u64, submission: z.nullable(id), ...stamp }),
  z.object({ kind: z.literal('semaphore-failed'), semaphore: id, error: traceError, submission: z.nullable(id), ...stamp }),
  z.object({
    kind: z.literal('op'), lane: laneId,
    opKind: z.enum(['kernel', 'copy', 'fill', 'update', 'read', 'alloc', 'free', 'graph', 'graph-node', 'wait', 'host', 'other']),
    name: z.string(), start: time, end: time, submission: z.nullable(id), status: z.enum(['ok', 'failed', 'skipped']),
    error: z.nullable(z.string()), ...stamp,
  }),
  z.object({
    kind: z.literal('host-wait'), wait: id, lane: laneId, mode: z.enum(['all', 'any']), targets: z.array(valueRef),
    timeout: z.nullable(time), ...stamp,
  }),
  z.object({ kind: z.literal('host-wait-end'), wait: id, outcome: z.enum(['reached', 'timeout', 'failed']), error: z.nullable(traceError), ...stamp }),
]);

export const encodedEventsSchema = z.array(eventSchema);

/** Decodes JSON events; throws a ZodError (callers turn it into a HalError naming the path). */
export function decodeEvents(json: unknown): TraceEvent[] {
  return encodedEventsSchema.parse(json, englishMessages) as TraceEvent[];
}
