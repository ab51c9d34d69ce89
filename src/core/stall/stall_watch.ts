/**
 * What a device has outstanding on the host side: semaphore waits (`semaphore.wait`, `device.waitSemaphores`) and
 * queue promises (`queue.read`, `device.upload`/`download`) not yet settled. A device is listed with the process's
 * stall watchdog (stall_watchdog.ts) exactly while it has something outstanding, so the watchdog holds no device
 * that nobody waits on.
 */
import type { HalError } from '../errors.js';
import type { SemaphoreValue, WaitMode } from '../semaphore/host_wait.js';
import { stallWatchdog } from './stall_watchdog.js';

/** One host wait that has not settled yet. */
export interface OutstandingHostWait {
  readonly mode: WaitMode;
  /** Every entry of the wait, reached or not. */
  readonly entries: readonly SemaphoreValue[];
  /** A timeout is armed: the driver's clock will settle it, so it is never stalled. */
  readonly timed: boolean;
  /** Settles the wait with `error` (it removes itself from the watch). */
  settle(error: HalError): void;
}

/** What a watched device does when the process is about to exit with something outstanding. */
export interface StallSettler {
  settleStall(): void;
}

export class StallWatch {
  readonly hostWaits = new Set<OutstandingHostWait>();
  /** Pending or in-flight queue operations whose promise the host may await (reads, uploads). */
  private promises = 0;

  constructor(private readonly device: StallSettler) {}

  get outstanding(): number {
    return this.hostWaits.size + this.promises;
  }

  addHostWait(wait: OutstandingHostWait): void {
    this.hostWaits.add(wait);
    this.changed();
  }

  removeHostWait(wait: OutstandingHostWait): void {
    if (this.hostWaits.delete(wait)) this.changed();
  }

  promiseStarted(): void {
    this.promises++;
    this.changed();
  }

  promiseSettled(): void {
    this.promises--;
    this.changed();
  }

  private changed(): void {
    if (this.outstanding > 0) stallWatchdog.watch(this.device);
    else stallWatchdog.unwatch(this.device);
  }
}
