/**
 * `Device`: the user-facing facade of a device and the owner of everything it creates. `createDevice`
 * (create_device.ts) opens one; `DeviceCore` (device_core.ts) is what its objects see of it.
 *
 * Teardown (docs/design.md, rule 9). `destroy()` is synchronous; on a real GPU it blocks once, in the driver's
 * `quiesce()`, until work already handed to the device has finished. In order, it:
 *   1. fails pending submissions with CANCELLED and in-flight ones with ABORTED — this is the core's bookkeeping:
 *      their signal semaphores fail likewise, their captures are released, their completion events are discarded;
 *   2. fails every live semaphore, so no host wait hangs;
 *   3. frees every object the device created (command buffers, executables, layouts, buffers: memFree) and the
 *      buffer memory whose free was deferred while work was in flight (memory_reclaim.ts), then destroys the
 *      pooled events, the streams and finally the driver — after which `driver.outstanding()` is all zeros.
 * What happens to device work that was in flight depends on the backend, because the core cannot recall it:
 *   - a modelled device (no `quiesce`) discards it: its clock stops at destroy, so nothing touches freed memory.
 *   - a real GPU (`quiesce` present): work already handed to it keeps running after step 1, so before step 3 the
 *     core calls `quiesce()`, which blocks until the device has finished it (cuCtxSynchronize /
 *     hipDeviceSynchronize): nothing still running can touch memory freed afterwards. Blocking is accepted at teardown only; `Symbol.asyncDispose`
 *     drains without blocking and should be preferred whenever work may still be running.
 * `Symbol.asyncDispose` drains in-flight work first (stepping a manual-mode device as needed), then destroys.
 * A sticky driver failure (device lost) makes every later call fail fast with the original error.
 */
import { GpuBuffer, BufferUsage, type BufferDescriptor, type MemoryType } from './gpu_buffer.js';
import { CommandBuffer, type CommandBufferDescriptor } from './command_buffer/command_buffer.js';
import type { DeviceContext, DeviceLimits, CommandBufferMode } from './device_context.js';
import { DeviceCore, type DeviceLostInfo } from './device_core.js';
import { inspectAs, inspectCustom } from './inspect.js';
import type { DriverDeviceInfo, GpuDriver } from './driver.js';
import { HalError, StatusCode, invalidArgument, outOfRange } from './errors.js';
import { Executable, type ExecutableOptions } from './executable.js';
import type { ExecutableManifestInput } from './manifest_input.js';
import {
  DescriptorSetLayout,
  PipelineLayout,
  type DescriptorSetLayoutDescriptor,
  type PipelineLayoutDescriptor,
} from './layouts.js';
import type { HalObject } from './lifetime.js';
import { Queue, type ReadOperation } from './queue/queue.js';
import { checkSemaphoreList } from './queue/validation.js';
import { waitForSemaphores, type SemaphoreValue, type WaitMode, type WaitOptions } from './semaphore/host_wait.js';
import { checkPayload } from './semaphore/payload.js';
import { checkObject, describe } from './validation.js';
import { Semaphore } from './semaphore/semaphore.js';
import type { ParsedOptions } from './device_options.js';
import { driveManualDevice, inspectDevice, stepDevice, type Inspection, type StepOutcome } from './inspection.js';
import { recordDevice } from '../trace/attach.js';
import { followDriverLog } from '../trace/driver_log.js';
import type { MemoryTraceRecorder } from '../trace/recorder.js';
import { RaceChecker, type RaceCheckerStats, type RaceListener } from './check/race_checker.js';
import type { RaceReport } from './check/race_report.js';
import { KnownFields, checkLabel } from './fields.js';
import { diagnoseDevice } from './stall/device_stall.js';
import type { StallDiagnosis } from './stall/stall_diagnosis.js';

const BUFFER_FIELDS = new KnownFields(['byteLength', 'usage', 'memoryType', 'label']);
const SEMAPHORE_OPTION_FIELDS = new KnownFields(['label']);

export type { DeviceOptions } from './device_options.js';
// The entry point lives beside the facade it returns; re-exported so `createDevice` and `Device` import together.
export { createDevice } from './create_device.js';
export type { DeviceLostInfo } from './device_core.js';

// --- public types ------------------------------------------------------------------------------------------------

