/**
 * A queue operation's wait and signal lists, validated and copied into one flat array:
 *
 *   [waitCount, waitSemaphore0, waitValue0, …, signalSemaphore0, signalValue0, …]
 *
 * Thousands of submissions may be pending at once (wait-before-signal in reverse dependency order). As two arrays of
 * `{ semaphore, value }` entries, one wait and one signal cost four objects (about 190 bytes) per submission; this is
 * one (about 80 bytes), which keeps what the garbage collector must copy and promote per pending submission small.
 */
import type { HalError } from '../errors.js';
import type { SemaphoreValue } from '../semaphore/host_wait.js';
import type { Semaphore } from '../semaphore/semaphore.js';

export type SyncList = readonly (number | Semaphore | bigint)[];

/** No waits and no signals. */
export const EMPTY_SYNC: SyncList = Object.freeze([0]);

/** Index one past the last wait entry (where the signals start): the one definition, used by the scheduler too. */
export function signalsStart(list: SyncList): number {
  return 1 + 2 * (list[0] as number);
}

/** The failure of the first wait semaphore that has failed, if any (rule 5: such a submission never runs). */
export function failedWait(list: SyncList): HalError | undefined {
  const end = signalsStart(list);
  for (let i = 1; i < end; i += 2) {
    const failure = (list[i] as Semaphore).failure;
    if (failure) return failure;
  }
  return undefined;
}

/** The waits as `{ semaphore, value }` entries (for traces and messages, not the hot path). */
export function waitsOf(list: SyncList): SemaphoreValue[] {
  return entries(list, 1, signalsStart(list));
}

/** The signals as `{ semaphore, value }` entries (for traces and messages, not the hot path). */
export function signalsOf(list: SyncList): SemaphoreValue[] {
  return entries(list, signalsStart(list), list.length);
}

function entries(list: SyncList, from: number, to: number): SemaphoreValue[] {
  const out: SemaphoreValue[] = [];
  for (let i = from; i < to; i += 2) out.push({ semaphore: list[i] as Semaphore, value: list[i + 1] as bigint });
  return out;
}
