/**
 * Executable manifests: what an executable contains, in a form that crosses the public boundary (a JS object or
 * parsed JSON), validated with zod and normalized into `ExecutableManifest`.
 *
 *   {
 *     name: 'samples',                                   // C identifier; used as the executable's label
 *     entryPoints: [{
 *       name: 'saxpy_f32',                               // C identifier, unique; the kernel's symbol in every payload
 *       workgroupSize: [256, 1, 1],                      // positive integers
 *       sharedMemoryBytes: 0,                            // optional, default 0 (dynamic shared memory on GPUs)
 *       layout: {
 *         sets: [{ bindings: [{ readOnly: true }, {}] }], // bindings in order; readOnly optional, default false
 *         pushConstants: 2,                              // number of 32-bit push constants
 *       },
 *     }],
 *     payloads: {                                        // at least one; the formats of ModuleFormat
 *       'sim-wasm':   { bytes: Uint8Array | base64 },
 *       'hip-source': { source: string, compileOptions?: string[] },
 *       'amdgcn':     { targets: { 'gfx90a': Uint8Array | base64, ... } },   // code object per gfx target
 *       'ptx':        { source: string },
 *     },
 *   }
 *
 * Unknown fields are errors (a misspelt field would otherwise be silently ignored). Kernel arguments are every
 * binding's device address in set-major order, then the push constants as 32-bit values (docs/design.md), so the layout
 * fixes each entry point's signature in every payload.
 *
 * zod is used here, at the public boundary, only; its issues are translated into HalError INVALID_ARGUMENT with
 * messages that name the field path and the offending value.
 */
// zod's mini build: the same validation with functions instead of methods, so a bundle carries only what is used.
import * as z from 'zod/mini';
import { englishMessages } from './zod_english.js';
import type { ModuleFormat, ModuleImage } from './driver.js';
import { HalError, StatusCode, invalidArgument } from './errors.js';

export interface ManifestBinding {
  /** The kernel only reads this binding. */
  readonly readOnly: boolean;
}

export interface ManifestSetLayout {
  readonly bindings: readonly ManifestBinding[];
}

export interface ManifestPipelineLayout {
  readonly sets: readonly ManifestSetLayout[];
  /** Number of 32-bit push constants. */
  readonly pushConstants: number;
}

export interface ManifestEntryPoint {
  readonly name: string;
  readonly workgroupSize: readonly [number, number, number];
  readonly sharedMemoryBytes: number;
  readonly layout: ManifestPipelineLayout;
}

export interface ManifestPayloads {
  readonly 'sim-wasm'?: { readonly bytes: Uint8Array };
  readonly 'hip-source'?: { readonly source: string; readonly compileOptions: readonly string[] };
  /** Code objects keyed by gfx target ('gfx90a', 'gfx942', or with features: 'gfx90a:sramecc+:xnack-'). */
  readonly amdgcn?: { readonly targets: Readonly<Record<string, Uint8Array>> };
  readonly ptx?: { readonly source: string };
}

/** A validated, normalized manifest: base64 decoded, defaults filled in, binary payloads copied. */
export interface ExecutableManifest {
  readonly name: string;
  /** The executable's default label (its name). */
  readonly label: string;
  readonly entryPoints: readonly ManifestEntryPoint[];
  readonly payloads: ManifestPayloads;
}

/** The payload formats a manifest may carry, in the order they are listed in error messages. */
export const manifestFormats: readonly ModuleFormat[] = ['sim-wasm', 'hip-source', 'amdgcn', 'ptx'];

// --- schema -----------------------------------------------------------------------------------------------------

const MAX_U32 = 0xffffffff;
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const gfxTargetPattern = /^gfx[0-9a-f]+(:[a-z-]+[+-])*$/;
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const identifier = z.string({ error: 'must be a string' }).check(z.regex(identifierPattern, { error: 'must be a C identifier ([A-Za-z_][A-Za-z0-9_]*)' }));
const count = (what: string, min: number) =>
  z.number({ error: `must be a ${what}` }).check(
    z.refine(Number.isInteger, { error: 'must be an integer' }),
    z.minimum(min, { error: `must be ≥ ${min}` }),
    z.maximum(MAX_U32, { error: `must be ≤ ${MAX_U32}` }),
  );
/** Every object in a manifest is strict: unknown fields are errors, not silently ignored. */
const object = <Shape extends z.core.$ZodLooseShape>(shape: Shape) => z.strictObject(shape, { error: 'must be an object' });
const nonEmptyText = z.string({ error: 'must be a string' }).check(z.minLength(1, { error: 'must not be empty' }));
const array = <T extends z.core.SomeType>(element: T) => z.array(element, { error: 'must be an array' });

