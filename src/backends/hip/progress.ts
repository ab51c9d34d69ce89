/**
 * The poll cadence and the timers of the hip driver.
 *
 * Completion is learned by querying events between `nextProgress()` ticks. A tick is a setImmediate while work
 * has been completing recently (a launch + event-poll round trip is a few microseconds), backing off to short
 * timers once nothing has completed for a while, so an idle wait on a long kernel does not spin a core.
 */
import type { DriverTimer } from '../../core/driver.js';

/**
 * How long after the last observed completion ticks stay setImmediate (a few µs each). Time-based rather than a
 * tick count so that work of a few milliseconds (a 1 GiB copy) is still seen the moment it completes; a timer tick
 * costs at least 1 ms of latency.
 */
const EAGER_WINDOW_MS = 10;
/** The longest timer tick while nothing completes, in milliseconds. */
const MAX_BACKOFF_MS = 4;
/** Idle time over which the timer tick grows from 1 ms to MAX_BACKOFF_MS. */
const BACKOFF_RAMP_MS = 100;

/** How the next poll tick waits: a setImmediate, or a setTimeout of `ms` milliseconds. */
export type PollTick = { readonly mechanism: 'immediate' } | { readonly mechanism: 'timeout'; readonly ms: number };

const IMMEDIATE: PollTick = { mechanism: 'immediate' };

export class PollBackoff {
  private idleSince: number | undefined;

  /** `clock`: milliseconds on a monotonic clock (injectable so the cadence can be tested on fake time). */
  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** Something completed: poll eagerly again. */
  noteCompletion(): void {
    this.idleSince = undefined;
  }

  /** Chooses the next tick; idle time counts from the first tick after the last completion. */
  nextTick(): PollTick {
    const now = this.clock();
    this.idleSince ??= now;
    const idle = now - this.idleSince;
    if (idle < EAGER_WINDOW_MS) return IMMEDIATE;
    const ms = Math.min(MAX_BACKOFF_MS, 1 + Math.floor(((idle - EAGER_WINDOW_MS) / BACKOFF_RAMP_MS) * (MAX_BACKOFF_MS - 1)));
    return { mechanism: 'timeout', ms };
  }

  next(): Promise<void> {
    const tick = this.nextTick();
    if (tick.mechanism === 'immediate') return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => setTimeout(resolve, tick.ms));
  }
}

/** Real nanoseconds on a monotonic clock. */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

/** The longest delay setTimeout honours (a signed 32-bit count of ms, about 24.8 days). */
const MAX_TIMEOUT_DELAY_MS = 2 ** 31 - 1;

export class TimerEntry {
  handle: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Timers on bigint nanosecond deadlines. setTimeout has millisecond granularity and may fire early by a fraction
 * of one, so a timer that fires before its deadline re-arms for the remainder. Callbacks always run from the event
 * loop, never inside setTimer. A cleared timer holds no handle, so it never keeps the process alive.
 */
export class DeadlineTimers {
  private readonly live = new Set<TimerEntry>();

  get count(): number {
    return this.live.size;
  }

  set(deadline: bigint, callback: () => void): DriverTimer {
    const entry = new TimerEntry();
    const delayMs = (): number => {
      const remainingNs = deadline - nowNs();
      // setTimeout turns a delay past 2^31 - 1 ms into 1 ms; a far deadline re-arms in steps of the largest delay.
      return remainingNs <= 0n ? 0 : Math.min(MAX_TIMEOUT_DELAY_MS, Math.ceil(Number(remainingNs) / 1e6));
    };
    const fire = (): void => {
      if (deadline > nowNs()) {
        entry.handle = setTimeout(fire, delayMs());
        return;
      }
      entry.handle = undefined;
      this.live.delete(entry);
      callback();
    };
    entry.handle = setTimeout(fire, delayMs());
    this.live.add(entry);
    return entry as unknown as DriverTimer;
  }

  /** Idempotent; harmless after the timer fired. Returns false for a value that is not one of these timers. */
  clear(timer: DriverTimer): boolean {
    const entry = timer as unknown as TimerEntry;
    if (!(entry instanceof TimerEntry)) return false;
    if (entry.handle !== undefined) clearTimeout(entry.handle);
    entry.handle = undefined;
    this.live.delete(entry);
    return true;
  }

  clearAll(): void {
    for (const entry of this.live) if (entry.handle !== undefined) clearTimeout(entry.handle);
    this.live.clear();
  }
}
