/**
 * Executables: a loaded driver module and its entry points (docs/design.md, "Kernels and executables").
 *
 * An executable is created from a manifest that carries one payload per backend format; the payload the driver
 * prefers is loaded once, every entry point's function is looked up up front (so a missing kernel fails creation,
 * not the first dispatch), and each entry point gets the pipeline layout the manifest states. Command buffers that
 * dispatch an entry point retain the executable, so the module is unloaded only when the user destroyed it and no
 * command buffer still holds it.
 */
import type { DeviceContext } from './device_context.js';
import type { DriverFunction, DriverModule, ModuleImage } from './driver.js';
import { HalError, StatusCode, invalidArgument, outOfRange } from './errors.js';
import { parseExecutableManifest, selectPayload, type SelectPayloadOptions } from './executable_manifest.js';
import type { ExecutableManifest } from './executable_manifest.js';
import { DescriptorSetLayout, PipelineLayout } from './layouts.js';
import { checkObject, describe } from './validation.js';
import { HalObject } from './lifetime.js';
import { KnownFields, checkLabel } from './fields.js';

const EXECUTABLE_OPTION_FIELDS = new KnownFields(['label']);

export interface ExecutableOptions {
  readonly label?: string;
}

export interface EntryPoint {
  readonly name: string;
  /** Position in `executable.entryPoints`; dispatches may name an entry point by it. */
  readonly ordinal: number;
  readonly workgroupSize: readonly [number, number, number];
  readonly sharedMemoryBytes: number;
  readonly layout: PipelineLayout;
}

export class Executable extends HalObject {
  readonly context: DeviceContext;
  readonly entryPoints: readonly EntryPoint[];
  /** The payload format that was loaded, e.g. 'sim-wasm' or 'ptx'. */
  readonly format: string;
  private module: DriverModule | undefined;
  private readonly functions: readonly DriverFunction[];
  private readonly ownedLayouts: readonly (PipelineLayout | DescriptorSetLayout)[];

  private constructor(
    context: DeviceContext,
    label: string | undefined,
    format: string,
    module: DriverModule,
    entryPoints: readonly EntryPoint[],
    functions: readonly DriverFunction[],
    ownedLayouts: readonly (PipelineLayout | DescriptorSetLayout)[],
  ) {
    super('executable', label);
    this.context = context;
    this.format = format;
    this.module = module;
    this.entryPoints = entryPoints;
    this.functions = functions;
    this.ownedLayouts = ownedLayouts;
  }

  /**
   * @internal
   * Parses and validates `manifest`, loads the payload for this device's driver and resolves every entry point.
   * Bad manifests are INVALID_ARGUMENT naming the field; a workgroup size or shared memory size beyond the device's
   * limits is OUT_OF_RANGE; driver load failures keep the driver's error. Nothing is left loaded on failure.
   */
  static async create(context: DeviceContext, manifest: unknown, options: ExecutableOptions = {}): Promise<Executable> {
    context.assertUsable('create an executable');
    checkObject('createExecutable options', options, EXECUTABLE_OPTION_FIELDS);
    const parsed = parseExecutableManifest(manifest);
    const label = checkLabel('createExecutable options.label', options.label) ?? parsed.label;
    validateEntryLimits(context, parsed);
    // Drivers of AMD GPUs name their gfx target in details; it picks the amdgcn code object.
    const gfxTarget = context.driver.info.details['gfxTarget'];
    const image = await preparePayload(context, parsed, gfxTarget === undefined ? {} : { gfxTarget });

    const owned: (PipelineLayout | DescriptorSetLayout)[] = [];
    const driver = context.driver;
    let module: DriverModule | undefined;
    try {
      const entryPoints = parsed.entryPoints.map((entry, ordinal): EntryPoint => {
        const layout = withPath(`entryPoints[${ordinal}].layout`, () => {
          const setLayouts = entry.layout.sets.map((set, s) => {
            const setLayout = new DescriptorSetLayout(context, {
              bindings: set.bindings.map((b) => ({ readOnly: b.readOnly })),
              label: `${entry.name}.set${s}`,
            });
            owned.push(setLayout);
            return setLayout;
          });
          const pipelineLayout = new PipelineLayout(context, {
            setLayouts,
            pushConstants: entry.layout.pushConstants,
            label: `${entry.name}.layout`,
          });
          owned.push(pipelineLayout);
          return pipelineLayout;
        });
        return Object.freeze({
          name: entry.name,
          ordinal,
          workgroupSize: [...entry.workgroupSize] as [number, number, number],
          sharedMemoryBytes: entry.sharedMemoryBytes,
          layout,
        });
      });
      // The module is named like the executable, so driver messages (a kernel fault) name what the user labelled.
      const named = options.label === undefined ? image : { ...image, label: options.label };
      module = context.retryAfterReclaim(() => driver.moduleLoad(named));
      const loaded = module;
      const functions = entryPoints.map((entry) => driver.moduleGetFunction(loaded, entry.name));
      return new Executable(context, label, image.format, module, Object.freeze(entryPoints), functions, owned);
    } catch (error) {
      if (module !== undefined) driver.moduleUnload(module);
      for (const layout of owned) layout.destroy();
      throw error;
    }
  }

