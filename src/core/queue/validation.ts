/**
 * Argument checks for queue operations. Each throws a HalError whose message names the operation, the field and
 * the offending value, and none of them changes anything: an operation validates everything before it captures or
 * submits (docs/design.md rule 10).
 */
import { GpuBuffer, BufferUsage } from '../gpu_buffer.js';
import type { DeviceContext } from '../device_context.js';
import { invalidArgument } from '../errors.js';
import { KnownFields } from '../fields.js';
import { copyHostBytes } from '../host_bytes.js';
import type { SemaphoreValue } from '../semaphore/host_wait.js';
import { MAX_PAYLOAD, checkPayload } from '../semaphore/payload.js';
import { checkObject, describe, nonNegativeInteger } from '../validation.js';
import { Semaphore, type SemaphoreOwner } from '../semaphore/semaphore.js';
import { EMPTY_SYNC, type SyncList } from '../scheduler/sync_list.js';


/** A queue operation's integer fields (offsets, lengths). */
export const checkInteger = nonNegativeInteger;

export { checkObject };

const NO_SEMAPHORES: readonly SemaphoreValue[] = Object.freeze([]);

/** Validates a wait or signal list and returns a private copy (later edits by the caller change nothing). */
export function checkSemaphoreList(what: string, list: unknown, owner: SemaphoreOwner): readonly SemaphoreValue[] {
  if (list === undefined) return NO_SEMAPHORES;
  checkListShape(what, list);
  const copy: SemaphoreValue[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    copy[i] = { semaphore: checkEntrySemaphore(what, i, entry, owner), value: checkEntryValue(what, i, entry) };
  }
  return copy;
}

/**
 * Validates a queue operation's wait and signal lists and copies them into one flat SyncList (later edits by the
 * caller change nothing). Runs on every queue operation: plain loops, one allocation.
 */
export function checkSyncList(waitsWhat: string, waits: unknown, signalsWhat: string, signals: unknown, owner: SemaphoreOwner): SyncList {
  if (waits === undefined && signals === undefined) return EMPTY_SYNC;
  if (waits !== undefined) checkListShape(waitsWhat, waits);
  if (signals !== undefined) checkListShape(signalsWhat, signals);
  const waitCount = waits === undefined ? 0 : waits.length;
  const signalCount = signals === undefined ? 0 : signals.length;
  const list: (number | Semaphore | bigint)[] = new Array(1 + 2 * (waitCount + signalCount));
  list[0] = waitCount;
  let at = 1;
  for (let i = 0; i < waitCount; i++) {
    const entry = waits![i];
    list[at++] = checkEntrySemaphore(waitsWhat, i, entry, owner);
    list[at++] = checkEntryValue(waitsWhat, i, entry);
  }
  for (let i = 0; i < signalCount; i++) {
    const entry = signals![i];
    list[at++] = checkEntrySemaphore(signalsWhat, i, entry, owner);
    list[at++] = checkEntryValue(signalsWhat, i, entry);
  }
  return list;
}

function checkListShape(what: string, list: unknown): asserts list is readonly unknown[] {
  if (!Array.isArray(list)) throw invalidArgument(`${what} must be an array of { semaphore, value } (got ${describe(list)})`);
}

const SEMAPHORE_VALUE_FIELDS = new KnownFields(['semaphore', 'value']);

function checkEntrySemaphore(what: string, i: number, entry: unknown, owner: SemaphoreOwner): Semaphore {
  const semaphore = checkObject<{ semaphore?: unknown }>(`${what}[${i}]`, entry, SEMAPHORE_VALUE_FIELDS).semaphore;
  if (!(semaphore instanceof Semaphore)) {
    throw invalidArgument(`${what}[${i}].semaphore must be a Semaphore (got ${describe(semaphore)})`);
  }
  if (semaphore.owner !== owner) {
    throw invalidArgument(`${what}[${i}].semaphore ${semaphore.label} belongs to another device (${semaphore.owner.context.label})`);
  }
  if (semaphore.destroyed) semaphore.assertAlive(`use ${what}[${i}].semaphore`);
  return semaphore;
}

/** The entry's value (its semaphore was checked first, so the entry is an object). */
function checkEntryValue(what: string, i: number, entry: unknown): bigint {
  const value = (entry as { value?: unknown }).value;
  return typeof value === 'bigint' && value >= 0n && value <= MAX_PAYLOAD ? value : checkPayload(`${what}[${i}].value`, value);
}

const usageNames: Record<number, string> = {
  [BufferUsage.TRANSFER_SOURCE]: 'TRANSFER_SOURCE',
  [BufferUsage.TRANSFER_TARGET]: 'TRANSFER_TARGET',
  [BufferUsage.DISPATCH_STORAGE]: 'DISPATCH_STORAGE',
};

/** A live buffer of this device with `usage`. */
export function checkBuffer(what: string, value: unknown, context: DeviceContext, usage: number): GpuBuffer {
  if (!(value instanceof GpuBuffer)) throw invalidArgument(`${what} must be a GpuBuffer (got ${describe(value)})`);
  value.assertUsableOn(context, what);
  if ((value.usage & usage) !== usage) {
    throw invalidArgument(`${what} ${value.label} lacks usage ${usageNames[usage] ?? usage} (its usage is ${value.usage})`);
  }
  return value;
}

/** Bytes to upload, copied now so the caller may reuse its array at once (rule 6). */
export const copyBytes = copyHostBytes;