/** Binary payloads: a Uint8Array (copied) or a base64 string (decoded); never empty. */
const bytes = z.pipe(
  z.unknown(),
  z.transform((value, ctx): Uint8Array => {
    if (value instanceof Uint8Array) {
      if (value.byteLength > 0) return value.slice();
      ctx.issues.push({ code: 'custom', message: 'must not be empty', input: value });
      return z.NEVER;
    }
    if (typeof value === 'string' && value.length > 0 && base64Pattern.test(value)) return decodeBase64(value);
    ctx.issues.push({ code: 'custom', message: 'must be a Uint8Array or a non-empty base64 string', input: value });
    return z.NEVER;
  }),
);

const bindingSchema = object({ readOnly: z._default(z.boolean({ error: 'must be a boolean' }), false) });

const entryPointSchema = object({
  name: identifier,
  workgroupSize: z.tuple([count('positive number', 1), count('positive number', 1), count('positive number', 1)], {
    error: 'must be an array of 3 positive integers [x, y, z]',
  }),
  sharedMemoryBytes: z._default(count('non-negative number', 0), 0),
  layout: object({
    sets: array(object({ bindings: array(bindingSchema) })),
    pushConstants: count('non-negative number', 0),
  }),
});

const gfxTarget = z.string().check(z.regex(gfxTargetPattern, { error: 'is not a gfx target such as gfx90a or gfx90a:xnack-' }));

const payloadsSchema = object({
  'sim-wasm': z.optional(object({ bytes })),
  'hip-source': z.optional(
    object({
      source: nonEmptyText,
      compileOptions: z._default(array(z.string({ error: 'must be a string' })), []),
    }),
  ),
  amdgcn: z.optional(
    object({
      targets: z
        .record(gfxTarget, bytes, { error: 'must be an object mapping gfx targets to code objects' })
        .check(z.refine((targets) => Object.keys(targets).length > 0, { error: 'must name at least one gfx target' })),
    }),
  ),
  ptx: z.optional(object({ source: nonEmptyText })),
}).check(
  z.refine((p) => manifestFormats.some((f) => p[f] !== undefined), {
    error: `must carry at least one payload (${manifestFormats.join(', ')})`,
  }),
);

const manifestSchema = object({
  name: identifier,
  entryPoints: array(entryPointSchema).check(z.minLength(1, { error: 'must list at least one entry point' })),
  payloads: payloadsSchema,
}).check(
  z.superRefine((m, ctx) => {
    const seen = new Map<string, number>();
    m.entryPoints.forEach((e, i) => {
      const first = seen.get(e.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['entryPoints', i, 'name'], message: `duplicates entryPoints[${first}].name`, input: e.name });
      } else {
        seen.set(e.name, i);
      }
    });
  }),
);

// --- parsing ----------------------------------------------------------------------------------------------------

/**
 * Validates and normalizes an executable manifest. Throws HalError INVALID_ARGUMENT naming every offending field
 * path (up to five) and its value, e.g. `entryPoints[0].workgroupSize[1] must be ≥ 1 (got 0)`.
 */
export function parseExecutableManifest(input: unknown): ExecutableManifest {
  const result = manifestSchema.safeParse(input, englishMessages);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map((issue) => describeIssue(issue, input));
    const more = result.error.issues.length > 5 ? `; and ${result.error.issues.length - 5} more` : '';
    throw invalidArgument(`invalid executable manifest: ${problems.join('; ')}${more}`, result.error);
  }
  const m = result.data;
  const payloads: ManifestPayloads = m.payloads;
  return {
    name: m.name,
    label: m.name,
    entryPoints: m.entryPoints.map((e) => ({
      name: e.name,
      workgroupSize: e.workgroupSize,
      sharedMemoryBytes: e.sharedMemoryBytes,
      layout: e.layout,
    })),
    payloads,
  };
}

