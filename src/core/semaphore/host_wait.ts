/**
 * Host waits on semaphores (docs/design.md rules 1 and 3): `semaphore.wait` and `device.waitSemaphores`.
 *
 * A wait registers one waiter per unreached entry and settles once — on the value, on a failure, or on the
 * timeout. Timeouts use the driver's clock (`setTimer`), so they are virtual and deterministic on a driver with a virtual clock.
 * Waits never change semaphore values, and settling removes every registration it made ("any" leaves the other
 * semaphores exactly as they were).
 */
import type { DriverTimer } from '../driver.js';
import { HalError, StatusCode, invalidArgument } from '../errors.js';
import { checkObject, describe } from '../validation.js';
import type { Semaphore, SemaphoreOwner } from './semaphore.js';
import { KnownFields } from '../fields.js';
import type { OutstandingHostWait } from '../stall/stall_watch.js';

export interface WaitOptions {
  /**
   * Milliseconds of driver time (virtual time with a virtual clock). 0 polls; omitted or Infinity waits forever,
   * and so does any timeout whose deadline lies beyond the driver clock's range (2^53 ns, about 104 days).
   */
  readonly timeoutMs?: number;
  /**
   * Abandons the wait when aborted: the promise rejects with `signal.reason` (as fetch and Node's timers do) and
   * the semaphores are left as they are. An already-aborted signal rejects at once.
   */
  readonly signal?: AbortSignal;
}

/** Validates `options.signal`; returns it, or undefined when none was given. */
function checkSignal(field: string, options: WaitOptions | undefined): AbortSignal | undefined {
  const signal = options?.signal;
  if (signal === undefined) return undefined;
  const looksLikeSignal = signal !== null && typeof signal === 'object' && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function';
  if (!looksLikeSignal) throw invalidArgument(`${field}.signal must be an AbortSignal (got ${describe(signal)})`);
  return signal;
}

export type WaitMode = 'all' | 'any';

/** What `WaitOptions` may carry; anything else is a misspelling (a silently ignored timeout would hang). */
const WAIT_OPTION_FIELDS = new KnownFields(['timeoutMs', 'signal']);

export interface SemaphoreValue {
  readonly semaphore: Semaphore;
  readonly value: bigint;
}

/** Validates `options.timeoutMs`; returns it in nanoseconds, or undefined for "forever". */
function checkTimeout(field: string, options: WaitOptions | undefined): bigint | undefined {
  if (options === undefined) return undefined;
  checkObject(field, options, WAIT_OPTION_FIELDS);
  const ms = options.timeoutMs;
  if (ms === undefined || ms === Number.POSITIVE_INFINITY) return undefined;
  if (typeof ms !== 'number' || !(ms >= 0)) {
    throw invalidArgument(`${field}.timeoutMs must be a non-negative number of milliseconds (got ${describe(ms)})`);
  }
  const ns = Math.round(ms * 1e6);
  // Past Number's range in ns: far beyond any driver clock, so no timeout at all.
  return Number.isFinite(ns) ? BigInt(ns) : undefined;
}

/**
 * Waits for `all` or `any` of the (already validated) entries. Resolves at once for an empty list.
 * A failed entry rejects with its failure in both modes. `optionsField` names `options` in validation errors.
 */
export function waitForSemaphores(
  owner: SemaphoreOwner,
  mode: WaitMode,
  entries: readonly SemaphoreValue[],
  options: WaitOptions | undefined,
  optionsField = 'wait options',
): Promise<void> {
  const timeoutNs = checkTimeout(optionsField, options);
  const signal = checkSignal(optionsField, options);
  if (signal?.aborted === true) return Promise.reject(signal.reason);
  if (entries.length === 0) return Promise.resolve();
  const trace = owner.trace;
  // A token only while tracing: with tracing off the wait allocates nothing for it.
  const token = trace ? {} : undefined;
  trace?.hostWaitBegin(token!, { mode, targets: entries, timeout: timeoutNs ?? null });
  let unreached = 0;
  for (const { semaphore, value } of entries) {
    if (semaphore.failure) {
      trace?.hostWaitEnd(token!, 'failed', semaphore.failure);
      return Promise.reject(semaphore.failure);
    }
    if (semaphore.currentValue < value) unreached++;
  }
  if (unreached === 0 || (mode === 'any' && unreached < entries.length)) {
    owner.context.checker?.hostWaited(entries);
    trace?.hostWaitEnd(token!, 'reached');
    return Promise.resolve();
  }
  if (timeoutNs === 0n) {
    const error = deadlineExceeded(mode, entries, 0);
    trace?.hostWaitEnd(token!, 'timeout', error);
    return Promise.reject(error);
  }

  const driver = owner.context.driver;
  return new Promise<void>((resolve, reject) => {
    const cancels: (() => void)[] = [];
    let timer: DriverTimer | undefined;
    let settled = false;
    let remaining = mode === 'all' ? unreached : 1;
    const held: Semaphore[] = [];
    const watch = owner.stallWatch;
    const outstanding: OutstandingHostWait = { mode, entries, timed: timeoutNs !== undefined, settle: (error) => settle(error, 'failed') };
    // `error` is a HalError, or an abort signal's reason, which may be anything.
    const settle = (error: unknown, outcome: 'reached' | 'failed' | 'timeout'): void => {
      if (settled) return;
      settled = true;
      watch?.removeHostWait(outstanding);
      for (const cancel of cancels) cancel();
      for (const semaphore of held) semaphore.release();
      if (timer !== undefined) driver.clearTimer(timer);
      if (outcome === 'reached') owner.context.checker?.hostWaited(entries);
      trace?.hostWaitEnd(token!, outcome, error);
      if (outcome !== 'reached') reject(error);
      else resolve();
    };
    // The timer first: if the driver refuses it, nothing has been registered yet (rule 10).
    if (timeoutNs !== undefined) {
      const ms = Number(timeoutNs) / 1e6;
      timer = driver.setTimer(driver.now() + timeoutNs, () => {
        timer = undefined; // a fired timer is gone; clearing it again is unnecessary
        settle(deadlineExceeded(mode, entries, ms), 'timeout');
      });
    }
    if (signal !== undefined) {
      const onAbort = (): void => settle(signal.reason, 'failed');
      signal.addEventListener('abort', onAbort, { once: true });
      cancels.push(() => signal.removeEventListener('abort', onAbort));
    }
    for (const { semaphore, value } of entries) {
      if (semaphore.currentValue >= value) continue;
      // Held while waiting, so a semaphore the user destroys stays known to its device, whose teardown then
      // fails it and rejects this wait instead of leaving it pending forever.
      semaphore.retain();
      held.push(semaphore);
      cancels.push(
        semaphore.addHostWaiter(value, (error) => {
          if (error) settle(error, 'failed');
          else if (--remaining === 0) settle(undefined, 'reached');
        }),
      );
    }
    watch?.addHostWait(outstanding);
  });
}

function deadlineExceeded(mode: WaitMode, entries: readonly SemaphoreValue[], ms: number): HalError {
  const what = entries
    .map(({ semaphore, value }) => `${semaphore.label} ≥ ${value}n (now ${semaphore.currentValue}n)`)
    .join(mode === 'all' ? ' and ' : ' or ');
  return new HalError(StatusCode.DEADLINE_EXCEEDED, `wait for ${what} ${ms === 0 ? 'not reached (poll)' : `timed out after ${ms} ms`}`);
}
