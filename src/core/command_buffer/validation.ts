/**
 * Record-time argument checks shared by the command buffer's commands. Every check throws a HalError whose message
 * names the field and the offending value, and none of them changes anything (rule 10).
 */
import { GpuBuffer, BufferUsage } from '../gpu_buffer.js';
import type { DeviceContext } from '../device_context.js';
import { invalidArgument, outOfRange } from '../errors.js';
import { KnownFields, checkKnownFields } from '../fields.js';
import { copyHostBytes } from '../host_bytes.js';
import { describe, nonNegativeInteger } from '../validation.js';
import type { BufferOrSlot } from './binding_table.js';
import type { BufferRef, RangeRef } from './commands.js';

export { nonNegativeInteger } from '../validation.js';

const usageNames: Record<number, string> = {
  [BufferUsage.TRANSFER_SOURCE]: 'TRANSFER_SOURCE',
  [BufferUsage.TRANSFER_TARGET]: 'TRANSFER_TARGET',
  [BufferUsage.DISPATCH_STORAGE]: 'DISPATCH_STORAGE',
};

export function checkUsage(buffer: GpuBuffer, usage: number, what: string): void {
  if ((buffer.usage & usage) !== usage) {
    throw invalidArgument(`${what} ${buffer.label} lacks usage ${usageNames[usage] ?? usage} (its usage is ${buffer.usage})`);
  }
}

/** A binding-table slot use whose range can only be checked once the execute's table is known. */
export interface SlotUse {
  readonly slot: number;
  readonly offset: number;
  /** undefined: to the end of the table entry. */
  readonly length: number | undefined;
  readonly usage: number;
  /**
   * The absolute byte offset must be a multiple of this (fill elements, indirect parameters), and so must the
   * length when it is "the rest of the entry".
   */
  readonly alignment: number;
  /** Names the command and field in submit-time messages, e.g. "command 3 (fill) target". */
  readonly what: string;
}

/**
 * Validates a buffer operand and its range. Buffers are range-checked now (OUT_OF_RANGE); slots must be below the
 * command buffer's capacity now and get a SlotUse to check their range against each execute's table.
 */
export function checkOperand(
  context: DeviceContext,
  bindingCapacity: number,
  operand: BufferOrSlot,
  offset: number,
  length: number | undefined,
  usage: number,
  alignment: number,
  what: string,
): { range: RangeRef; slotUse: SlotUse | undefined } {
  if (operand instanceof GpuBuffer) {
    operand.assertUsableOn(context, what);
    checkUsage(operand, usage, what);
    operand.checkRange(what, offset, length ?? 0);
    if (length === undefined) {
      // "To the end" is resolved now: a buffer's size never changes.
      return { range: { ref: { kind: 'buffer', buffer: operand }, offset, length: operand.byteLength - offset }, slotUse: undefined };
    }
    return { range: { ref: { kind: 'buffer', buffer: operand }, offset, length }, slotUse: undefined };
  }
  if (operand === null || typeof operand !== 'object' || !('slot' in operand)) {
    throw invalidArgument(`${what} must be a GpuBuffer or a binding slot { slot } (got ${describe(operand)})`);
  }
  checkKnownFields(what, operand, SLOT_FIELDS);
  const slot = nonNegativeInteger(`${what} slot`, operand.slot);
  if (slot >= bindingCapacity) {
    throw outOfRange(
      bindingCapacity === 0
        ? `${what} slot ${slot} used, but the command buffer has no binding slots (bindingCapacity 0)`
        : `${what} slot ${slot} is past the command buffer's bindingCapacity of ${bindingCapacity}`,
    );
  }
  const ref: BufferRef = { kind: 'slot', slot };
  return { range: { ref, offset, length }, slotUse: { slot, offset, length, usage, alignment, what } };
}

const SLOT_FIELDS = new KnownFields(['slot']);

/** Copies within one buffer (or one slot) may not overlap. */
export function checkNoOverlap(source: RangeRef, target: RangeRef, length: number, what: string): void {
  if (length === 0) return;
  const same =
    (source.ref.kind === 'buffer' && target.ref.kind === 'buffer' && source.ref.buffer === target.ref.buffer) ||
    (source.ref.kind === 'slot' && target.ref.kind === 'slot' && source.ref.slot === target.ref.slot);
  if (same && rangesOverlap(source.offset, target.offset, length)) {
    throw invalidArgument(
      `${what}: source range [${source.offset}, ${source.offset + length}) overlaps target range ` +
        `[${target.offset}, ${target.offset + length}) in the same ${source.ref.kind === 'slot' ? `slot ${source.ref.slot}` : 'buffer'}`,
    );
  }
}

export function rangesOverlap(a: number, b: number, length: number): boolean {
  return a < b + length && b < a + length;
}

/** Copies the bytes of `data` now (rule 6: update data is captured at record time). */
export function captureBytes(data: unknown, what: string): Uint8Array {
  return copyHostBytes(what, data);
}

/** Push-constant values as raw 32-bit words: integers (signed or unsigned) or the bits of a Float32Array. */
export function constantWords(values: unknown, what: string): Uint32Array {
  if (values instanceof Uint32Array) return values.slice();
  if (values instanceof Int32Array || values instanceof Float32Array) return new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  if (!Array.isArray(values)) {
    throw invalidArgument(`${what} must be a Uint32Array, Int32Array, Float32Array or an array of integers (got ${describe(values)})`);
  }
  const words = new Uint32Array(values.length);
  values.forEach((v: unknown, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) {
      throw invalidArgument(`${what}[${i}] must be a 32-bit integer (got ${describe(v)})`);
    }
    words[i] = v >>> 0;
  });
  return words;
}