/** The driver's facts about the device (see DriverDeviceInfo), and how this device was opened. */
export interface DeviceInfo
  extends Pick<DriverDeviceInfo, 'name' | 'platform' | 'clock' | 'ordinal' | 'totalMemoryBytes' | 'computeUnits' | 'warpSize' | 'formats' | 'details'> {
  readonly label: string;
  /** The registry name of the backend that opened this device. */
  readonly backend: string;
  readonly queueCount: number;
  readonly streamsPerQueue: number;
  readonly commandBufferMode: CommandBufferMode;
  /** Why earlier backend candidates were skipped, one note per backend ('<name>: <reason>'). */
  readonly backendNotes: readonly string[];
}

export interface SemaphoreOptions {
  readonly label?: string;
}

/** Driver streams per queue unless `streamsPerQueue` says otherwise. */
const DEFAULT_STREAMS_PER_QUEUE = 4;

// --- the public device -------------------------------------------------------------------------------------------

export class Device implements Disposable, AsyncDisposable {
  readonly info: DeviceInfo;
  readonly limits: DeviceLimits;
  readonly queues: readonly Queue[];
  private readonly core: DeviceCore;
  private semaphoreCount = 0;
  private checkerView: DeviceChecker | undefined;
  /** Stops the trace following the driver's log (after one last pull); called before the driver is destroyed. */
  private readonly unfollowDriverLog: () => void = () => {};

  /**
   * @internal
   * The facade over a driver `createDevice` opened (users call `createDevice`). A static factory, not the
   * constructor, so the shipped declarations show a private constructor and none of these internal types.
   */
  static open(driver: GpuDriver, backend: string, options: ParsedOptions, backendNotes: readonly string[]): Device {
    return new Device(driver, backend, options, backendNotes);
  }

  private constructor(driver: GpuDriver, backend: string, options: ParsedOptions, backendNotes: readonly string[]) {
    const queueCount = options.queueCount ?? 1;
    const streamsPerQueue = options.streamsPerQueue ?? DEFAULT_STREAMS_PER_QUEUE;
    const mode = options.commandBufferMode ?? 'graph';
    const label = options.label ?? `device-${backend}#${++deviceCount}`;
    this.core = new DeviceCore(driver, label, queueCount, streamsPerQueue, mode);
    this.limits = this.core.limits;
    // `check: false` parses to null: the environment turns checking on only where the options do not mention it.
    const check = options.check === undefined ? checkFromEnvironment() : options.check;
    if (check !== undefined && check !== null) this.core.checker = new RaceChecker(check);
    this.queues = Object.freeze(Array.from({ length: queueCount }, (_, i) => Queue.create(this.core, i)));
    if (options.trace) {
      const trace = recordDevice(this, driver, label);
      this.core.scheduler.queues.forEach((queue, i) => trace.declareQueue(queue, this, `queue${i}`));
      this.core.trace = trace;
      this.unfollowDriverLog = followDriverLog(trace, this, driver);
      if (this.core.checker !== undefined) this.core.checker.trace = trace;
    }
    const d = driver.info;
    this.info = Object.freeze({
      label,
      backend,
      name: d.name,
      platform: d.platform,
      clock: d.clock,
      ordinal: d.ordinal,
      totalMemoryBytes: d.totalMemoryBytes,
      computeUnits: d.computeUnits,
      warpSize: d.warpSize,
      formats: d.formats,
      queueCount,
      streamsPerQueue,
      commandBufferMode: mode,
      backendNotes: Object.freeze([...backendNotes]),
      details: d.details,
    });
  }

  get label(): string {
    return this.core.label;
  }

  /** `Device "demo" (sim)`. */
  toString(): string {
    return `Device ${JSON.stringify(this.label)} (${this.info.backend})`;
  }

  [inspectCustom](_depth: number, options: unknown, inspect?: (value: unknown, options?: unknown) => string): string {
    const state = this.core.destroyed ? 'destroyed' : this.core.lost ? 'lost' : 'usable';
    return inspectAs('Device', { label: this.label, backend: this.info.backend, name: this.info.name, queues: this.queues.length, state }, options, inspect);
  }

  /** The first queue. */
  get queue(): Queue {
    return this.queues[0]!;
  }

  /** The driver underneath (for diagnostics, leak checks and backend-specific tools). */
  get driver(): GpuDriver {
    return this.core.driver;
  }

  /** The DeviceContext objects of this device share (for code that constructs HAL objects directly). */
  get context(): DeviceContext {
    return this.core;
  }

  /** True after destroy(). */
  get destroyed(): boolean {
    return this.core.destroyed;
  }

