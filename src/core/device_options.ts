/**
 * createDevice options: the public `DeviceOptions` type and its zod schema. Parsing turns every problem into one
 * INVALID_ARGUMENT HalError naming each offending field and the value given, so a bad option never opens a device.
 */
import * as z from 'zod/mini';
import { invalidArgument } from './errors.js';
import { registeredBackends } from './registry.js';
import { describe } from './validation.js';
import type { CommandBufferMode } from './device_context.js';
import type { RaceCheckOptions } from './check/race_checker.js';
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
const flag = z.boolean({ error: 'must be true or false' });

const DeviceOptionsSchema = z.strictObject({
  backend: z.optional(
    z.union([backendName, z.array(backendName).check(z.minLength(1))], {
      error: 'must be "auto", a backend name or a non-empty list of backend names',
    }),
  ),
  seed: z.optional(integer('must be a non-negative integer', 0)),
  queueCount: z.optional(integer('must be an integer from 1 to 16', 1, 16)),
  streamsPerQueue: z.optional(integer('must be an integer from 1 to 16', 1, 16)),
  memoryBytes: z.optional(integer('must be a positive integer', 1)),
  commandBufferMode: z.optional(z.enum(['graph', 'stream'], { error: 'must be "graph" or "stream"' })),
  label: z.optional(z.string({ error: 'must be a string' })),
  trace: z.optional(flag),
  // true is a shorthand for {} (so the object's own fields get their own messages); false parses to null, "off" even
  // where GPUHAL_CHECK would turn checking on (undefined: not mentioned).
  check: z.optional(
    z.pipe(
      z.transform((value: unknown) => (value === true ? {} : value === false ? null : value)),
      z.nullish(
        z.strictObject(
          {
            strict: z.optional(flag),
            callSites: z.optional(flag),
            maxReports: z.optional(integer('must be a positive integer', 1)),
          },
          { error: 'must be true, false or an object { strict?, callSites?, maxReports? }' },
        ),
      ),
    ),
  ),
});

/** An object of driver options passed to one backend's provider, keyed by the backend's name. */
const BackendOptionsSchema = z.record(z.string(), z.unknown(), { error: 'must be an object of driver options for that backend' });

/**
 * Per-backend driver options: each registered backend may take an object under its own name. Empty here: gpuhal's
 * own backends add theirs, typed, by declaration merging (src/backends/<name>/device_options.ts), so users get every
 * backend's options typed while the core names none of them.
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

/**
 * The schema for the backends registered now, built once per set of backends: zod compiles a schema on its first
 * parse, which costs more than the parse itself (a quarter of a short simulated test's time when rebuilt per call).
 */
type BackendAwareSchema = ReturnType<typeof z.extend<typeof DeviceOptionsSchema, Record<string, z.ZodMiniOptional<typeof BackendOptionsSchema>>>>;
let cachedSchema: { readonly key: string; readonly schema: BackendAwareSchema } | undefined;
function schemaForBackends(): BackendAwareSchema {
  const names = registeredBackends();
  const key = names.join('\n');
  if (cachedSchema?.key !== key) {
    cachedSchema = { key, schema: z.extend(DeviceOptionsSchema, Object.fromEntries(names.map((name) => [name, z.optional(BackendOptionsSchema)]))) };
  }
  return cachedSchema.schema;
}

export function parseOptions(options: unknown): ParsedOptions {
  // Keys naming a registered backend carry that backend's driver options; the rest must be the core's own.
  const schema = schemaForBackends();
  const result = schema.safeParse(options ?? {}, englishMessages);
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
