/**
 * createDevice options: the public `DeviceOptions` type and its zod schema. Parsing turns every problem into one
 * INVALID_ARGUMENT HalError naming each offending field and the value given, so a bad option never opens a device.
 */
import { z } from 'zod';
import { invalidArgument } from './errors.js';
import { registeredBackends } from './registry.js';
import { describe } from './validation.js';
import type { CommandBufferMode } from './device_context.js';
import type { RaceCheckOptions } from './check/race_checker.js';
import { suggestion } from './fields.js';

const backendName = z.string({ error: 'must be a backend name' }).min(1, { error: 'must be a backend name' });

const DeviceOptionsSchema = z.strictObject({
  backend: z
    .union([backendName, z.array(backendName).min(1)], {
      error: 'must be "auto", a backend name or a non-empty list of backend names',
    })
    .optional(),
  seed: z.number({ error: 'must be a non-negative integer' }).int({ error: 'must be a non-negative integer' }).min(0, { error: 'must be a non-negative integer' }).optional(),
  queueCount: z
    .number({ error: 'must be an integer from 1 to 16' })
    .int({ error: 'must be an integer from 1 to 16' })
    .min(1, { error: 'must be an integer from 1 to 16' })
    .max(16, { error: 'must be an integer from 1 to 16' })
    .optional(),
  streamsPerQueue: z
    .number({ error: 'must be an integer from 1 to 16' })
    .int({ error: 'must be an integer from 1 to 16' })
    .min(1, { error: 'must be an integer from 1 to 16' })
    .max(16, { error: 'must be an integer from 1 to 16' })
    .optional(),
  memoryBytes: z
    .number({ error: 'must be a positive integer' })
    .int({ error: 'must be a positive integer' })
    .positive({ error: 'must be a positive integer' })
    .optional(),
  commandBufferMode: z.enum(['graph', 'stream'], { error: 'must be "graph" or "stream"' }).optional(),
  label: z.string({ error: 'must be a string' }).optional(),
  trace: z.boolean({ error: 'must be true or false' }).optional(),
  // true is a shorthand for {} (so the object's own fields get their own messages); false parses to null, "off" even
  // where GPUHAL_CHECK would turn checking on (undefined: not mentioned).
  check: z
    .preprocess(
      (value) => (value === true ? {} : value === false ? null : value),
      z.strictObject(
        {
          strict: z.boolean({ error: 'must be true or false' }).optional(),
          callSites: z.boolean({ error: 'must be true or false' }).optional(),
          maxReports: z
            .number({ error: 'must be a positive integer' })
            .int({ error: 'must be a positive integer' })
            .positive({ error: 'must be a positive integer' })
            .optional(),
        },
        { error: 'must be true, false or an object { strict?, callSites?, maxReports? }' },
      ).nullable().optional(),
    )
    .optional(),
});

/** An object of driver options passed to one backend's provider, keyed by the backend's name. */
const BackendOptionsSchema = z.record(z.string(), z.unknown(), { error: 'must be an object of driver options for that backend' });

/**
 * Per-backend driver options: each registered backend may take an object under its own name (gpuhal's own
 * backends declare theirs in src/backends/builtin.ts, merged into this interface).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface BackendDeviceOptions {}

export interface DeviceOptions extends BackendDeviceOptions {
  /** 'auto' (the default) tries the registered backends in registration order; a list is tried in its order. */
  readonly backend?: 'auto' | (string & {}) | readonly string[];
  /** The scheduling seed of a modelled device (same seed, same results, events and timestamps). */
  readonly seed?: number;
  /** Number of queues; 1 by default. */
  readonly queueCount?: number;
  /**
   * Driver streams behind each queue (1 to 16; 4 by default). Independent submissions on one queue are spread
   * over them, so they may overlap or run in either order, as docs/design.md rule 4 allows — on a modelled device
   * the seed decides, which exposes a missing semaphore. 1 issues each queue's work strictly in submission order.
   */
  readonly streamsPerQueue?: number;
  /** Device memory in bytes of a modelled device (a GPU reports its own). */
  readonly memoryBytes?: number;
  /** How command buffers are lowered: driver graphs (default) or replay onto a stream. */
  readonly commandBufferMode?: CommandBufferMode;
  readonly label?: string;
  /** Record a trace of submissions, semaphores and host waits (`device.trace`; see docs/trace-format.md). */
  readonly trace?: boolean;
  /**
   * Check the program for races with the happens-before race checker (`device.checker`; docs/tutorial.md, "The race
   * checker"): `true`, or `{ strict, callSites, maxReports }`. Off by default.
   */
  readonly check?: boolean | RaceCheckOptions;
}

export type ParsedOptions = z.infer<typeof DeviceOptionsSchema> & {
  /** Driver options by backend name (the option objects named after registered backends). */
  readonly backendOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
};

export function parseOptions(options: unknown): ParsedOptions {
  // Keys naming a registered backend carry that backend's driver options; the rest must be the core's own.
  const schema = DeviceOptionsSchema.extend(Object.fromEntries(registeredBackends().map((name) => [name, BackendOptionsSchema.optional()])));
  const result = schema.safeParse(options ?? {});
  if (result.success) {
    const backendOptions: Record<string, Readonly<Record<string, unknown>>> = {};
    const data = result.data as Record<string, unknown>;
    for (const name of registeredBackends()) {
      if (data[name] !== undefined) backendOptions[name] = data[name] as Record<string, unknown>;
    }
    return { ...result.data, backendOptions };
  }
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `options has unknown field ${JSON.stringify(key)}; ${suggestion(key, Object.keys(schema.shape))}`).join('; ');
    }
    const path = issue.path.map(String).join('.');
    const value = issue.path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined), options);
    return path === '' ? `options must be an object (got ${describe(options)})` : `options.${path} ${issue.message} (got ${describe(value)})`;
  });
  throw invalidArgument(`createDevice ${problems.join('; ')}`);
}
