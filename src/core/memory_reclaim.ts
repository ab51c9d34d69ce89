/**
 * Deferred frees and memory reclaim: when buffer memory released by the core goes back to the driver.
 *
 * A buffer's memory (createBuffer and alloca alike) is released once its last reference went, i.e. after every
 * submission that used it completed. A synchronous free is then safe, but on a GPU cuMemFree / hipFree may
 * implicitly synchronize the device: called from retire while other work runs, it would stall the completion
 * poller (and the JS thread) until that work finished. So while anything is in flight the free is deferred, and
 * deferred frees are done when a polling round finds nothing in flight (`freeWhenIdle`), when their total passes
 * `limitBytes` (a synchronous free while work runs: the accepted cost under memory pressure, bounded so a pipeline
 * that is never idle does not keep every freed buffer), when an allocation would otherwise fail
 * (`retryAfterReclaim`), and at teardown (`freeAll`). Only memory whose stream-ordered allocation may not have run
 * yet (an alloca that never completed: `stream` given) is freed with memFreeAsync on that stream, ordered after the
 * allocation; a synchronous free could overtake it. Other frees stay synchronous because a modelled device may count
 * memory with a queued stream-ordered free as live until its stream reaches it.
 */
import type { DevicePtr, DriverStream, GpuDriver } from './driver.js';
import { HalError, StatusCode } from './errors.js';
import { ignoreErrors } from '../util/ignore_errors.js';

/** What the reclaim policy needs to know about its device. */
export interface ReclaimHost {
  readonly driver: GpuDriver;
  /** The sticky device-lost error, once there is one: frees are then never deferred. */
  readonly lost: HalError | undefined;
  /** `inFlightCount`: submissions issued to the driver and not yet retired. */
  readonly scheduler: { readonly inFlightCount: number };
  /** Turns a failed driver call into the HalError to report, noticing a lost device on the way. */
  driverFailure(error: unknown, call: string): HalError;
}

/** Memory released while work was in flight; `stream`: free it stream-ordered there. */
interface DeferredFree {
  readonly ptr: DevicePtr;
  readonly byteLength: number;
  readonly stream: DriverStream | undefined;
}

export class DeferredFrees {
  /** Past this many deferred bytes, deferred frees are done at once even with work in flight: 1/8 of device memory. */
  readonly limitBytes: number;
  /**
   * Set by the device's destroy() until the driver quiesced: memory released meanwhile may still be in use by work
   * the core has aborted but a real GPU still runs.
   */
  tearingDown = false;
  private entries: DeferredFree[] = [];
  /** Bytes in `entries` deferred while work was in flight (those deferred during teardown are not counted). */
  private bytes = 0;

  constructor(private readonly host: ReclaimHost) {
    this.limitBytes = Math.floor(host.driver.info.totalMemoryBytes / 8);
  }

  /** Memory currently waiting to be freed. */
  get count(): number {
    return this.entries.length;
  }

  /** Returns `ptr` to the driver now, or later if work in flight could still touch it (see the file header). */
  free(ptr: DevicePtr, byteLength: number, stream?: DriverStream): void {
    const host = this.host;
    // While tearing down, work aborted in the core's books may still run on a real GPU until the driver quiesces:
    // frees wait for destroy()'s freeAll, which comes after quiesce().
    if (host.lost === undefined && this.tearingDown) {
      this.entries.push({ ptr, byteLength, stream });
      return;
    }
    if (stream !== undefined) {
      host.driver.memFreeAsync(ptr, stream);
    } else if (host.lost === undefined && host.scheduler.inFlightCount !== 0) {
      this.entries.push({ ptr, byteLength, stream });
      this.bytes += byteLength;
      if (this.bytes > this.limitBytes) this.freeWhenIdle();
    } else {
      host.driver.memFree(ptr);
    }
  }

  /**
   * Runs a device allocation; when the driver runs out of memory and deferred frees exist, they are freed and the
   * allocation is tried once more.
   */
  retryAfterReclaim<T>(allocate: () => T): T {
    try {
      return allocate();
    } catch (error) {
      if (!HalError.is(error) || error.code !== StatusCode.RESOURCE_EXHAUSTED || this.entries.length === 0) throw error;
      this.freeAll();
      return allocate();
    }
  }

  /**
   * Frees what was deferred, from a context that has nobody to report to (a polling round, a release). A failure
   * that made the device unusable is already recorded by `driverFailure`; any other failed free is dropped here.
   * That memory may then stay allocated until the device goes away, and no leak check is promised for it: a driver
   * may drop its own record of an allocation before the failing call (the hip driver does), so `outstanding()`
   * need not count it.
   */
  freeWhenIdle(): void {
    if (this.entries.length === 0) return;
    ignoreErrors('a deferred free failed where no caller can be told', () => this.freeAll());
  }

  /** Frees every deferred allocation; the first failure is thrown after the rest were freed. */
  freeAll(): void {
    const entries = this.entries;
    this.entries = [];
    this.bytes = 0;
    let failure: unknown;
    for (const { ptr, stream } of entries) {
      try {
        if (stream !== undefined) this.host.driver.memFreeAsync(ptr, stream);
        else this.host.driver.memFree(ptr);
      } catch (error) {
        failure ??= this.host.driverFailure(error, stream !== undefined ? 'memFreeAsync' : 'memFree');
      }
    }
    if (failure !== undefined) throw failure;
  }
}
