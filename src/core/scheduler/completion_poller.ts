/**
 * One completion poller per device (docs/design.md: record an event and poll it, never host-function callbacks,
 * which hop threads, deadlock a blocked main thread and can crash at exit). While submissions are in flight it runs a polling round, then awaits the driver's
 * `nextProgress()` (a modelled device's next completion, or a real driver's next poll tick) and repeats; it stops
 * when nothing is in flight, so an idle device keeps no timers alive.
 */
import type { GpuDriver } from '../driver.js';

export class CompletionPoller {
  private running = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly driver: GpuDriver,
    /** Runs one polling round; returns true while work is still in flight. */
    private readonly pollRound: () => boolean,
    /** Called if waiting for progress itself fails (the driver is unusable). */
    private readonly onFatal: (error: unknown) => void,
  ) {}

  /** Starts the loop if it is not running (called after every issue). */
  kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.loop();
  }

  /** Resolves once a polling round finds nothing in flight (or the poller is stopped). */
  whenIdle(): Promise<void> {
    if (!this.running || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.settleIdle();
  }

  private async loop(): Promise<void> {
    try {
      // The first round runs after the current synchronous code: a queue call never retires work (and runs its
      // completion side effects) inside itself, even when the device finished it already (a GPU often has).
      await undefined;
      while (!this.stopped && this.pollRound()) await this.driver.nextProgress();
    } catch (error) {
      if (!this.stopped) this.onFatal(error);
    } finally {
      this.running = false;
      this.settleIdle();
    }
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
