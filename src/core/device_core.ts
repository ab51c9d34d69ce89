/**
 * `DeviceCore`: what the objects of a device see of it — the DeviceContext seam, the scheduler, its driver streams,
 * object tracking for teardown, memory reclaim (memory_reclaim.ts) and device-lost bookkeeping. Keeping it apart
 * from the public `Device` facade (device.ts) keeps scheduler plumbing out of the public surface.
 */
import type { RaceChecker } from './check/race_checker.js';
import type { CommandBufferMode, DeviceContext, DeviceLimits } from './device_context.js';
import type { DevicePtr, DriverStream, GpuDriver } from './driver.js';
import { HalError, StatusCode, failedPrecondition } from './errors.js';
import type { HalObject } from './lifetime.js';
import { DeferredFrees } from './memory_reclaim.js';
import type { QueueHost } from './queue/queue.js';
import { Scheduler, type SchedulerHost } from './scheduler/scheduler.js';
import type { Semaphore } from './semaphore/semaphore.js';
import type { MemoryTraceRecorder } from '../trace/recorder.js';
import { StallWatch } from './stall/stall_watch.js';
import { settleDeviceStall } from './stall/device_stall.js';

/** Limits every backend reports at least (docs/design.md, rule 8). */
const CORE_LIMITS = { maxDescriptorSets: 4, maxBindingsPerSet: 16, maxPushConstants: 64 } as const;

export class DeviceCore implements DeviceContext, QueueHost, SchedulerHost {
  readonly driver: GpuDriver;
  readonly limits: DeviceLimits;
  readonly commandBufferMode: CommandBufferMode;
  readonly label: string;
  readonly scheduler: Scheduler;
  /** `streams[q]`: queue q's driver streams. */
  readonly streams: readonly (readonly DriverStream[])[];
  /** Objects to free at teardown; each removes itself when freed normally. */
  readonly objects = new Set<HalObject>();
  /** Semaphores to fail at teardown (so no wait hangs); removed when freed. */
  readonly semaphores = new Set<Semaphore>();
  /** Buffer memory released while work was in flight, and when it is freed. */
  readonly deferredFrees: DeferredFrees;
  destroyed = false;
  lost: HalError | undefined;
  /** Set when the device was created with `trace: true`. */
  trace: MemoryTraceRecorder | undefined;
  /** Set when the device was created with `check` (the race checker). */
  checker: RaceChecker | undefined;
  /** Host waits and awaited operations outstanding, watched for a stall at process exit (stall/). */
  readonly stallWatch: StallWatch = new StallWatch({ settleStall: () => settleDeviceStall(this) });
  /** Resolves `device.lost` (the first of: the device is lost, the device is destroyed). */
  private resolveEnded: ((info: DeviceLostInfo) => void) | undefined;
  /** Created on first use of `device.lost`, so devices nobody asks about allocate nothing for it. */
  private endedPromise: Promise<DeviceLostInfo> | undefined;
  private endedInfo: DeviceLostInfo | undefined;

  constructor(driver: GpuDriver, label: string, queueCount: number, streamsPerQueue: number, mode: CommandBufferMode) {
    this.driver = driver;
    this.label = label;
    this.commandBufferMode = mode;
    const d = driver.info.limits;
    this.limits = Object.freeze({
      ...CORE_LIMITS,
      maxWorkgroupInvocations: d.maxWorkgroupInvocations,
      maxWorkgroupSize: d.maxWorkgroupSize,
      maxWorkgroupCount: d.maxWorkgroupCount,
      maxSharedMemoryBytes: d.maxSharedMemoryBytes,
      maxBufferBytes: driver.info.totalMemoryBytes,
    });
    const streams: DriverStream[][] = [];
    try {
      for (let q = 0; q < queueCount; q++) {
        const queueStreams: DriverStream[] = [];
        streams.push(queueStreams);
        for (let i = 0; i < streamsPerQueue; i++) queueStreams.push(driver.streamCreate());
      }
    } catch (error) {
      for (const stream of streams.flat()) driver.streamDestroy(stream);
      throw error;
    }
    this.streams = streams;
    this.scheduler = new Scheduler(this, streams);
    this.deferredFrees = new DeferredFrees(this);
  }

  get context(): DeviceContext {
    return this;
  }

  assertUsable(use: string): void {
    if (this.lost) throw this.lost;
    if (this.destroyed) throw failedPrecondition(`cannot ${use}: device ${this.label} was destroyed`);
  }

  batch(fn: () => void): void {
    this.scheduler.batch(fn);
  }

  track(object: HalObject): void {
    this.objects.add(object);
    object.setFreedCallback(() => this.objects.delete(object));
  }

  trackSemaphore(semaphore: Semaphore): void {
    this.semaphores.add(semaphore);
    semaphore.setFreedCallback(() => this.semaphores.delete(semaphore));
  }

  /** Frees a buffer's memory once its last reference went (memory_reclaim.ts says when it reaches the driver). */
  freeMemory(ptr: DevicePtr, byteLength: number, stream?: DriverStream): void {
    // Every submission that used the memory has finished: its access history ends here, before the address can
    // come back for another allocation.
    this.checker?.memoryFreed(ptr);
    this.deferredFrees.free(ptr, byteLength, stream);
  }

  retryAfterReclaim<T>(allocate: () => T): T {
    return this.deferredFrees.retryAfterReclaim(allocate);
  }

  /** A polling round left nothing in flight: memory whose free was deferred can go now. */
  idle(): void {
    this.deferredFrees.freeWhenIdle();
  }

  driverFailure(error: unknown, call: string): HalError {
    const failure = HalError.is(error)
      ? error
      : new HalError(StatusCode.INTERNAL, `${call}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    const lost = this.driver.lostError?.();
    if (lost && !this.lost) this.markLost(lost);
    return failure;
  }

  progressFailed(error: unknown): void {
    const failure = HalError.is(error)
      ? error
      : new HalError(StatusCode.INTERNAL, `waiting for device progress failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    this.markLost(this.driver.lostError?.() ?? failure);
  }

  /** The promise behind `device.lost`. */
  get ended(): Promise<DeviceLostInfo> {
    this.endedPromise ??= this.endedInfo !== undefined
      ? Promise.resolve(this.endedInfo)
      : new Promise<DeviceLostInfo>((resolve) => (this.resolveEnded = resolve));
    return this.endedPromise;
  }

  /** Settles `device.lost` once: later calls (a destroy after a loss) change nothing. */
  markEnded(info: DeviceLostInfo): void {
    if (this.endedInfo !== undefined) return;
    this.endedInfo = Object.freeze(info);
    this.resolveEnded?.(this.endedInfo);
  }

  /** Device lost: everything pending or in flight fails with the error, and so does every later call. */
  markLost(error: HalError): void {
    if (this.lost || this.destroyed) return;
    this.lost = error;
    this.markEnded({ reason: 'lost', message: error.message, error });
    this.scheduler.abortAll(error, error);
    this.batch(() => {
      for (const semaphore of this.semaphores) semaphore.failWith(error);
    });
  }
}

/** What `device.lost` resolves with. */
export interface DeviceLostInfo {
  /** 'lost': the driver reported a sticky failure; 'destroyed': destroy() or disposal ended the device. */
  readonly reason: 'lost' | 'destroyed';
  readonly message: string;
  /** The device-lost error ('lost' only). */
  readonly error?: HalError;
}
