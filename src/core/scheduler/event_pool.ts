/**
 * A pool of driver events. Every issued submission records one completion event; events are recycled when the
 * submission retires, so steady-state submission creates no driver objects, and `destroyAll()` returns the
 * driver's event count to zero at device teardown (DESIGN.md rule 9).
 */
import type { DriverEvent, GpuDriver } from '../driver.js';

export class EventPool {
  private readonly free: DriverEvent[] = [];

  constructor(
    private readonly driver: GpuDriver,
    /** Free events kept beyond this are destroyed, so a burst does not pin driver objects forever. */
    private readonly maxFree = 1024,
  ) {}

  acquire(): DriverEvent {
    const event = this.free.pop();
    if (event !== undefined) return event;
    return this.driver.eventCreate();
  }

  /** Returns an event whose captured work completed; it will be re-recorded by a later submission. */
  recycle(event: DriverEvent): void {
    if (this.free.length < this.maxFree) this.free.push(event);
    else this.discard(event);
  }

  /** Destroys an event instead of reusing it (e.g. one that captured a fault). */
  discard(event: DriverEvent): void {
    this.driver.eventDestroy(event);
  }

  /**
   * Destroys the free events. Called at teardown after every issued submission was retired or aborted (each
   * returns its event), so the free list then holds every live event.
   */
  destroyAll(): void {
    for (const event of this.free) this.driver.eventDestroy(event);
    this.free.length = 0;
  }
}
