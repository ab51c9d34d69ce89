/**
 * A pool of driver events. Every issued submission records one completion event; events are recycled when the
 * submission retires, so steady-state submission creates no driver objects, and `destroyAll()` returns the
 * driver's event count to zero at device teardown (docs/design.md rule 9).
 *
 * How many free events are kept follows the work: at least `minFree`, and as many as a recent burst had in flight,
 * so a program that keeps 10,000 submissions in flight reuses its events instead of destroying and re-creating
 * thousands per burst. Each time the device drains (nothing in use), the allowance moves toward that burst's peak
 * — at once when it was larger, by an eighth of the excess when smaller — and free events beyond it are destroyed:
 * a one-off burst gives its events back over the next bursts instead of pinning them forever.
 */
import type { DriverEvent, GpuDriver } from '../driver.js';

export class EventPool {
  private readonly free: DriverEvent[] = [];
  /** Events handed out and not yet returned. */
  private inUse = 0;
  /** The most events in use at once since the device last drained. */
  private peak = 0;
  /** Free events kept (never below `minFree`). */
  private keep: number;

  constructor(
    private readonly driver: GpuDriver,
    private readonly minFree = 1024,
  ) {
    this.keep = minFree;
  }

  acquire(): DriverEvent {
    const event = this.free.pop() ?? this.driver.eventCreate();
    if (++this.inUse > this.peak) this.peak = this.inUse;
    return event;
  }

  /** Returns an event whose captured work completed; it will be re-recorded by a later submission. */
  recycle(event: DriverEvent): void {
    if (this.free.length < Math.max(this.keep, this.peak)) this.free.push(event);
    else this.driver.eventDestroy(event);
    this.returned();
  }

  /** Destroys an event instead of reusing it (e.g. one that captured a fault). */
  discard(event: DriverEvent): void {
    this.driver.eventDestroy(event);
    this.returned();
  }

  /**
   * Destroys the free events. Called at teardown after every issued submission was retired or aborted (each
   * returns its event), so the free list then holds every live event.
   */
  destroyAll(): void {
    for (const event of this.free) this.driver.eventDestroy(event);
    this.free.length = 0;
  }

  private returned(): void {
    if (--this.inUse > 0) return;
    // Drained: adapt the allowance to the burst that just ended, then trim.
    const peak = this.peak;
    this.keep = Math.max(this.minFree, peak >= this.keep ? peak : this.keep - ((this.keep - peak) >> 3));
    this.peak = 0;
    while (this.free.length > this.keep) this.driver.eventDestroy(this.free.pop()!);
  }
}
