/**
 * The process-wide stall watchdog. In Node, `beforeExit` fires when the event loop has nothing left to run. The core
 * keeps the loop alive while work is in flight (its completion poller) and while a timed wait is armed (a timer), so
 * a device that still has host waits or queue promises outstanding at that moment can never see them settle: no
 * device work will complete and no host code is left to signal. Without the watchdog Node would exit with code 13
 * ("unsettled top-level await") and print nothing; with it, each such device settles everything outstanding with a
 * HalError that explains the stall (stall_diagnosis.ts), and the program's own error handling runs.
 *
 * In a browser there is no such moment; `device.diagnoseStall()` gives the same diagnosis on demand.
 */
import type { StallSettler } from './stall_watch.js';

class StallWatchdog {
  private readonly watched = new Set<StallSettler>();
  private hooked = false;

  watch(device: StallSettler): void {
    if (this.watched.has(device)) return;
    this.watched.add(device);
    this.hook();
  }

  unwatch(device: StallSettler): void {
    this.watched.delete(device);
  }

  /** Devices with something outstanding (tests). */
  get size(): number {
    return this.watched.size;
  }

  private hook(): void {
    if (this.hooked) return;
    const process = (globalThis as { process?: { on?: (event: string, listener: () => void) => unknown } }).process;
    if (typeof process?.on !== 'function') return;
    this.hooked = true;
    // A beforeExit listener does not keep the process alive; settling schedules the program's handlers, after
    // which the loop empties again and Node exits as usual.
    process.on('beforeExit', () => {
      for (const device of [...this.watched]) device.settleStall();
    });
  }
}

export const stallWatchdog = new StallWatchdog();