/** Fields people misspell, with the spelling the schema wants. */
const spellingHints: Readonly<Record<string, string>> = {
  readonly: 'readOnly',
  read_only: 'readOnly',
  entries: 'entryPoints',
  entry_points: 'entryPoints',
  workGroupSize: 'workgroupSize',
  workgroup_size: 'workgroupSize',
  sharedMemory: 'sharedMemoryBytes',
  push_constants: 'pushConstants',
  pushConstantCount: 'pushConstants',
  payload: 'payloads',
  wasm: 'sim-wasm',
  hip: 'hip-source',
  hsaco: 'amdgcn',
};

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue, input: unknown): string {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const isPayloads = path.length === 1 && path[0] === 'payloads';
    return issue.keys
      .map((key) => {
        const where = formatPath([...path, key]);
        const hint = spellingHints[key];
        if (isPayloads) {
          return `${where} is not a payload format (formats: ${manifestFormats.join(', ')})${hint ? `; did you mean "${hint}"?` : ''}`;
        }
        return `${where} is not a known field${hint ? `; did you mean ${hint}?` : ''}`;
      })
      .join('; ');
  }
  if (issue.code === 'invalid_key') {
    const keyPath = path.slice(0, -1);
    const key = path[path.length - 1];
    return `${formatPath(keyPath)} key ${JSON.stringify(String(key))} ${issue.issues[0]?.message ?? issue.message}`;
  }
  const where = formatPath(path);
  const present = valueAt(input, path);
  if (issue.code === 'invalid_type' && !present.found) return `${where} is missing (${issue.message})`;
  const value = present.found ? present.value : (issue as { input?: unknown }).input;
  return `${where} ${issue.message} (got ${formatValue(value)})`;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'manifest';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && identifierPattern.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in current)) return { found: false };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: current };
}

function formatValue(value: unknown): string {
  if (value instanceof Uint8Array) return `Uint8Array(${value.byteLength})`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function decodeBase64(b64: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(b64, 'base64'));
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

// --- payload selection ------------------------------------------------------------------------------------------

/** The formats a manifest carries, in manifestFormats order. */
export function carriedFormats(manifest: ExecutableManifest): ModuleFormat[] {
  return manifestFormats.filter((f) => manifest.payloads[f] !== undefined);
}

export interface SelectPayloadOptions {
  /** The device's gfx target (AMD), needed to pick an 'amdgcn' code object; without it amdgcn is skipped. */
  readonly gfxTarget?: string;
}

/**
 * The module image for the first of `formats` (the driver's formats, in its order of preference) that the manifest
 * carries. An 'amdgcn' payload only matches when it has a code object for `options.gfxTarget` (an exact key, or a
 * key naming the same processor without feature flags). UNAVAILABLE, listing what the manifest carries and what
 * the driver loads, when nothing matches.
 */
export function selectPayload(
  manifest: ExecutableManifest,
  formats: readonly ModuleFormat[],
  options: SelectPayloadOptions = {},
): ModuleImage {
  const label = manifest.label;
  const p = manifest.payloads;
  let amdgcnMiss = '';
  for (const format of formats) {
    switch (format) {
      case 'sim-wasm':
        if (p['sim-wasm']) return { format, bytes: p['sim-wasm'].bytes, label };
        break;
      case 'hip-source':
        if (p['hip-source']) {
          return { format, source: p['hip-source'].source, compileOptions: p['hip-source'].compileOptions, label };
        }
        break;
      case 'ptx':
        if (p.ptx) return { format, source: p.ptx.source, label };
        break;
      case 'amdgcn': {
        if (!p.amdgcn) break;
        const targets = Object.keys(p.amdgcn.targets);
        const want = options.gfxTarget;
        const key = want === undefined ? undefined
          : targets.find((t) => t === want) ?? targets.find((t) => t === want.split(':')[0]);
        if (key !== undefined) return { format, bytes: p.amdgcn.targets[key]!, label: `${label} (${key})` };
        amdgcnMiss = ` (amdgcn targets ${targets.join(', ')} do not include the device's ${want ?? 'unknown gfx target'})`;
        break;
      }
    }
  }
  throw new HalError(
    StatusCode.UNAVAILABLE,
    `executable ${manifest.name} carries ${carriedFormats(manifest).join(', ')}${amdgcnMiss}; this driver loads ` +
      `${formats.length > 0 ? formats.join(', ') : 'no formats'}`,
  );
}

/** The entry point called `name`; NOT_FOUND listing the manifest's entry points otherwise. */
export function findEntryPoint(manifest: ExecutableManifest, name: string): ManifestEntryPoint {
  const entry = manifest.entryPoints.find((e) => e.name === name);
  if (entry === undefined) {
    throw new HalError(
      StatusCode.NOT_FOUND,
      `executable ${manifest.name} has no entry point ${JSON.stringify(name)} (has ${manifest.entryPoints.map((e) => e.name).join(', ')})`,
    );
  }
  return entry;
}