  /**
   * The trace being recorded (devices created with `trace: true`), else undefined. With a driver that logs its
   * stream work (`GpuDriver.eventLog`; the simulator does), reading `trace.events` first adds the device-side
   * operations that completed since the last read, as stream lanes beside the queue lanes; `destroy()` adds the last
   * ones, so a trace read after the device is gone is complete too.
   */
  get trace(): MemoryTraceRecorder | undefined {
    return this.core.trace;
  }

  /** The device-lost error, once the driver reported a sticky failure. */
  get lostError(): HalError | undefined {
    return this.core.lost;
  }

  /**
   * Resolves (never rejects) when the device stops being usable: `{ reason: 'lost', error }` when the driver
   * reported a sticky failure, `{ reason: 'destroyed' }` after destroy() or disposal; the first of the two wins.
   * WebGPU's `GPUDevice.lost`, beside the synchronous `lostError` getter.
   */
  get lost(): Promise<DeviceLostInfo> {
    return this.core.ended;
  }

  /**
   * The race checker's view (devices created with `check`), else undefined: the reports so far, a listener for new
   * ones, and counters of what it holds.
   */
  get checker(): DeviceChecker | undefined {
    const checker = this.core.checker;
    if (checker === undefined) return undefined;
    return (this.checkerView ??= {
      get reports() {
        return checker.reports;
      },
      get droppedReports() {
        return checker.droppedReports;
      },
      get strict() {
        return checker.strict;
      },
      get failure() {
        return checker.failure;
      },
      onReport: (listener: RaceListener) => checker.on(listener),
      stats: () => checker.stats(),
    });
  }

  /**
   * Who waits for what, when nothing can make progress by itself (nothing in flight, no timed wait) yet submissions
   * are pending or the host waits; undefined otherwise. Only the host could still unblock a stalled device; when the
   * Node process is about to exit stalled, every host wait and awaited read or upload is rejected with this message.
   */
  diagnoseStall(): StallDiagnosis | undefined {
    return diagnoseDevice(this.core);
  }

  /** Submissions waiting for their waits, and submissions issued but not yet retired. */
  get workCounts(): { pending: number; inFlight: number } {
    return { pending: this.core.scheduler.pendingCount, inFlight: this.core.scheduler.inFlightCount };
  }

  // --- step mode (inspection.ts) -----------------------------------------------------------------------------------

  /**
   * Drivers with a manual stepper only (`GpuDriver.stepper`): processes one driver event, lets the core react
   * (retire, signal, issue what that released) and says what happened. UNIMPLEMENTED on other backends.
   */
  async step(): Promise<StepOutcome> {
    this.core.assertUsable('step');
    return stepDevice(this);
  }

  /** Drivers with a stepper, traced devices: a plain-data snapshot of pending and in-flight work, semaphores and streams. */
  inspect(): Inspection {
    this.core.assertUsable('inspect');
    return inspectDevice(this);
  }

  // --- objects -----------------------------------------------------------------------------------------------------

  createBuffer(descriptor: BufferDescriptor): GpuBuffer {
    this.core.assertUsable('create a buffer');
    checkObject('createBuffer descriptor', descriptor, BUFFER_FIELDS);
    const { byteLength, usage, memoryType, label } = descriptor;
    if (typeof byteLength !== 'number' || !Number.isSafeInteger(byteLength) || byteLength <= 0) {
      throw invalidArgument(`createBuffer byteLength must be a positive integer (got ${describe(byteLength)})`);
    }
    if (byteLength > this.limits.maxBufferBytes) {
      throw outOfRange(`createBuffer byteLength ${byteLength} exceeds the device's maxBufferBytes ${this.limits.maxBufferBytes}`);
    }
    // Every integer in [1, ALL] is a combination of the flags. Compared as numbers: 32-bit bit operations would
    // wrap 2 ** 32 + 1 to a valid-looking 1.
    if (usage !== undefined && (typeof usage !== 'number' || !Number.isInteger(usage) || usage < 1 || usage > BufferUsage.ALL)) {
      throw invalidArgument(`createBuffer usage must be a non-empty combination of BufferUsage flags (got ${describe(usage)})`);
    }
    if (memoryType !== undefined && !MEMORY_TYPES.includes(memoryType)) {
      throw invalidArgument(`createBuffer memoryType must be "device-local" or "host-visible" (got ${describe(memoryType)})`);
    }
    checkLabel('createBuffer label', label);
    const driver = this.core.driver;
    const core = this.core;
    const ptr = this.guard('createBuffer', () => core.retryAfterReclaim(() => driver.memAlloc(byteLength)));
    const buffer = GpuBuffer.wrap(core, { byteLength, usage, memoryType, label }, ptr, (p) => core.freeMemory(p, byteLength));
    this.core.track(buffer);
    return buffer;
  }

