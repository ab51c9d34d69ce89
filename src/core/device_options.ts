/**
 * createDevice options: the public `DeviceOptions` type and its zod schema. Parsing turns every problem into one
 * INVALID_ARGUMENT HalError naming each offending field and the value given, so a bad option never opens a device.
 */
import * as z from 'zod/mini';
import { invalidArgument } from './errors.js';
import { describe } from './semaphore/payload.js';
import type { CommandBufferMode } from './device_context.js';
import { suggestion } from './fields.js';
import { englishMessages } from './zod_english.js';

const backendName = z.string({ error: 'must be a backend name' }).check(z.minLength(1, { error: 'must be a backend name' }));
/** An integer in [min, max], every failure one message. */
const integer = (message: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.number({ error: message }).check(
    z.refine(Number.isInteger, { error: message }),
    z.minimum(min, { error: message }),
    z.maximum(max, { error: message }),
  );

const DeviceOptionsSchema = z.strictObject({
  backend: z.optional(
    z.union([backendName, z.array(backendName).check(z.minLength(1))], {
      error: 'must be "sim", "hip", "auto" or a non-empty list of backend names',
    }),
  ),
  seed: z.optional(integer('must be a non-negative integer', 0)),
  queueCount: z.optional(integer('must be an integer from 1 to 16', 1, 16)),
  streamsPerQueue: z.optional(integer('must be an integer from 1 to 16', 1, 16)),
  memoryBytes: z.optional(integer('must be a positive integer', 1)),
  commandBufferMode: z.optional(z.enum(['graph', 'stream'], { error: 'must be "graph" or "stream"' })),
  label: z.optional(z.string({ error: 'must be a string' })),
  sim: z.optional(z.record(z.string(), z.unknown(), { error: 'must be an object of simulator driver options' })),
  hip: z.optional(z.record(z.string(), z.unknown(), { error: 'must be an object of hip driver options' })),
  trace: z.optional(z.boolean({ error: 'must be true or false' })),
});

const DEVICE_OPTION_FIELDS = Object.keys(DeviceOptionsSchema.shape);

/**
 * Backend-specific createDevice options, one field per backend (`sim`, `hip`, ...). Empty here: each backend adds its
 * own field by declaration merging (src/backends/<name>/device_options.ts), so users get every backend's options
 * typed while the core names none of them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BackendDeviceOptions {}

export interface DeviceOptions extends BackendDeviceOptions {
  /** 'auto' (the default) tries hip, then sim; a list is tried in order. */
  readonly backend?: 'sim' | 'hip' | 'auto' | (string & {}) | readonly string[];
  /** The simulator's scheduling seed (same seed, same results, events and timestamps). */
  readonly seed?: number;
  /** Number of queues; 1 by default. */
  readonly queueCount?: number;
  /**
   * Driver streams behind each queue (1 to 16; 4 by default). Independent submissions on one queue are spread
   * over them, so they may overlap or run in either order, as DESIGN.md rule 4 allows — on the simulator the seed
   * decides, which exposes a missing semaphore. 1 issues each queue's work strictly in submission order.
   */
  readonly streamsPerQueue?: number;
  /** Simulated device memory in bytes (sim only; a GPU reports its own). */
  readonly memoryBytes?: number;
  /** How command buffers are lowered: driver graphs (default) or replay onto a stream. */
  readonly commandBufferMode?: CommandBufferMode;
  readonly label?: string;
  /** Record a trace of submissions, semaphores and host waits (`device.trace`; see docs/trace-format.md). */
  readonly trace?: boolean;
}

export type ParsedOptions = z.infer<typeof DeviceOptionsSchema>;

export function parseOptions(options: unknown): ParsedOptions {
  const result = DeviceOptionsSchema.safeParse(options ?? {}, englishMessages);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `options has unknown field ${JSON.stringify(key)}; ${suggestion(key, DEVICE_OPTION_FIELDS)}`).join('; ');
    }
    const path = issue.path.map(String).join('.');
    const value = issue.path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined), options);
    return path === '' ? `options must be an object (got ${describe(options)})` : `options.${path} ${issue.message} (got ${describe(value)})`;
  });
  throw invalidArgument(`createDevice ${problems.join('; ')}`);
}
