/**
 * Binding tables: the buffers an indirect command buffer's slots stand for, supplied per execute.
 *
 * A command recorded against `{ slot: n }` names "whatever buffer range entry n of the execute's binding table is";
 * its offset and length are relative to that range. The table is checked against the command buffer's capacity at
 * submit time and resolved to device addresses when the work is lowered.
 */
import { GpuBuffer } from '../gpu_buffer.js';
import type { DeviceContext } from '../device_context.js';
import type { DevicePtr } from '../driver.js';
import { invalidArgument } from '../errors.js';
import { describe } from '../validation.js';
import { KnownFields, checkKnownFields } from '../fields.js';

export interface BindingTableEntry {
  readonly buffer: GpuBuffer;
  /** Start of the range within the buffer (0 when omitted). */
  readonly offset?: number;
  /** Length of the range (the rest of the buffer when omitted). */
  readonly length?: number;
}

export type BindingTable = readonly BindingTableEntry[];

/** A reference to binding-table entry `slot`, used where a command would take a buffer. */
export interface BindingSlot {
  readonly slot: number;
}

export type BufferOrSlot = GpuBuffer | BindingSlot;

/** One table entry after validation: the buffer range as absolute device addresses. */
export interface ResolvedEntry {
  readonly buffer: GpuBuffer;
  /** Offset of the range within `buffer`. */
  readonly offset: number;
  readonly length: number;
  readonly ptr: DevicePtr;
}

const TABLE_ENTRY_FIELDS = new KnownFields(['buffer', 'offset', 'length']);

/**
 * Validates `table` for a command buffer of `capacity` slots and resolves every entry. The table must have exactly
 * `capacity` entries (a command buffer without slots takes no table, or an empty one).
 */
export function resolveBindingTable(
  context: DeviceContext,
  table: BindingTable | undefined,
  capacity: number,
  owner: string,
): readonly ResolvedEntry[] {
  if (table === undefined) {
    if (capacity > 0) throw invalidArgument(`bindingTable is missing; ${owner} has ${capacity} binding slots to fill`);
    return [];
  }
  if (!Array.isArray(table)) throw invalidArgument(`bindingTable must be an array (got ${describe(table)})`);
  if (table.length !== capacity) {
    throw invalidArgument(`bindingTable has ${table.length} entries; ${owner} has ${capacity} binding slots`);
  }
  return table.map((entry: unknown, i): ResolvedEntry => {
    if (entry === null || typeof entry !== 'object' || !((entry as BindingTableEntry).buffer instanceof GpuBuffer)) {
      throw invalidArgument(`bindingTable[${i}].buffer must be a GpuBuffer (got ${describe((entry as BindingTableEntry | null)?.buffer)})`);
    }
    checkKnownFields(`bindingTable[${i}]`, entry, TABLE_ENTRY_FIELDS);
    const { buffer } = entry as BindingTableEntry;
    buffer.assertUsableOn(context, `bindingTable[${i}].buffer`);
    const offset = (entry as BindingTableEntry).offset ?? 0;
    // Checked before the default length is computed from it (arithmetic on a Symbol would throw a TypeError).
    buffer.checkRange(`bindingTable[${i}]`, offset, 0);
    const length = (entry as BindingTableEntry).length ?? buffer.byteLength - offset;
    buffer.checkRange(`bindingTable[${i}]`, offset, length);
    return { buffer, offset, length, ptr: buffer.devicePtr + offset };
  });
}

/**
 * Resolves a table that `resolveBindingTable` already accepted, without the liveness checks: a submission retains
 * its table's buffers, so they stay valid after the user destroys them (rule 6).
 */
export function resolveCapturedTable(table: BindingTable | undefined): readonly ResolvedEntry[] {
  if (table === undefined) return [];
  return table.map(({ buffer, offset = 0, length }) => ({
    buffer,
    offset,
    length: length ?? buffer.byteLength - offset,
    ptr: buffer.devicePtr + offset,
  }));
}

/**
 * A cache key for a resolved table. The lowered work depends on the addresses and lengths, but the key also names
 * each buffer: a freed buffer's address can come back for a new buffer, and drivers that track allocations (the
 * modelled device does) rightly refuse work built against the old one.
 */
export function bindingTableKey(entries: readonly ResolvedEntry[]): string {
  let key = '';
  for (const e of entries) key += `${bufferIdentity(e.buffer)}@${e.ptr}+${e.length};`;
  return key;
}

const identities = new WeakMap<GpuBuffer, number>();
let nextIdentity = 1;

function bufferIdentity(buffer: GpuBuffer): number {
  let id = identities.get(buffer);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(buffer, id);
  }
  return id;
}