  createSemaphore(initialValue: bigint = 0n, options: SemaphoreOptions = {}): Semaphore {
    this.core.assertUsable('create a semaphore');
    const value = checkPayload('createSemaphore initialValue', initialValue);
    checkObject('createSemaphore options', options, SEMAPHORE_OPTION_FIELDS);
    checkLabel('createSemaphore options.label', options.label);
    // Numbered per device, not globally, so the same program names its semaphores the same way every run
    // (traces and messages stay reproducible on a modelled device).
    const semaphore = Semaphore.create(this.core, value, options.label ?? `semaphore#${++this.semaphoreCount}`);
    this.core.trackSemaphore(semaphore);
    this.core.checker?.semaphoreCreated(semaphore, value);
    this.core.trace?.declareSemaphore(semaphore, this, semaphore.label, value);
    return semaphore;
  }

  createCommandBuffer(descriptor: CommandBufferDescriptor = {}): CommandBuffer {
    this.core.assertUsable('create a command buffer');
    const commandBuffer = new CommandBuffer(this.core, descriptor);
    this.core.track(commandBuffer);
    return commandBuffer;
  }

  createDescriptorSetLayout(descriptor: DescriptorSetLayoutDescriptor): DescriptorSetLayout {
    this.core.assertUsable('create a descriptor set layout');
    const layout = new DescriptorSetLayout(this.core, descriptor);
    this.core.track(layout);
    return layout;
  }

  createPipelineLayout(descriptor: PipelineLayoutDescriptor): PipelineLayout {
    this.core.assertUsable('create a pipeline layout');
    const layout = new PipelineLayout(this.core, descriptor);
    this.core.track(layout);
    return layout;
  }

  /**
   * Loads an executable from `manifest` (its type, `ExecutableManifestInput`, catches a wrong manifest at compile
   * time); the manifest is still checked at run time, for JavaScript callers and parsed JSON, and a bad field is an
   * INVALID_ARGUMENT naming the field and the value.
   */
  async createExecutable(manifest: ExecutableManifestInput, options?: ExecutableOptions): Promise<Executable> {
    this.core.assertUsable('create an executable');
    const executable = await Executable.create(this.core, manifest, options);
    if (this.core.destroyed || this.core.lost) {
      executable.forceFree();
      this.core.assertUsable('create an executable');
    }
    this.core.track(executable);
    return executable;
  }

  // --- waits and transfers -----------------------------------------------------------------------------------------