  /**
   * The entry point with this name or ordinal; NOT_FOUND (name) or OUT_OF_RANGE (ordinal) when there is none, and
   * FAILED_PRECONDITION once the executable was destroyed.
   */
  entryPoint(nameOrOrdinal: string | number): EntryPoint {
    this.assertAlive('look up an entry point of');
    if (typeof nameOrOrdinal === 'number') {
      const entry = Number.isInteger(nameOrOrdinal) ? this.entryPoints[nameOrOrdinal] : undefined;
      if (entry === undefined) {
        throw outOfRange(`entryPoint ordinal ${nameOrOrdinal} is not in ${this.label} (it has ${this.entryPoints.length} entry points)`);
      }
      return entry;
    }
    if (typeof nameOrOrdinal !== 'string') {
      throw invalidArgument(`entryPoint must be a name or an ordinal (got ${describe(nameOrOrdinal)})`);
    }
    const entry = this.entryPoints.find((e) => e.name === nameOrOrdinal);
    if (entry === undefined) {
      const names = this.entryPoints.map((e) => e.name).join(', ');
      throw new HalError(StatusCode.NOT_FOUND, `entryPoint ${JSON.stringify(nameOrOrdinal)} is not in ${this.label} (it has ${names})`);
    }
    return entry;
  }

  /** @internal (command buffers): the driver function of an entry point of this executable. */
  driverFunction(entry: EntryPoint): DriverFunction {
    const fn = this.functions[entry.ordinal];
    if (fn === undefined || this.entryPoints[entry.ordinal] !== entry) {
      throw invalidArgument(`entry point ${entry.name} does not belong to ${this.label}`);
    }
    return fn;
  }

  /**
   * @internal Throws INVALID_ARGUMENT unless this executable belongs to `context`, and FAILED_PRECONDITION if destroyed.
   */
  assertUsableOn(context: DeviceContext, what: string): void {
    if (this.context !== context) throw invalidArgument(`${what} ${this.label} belongs to another device (${this.context.label})`);
    this.assertAlive(`use ${what}`);
  }

  protected freeResources(): void {
    const module = this.module;
    this.module = undefined;
    if (module !== undefined) this.context.driver.moduleUnload(module);
    for (const layout of this.ownedLayouts) layout.destroy();
  }
}

/** Re-throws a layout limit error with the manifest path it came from, keeping its code. */
function withPath<T>(path: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof HalError) throw new HalError(error.code, `executable manifest ${path}: ${error.detail}`, { cause: error });
    throw error;
  }
}

function validateEntryLimits(context: DeviceContext, manifest: ExecutableManifest): void {
  const limits = context.limits;
  manifest.entryPoints.forEach((entry, i) => {
    const where = `entryPoints[${i}] (${entry.name})`;
    const size = entry.workgroupSize;
    let invocations = 1;
    for (let d = 0; d < 3; d++) {
      const n = size[d]!;
      if (n > limits.maxWorkgroupSize[d]!) {
        throw outOfRange(`${where}.workgroupSize[${d}] is ${n}; this device allows at most ${limits.maxWorkgroupSize[d]}`);
      }
      invocations *= n;
    }
    if (invocations > limits.maxWorkgroupInvocations) {
      throw outOfRange(
        `${where}.workgroupSize [${size.join(', ')}] has ${invocations} invocations; this device allows at most ${limits.maxWorkgroupInvocations}`,
      );
    }
    if (entry.sharedMemoryBytes > limits.maxSharedMemoryBytes) {
      throw outOfRange(
        `${where}.sharedMemoryBytes is ${entry.sharedMemoryBytes}; this device allows at most ${limits.maxSharedMemoryBytes}`,
      );
    }
  });
}

/**
 * The payload for the driver's most preferred format that the manifest carries, prepared (compiled) by the driver.
 * A driver may list a format whose compiler is an optional package it cannot load here: when preparing answers
 * UNAVAILABLE and the manifest carries another format the driver loads, that one is taken instead, so a manifest
 * that also ships a precompiled payload still loads. The first UNAVAILABLE is reported when nothing else is left.
 */
async function preparePayload(context: DeviceContext, manifest: ExecutableManifest, options: SelectPayloadOptions): Promise<ModuleImage> {
  const driver = context.driver;
  let formats = driver.info.formats;
  let image = selectPayload(manifest, formats, options);
  if (driver.prepareModule === undefined) return image;
  let unavailable: HalError | undefined;
  for (;;) {
    try {
      await driver.prepareModule(image);
      return image;
    } catch (error) {
      if (!HalError.is(error, StatusCode.UNAVAILABLE)) throw error;
      unavailable ??= error;
      formats = formats.slice(formats.indexOf(image.format) + 1);
      try {
        image = selectPayload(manifest, formats, options);
      } catch {
        throw unavailable;
      }
    }
  }
}