  /**
   * Waits for `all` or `any` of `list` (each `{ semaphore, value }`). An empty list resolves at once; `any`
   * resolves when one entry is reached and leaves the others untouched; a failed entry rejects.
   */
  waitSemaphores(mode: WaitMode, list: readonly SemaphoreValue[], options?: WaitOptions): Promise<void> {
    try {
      this.core.assertUsable('wait on semaphores');
      if (mode !== 'all' && mode !== 'any') throw invalidArgument(`waitSemaphores mode must be "all" or "any" (got ${describe(mode)})`);
      if (!Array.isArray(list)) throw invalidArgument(`waitSemaphores list must be an array of { semaphore, value } (got ${describe(list)})`);
      const entries = checkSemaphoreList('waitSemaphores list', list, this.core);
      return waitForSemaphores(this.core, mode, entries, options, 'waitSemaphores options');
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Writes `data` into `buffer` at `offset` on the first queue; resolves once the bytes are in device memory. */
  upload(buffer: GpuBuffer, data: ArrayBuffer | ArrayBufferView, offset = 0): Promise<void> {
    return this.queue.upload({ buffer, data, offset });
  }

  /** Reads `buffer` back on the first queue (the whole buffer unless `range` says otherwise). */
  download(buffer: GpuBuffer, range: Pick<ReadOperation, 'offset' | 'length'> = {}): Promise<Uint8Array> {
    return this.queue.read({ buffer, ...range });
  }

  // --- lifetime ----------------------------------------------------------------------------------------------------

  /**
   * Destroys the device now: pending work fails with CANCELLED, in-flight work with ABORTED, waits on its
   * semaphores reject, every object is freed and every driver object released. Idempotent.
   */
  destroy(): void {
    const core = this.core;
    if (core.destroyed) return;
    const cancelled = new HalError(StatusCode.CANCELLED, `device ${core.label} was destroyed before the submission could run`);
    const aborted = new HalError(StatusCode.ABORTED, `device ${core.label} was destroyed while the submission was in flight`);
    const errors: unknown[] = [];
    const step = (fn: () => void): void => {
      try {
        fn();
      } catch (error) {
        errors.push(error);
      }
    };
    core.deferredFrees.tearingDown = true;
    step(() => core.scheduler.abortAll(cancelled, aborted));
    const semaphoreFailure = core.lost ?? new HalError(StatusCode.CANCELLED, `device ${core.label} was destroyed`);
    step(() => core.batch(() => {
      for (const semaphore of core.semaphores) semaphore.failWith(semaphoreFailure);
    }));
    core.destroyed = true;
    core.markEnded({ reason: 'destroyed', message: `device ${core.label} was destroyed` });
    // On a real GPU, aborted work may still be running: let it finish before freeing memory it could touch.
    if (!core.lost) step(() => core.driver.quiesce?.());
    core.deferredFrees.tearingDown = false;
    // Command buffers and executables first: they may hold buffers and layouts.
    const objects = [...core.objects].sort((a, b) => teardownRank(a) - teardownRank(b));
    for (const object of objects) step(() => object.forceFree());
    core.objects.clear();
    for (const semaphore of core.semaphores) step(() => semaphore.forceFree());
    core.semaphores.clear();
    step(() => core.deferredFrees.freeAll());
    step(() => core.scheduler.destroy());
    for (const stream of core.streams.flat()) step(() => core.driver.streamDestroy(stream));
    // The driver's log goes with the driver: the trace takes what it has not taken yet.
    step(() => this.unfollowDriverLog());
    step(() => core.driver.destroy());
    if (errors.length > 0 && !core.lost) {
      throw new HalError(StatusCode.INTERNAL, `device ${core.label} teardown: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`, {
        cause: errors[0],
      });
    }
    // Strict checking: a device that raced does not end quietly (teardown itself is complete at this point).
    const raced = core.checker?.destroyError();
    if (raced !== undefined) throw raced;
  }

  /**
   * Drains, then destroys: waits for in-flight work to finish (pending work that waits on the host is then
   * cancelled). A device in manual mode runs only when stepped, so here it is stepped until the in-flight work has
   * finished, exactly as if the caller had called `step()` that often; only if it has nothing left to run while
   * work is still in flight (nothing could ever finish it) is that work aborted by the destroy.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    const scheduler = this.core.scheduler;
    const inFlight = (): number => (this.core.destroyed || this.core.lost ? 0 : scheduler.inFlightCount);
    // undefined: not a manual device; the driver progresses by itself and the poller sees the work finish.
    const stepped = await driveManualDevice(this.core.driver, inFlight);
    if (stepped === undefined) {
      while (inFlight() > 0) await scheduler.whenIdle();
    }
    this.destroy();
  }

  [Symbol.dispose](): void {
    this.destroy();
  }

  private guard<T>(call: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw this.core.driverFailure(error, call);
    }
  }
}

/** What `device.checker` shows of the race checker. */
export interface DeviceChecker {
  /** Every report so far, oldest first (at most `maxReports`; the rest are counted in `droppedReports`). */
  readonly reports: readonly RaceReport[];
  readonly droppedReports: number;
  readonly strict: boolean;
  /** The checker's own defect, if it had one: it then stopped checking (the run itself goes on unharmed). */
  readonly failure: unknown;
  /** Calls `listener` with each new report; returns a function that stops it. */
  onReport(listener: (report: RaceReport) => void): () => void;
  /** Counters of what the checker holds (its memory stays bounded by what is not yet ordered before the host). */
  stats(): RaceCheckerStats;
}

const MEMORY_TYPES: readonly MemoryType[] = ['device-local', 'host-visible'];

/**
 * `GPUHAL_CHECK=1` (or `strict`) turns the race checker on for every device whose options do not say `check`, so a
 * whole test suite or an unmodified program can be checked, as a validation layer is enabled from outside.
 */
function checkFromEnvironment(): { strict?: true } | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.GPUHAL_CHECK;
  if (value === undefined || value === '' || value === '0' || value === 'false') return undefined;
  return value === 'strict' ? { strict: true } : {};
}
let deviceCount = 0;

function teardownRank(object: HalObject): number {
  if (object instanceof CommandBuffer) return 0;
  if (object instanceof Executable) return 1;
  if (object instanceof GpuBuffer) return 3;
  return 2;
}
