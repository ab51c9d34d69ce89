/**
 * What a command buffer's recorded commands require of each execute's binding table.
 *
 * An operand recorded against a slot can only be range-, usage- and alignment-checked once the execute names the
 * buffer range behind the slot, and a copy with a slot operand can only be checked for overlap then. Recording
 * collects those requirements here; every submit checks them against its resolved table, changing nothing.
 */
import type { HalObject } from '../lifetime.js';
import { invalidArgument, outOfRange } from '../errors.js';
import type { ResolvedEntry } from './binding_table.js';
import type { RangeRef } from './commands.js';
import { type SlotUse, rangesOverlap } from './validation.js';

/** A copy with at least one slot operand. */
interface SlotCopy {
  readonly source: RangeRef;
  readonly target: RangeRef;
  readonly length: number;
  readonly what: string;
}

export class BindingTableChecks {
  private readonly slotUses: SlotUse[] = [];
  private readonly slotCopies: SlotCopy[] = [];

  /** Called only with operands already validated at record time. */
  addSlotUse(use: SlotUse): void {
    this.slotUses.push(use);
  }

  /** Called only with a copy already validated at record time (its buffer-only overlap included). */
  addSlotCopy(source: RangeRef, target: RangeRef, length: number, what: string): void {
    this.slotCopies.push({ source, target, length, what });
  }

  /**
   * Throws (OUT_OF_RANGE / INVALID_ARGUMENT) naming the command and the table entry if `entries` do not satisfy
   * every slot use (range, usage, alignment) and slot copy (no overlap).
   */
  check(entries: readonly ResolvedEntry[]): void {
    for (const use of this.slotUses) {
      const entry = entries[use.slot]!;
      const end = use.offset + (use.length ?? 0);
      if (end > entry.length) {
        throw outOfRange(
          `${use.what}: range [${use.offset}, ${end}) of slot ${use.slot} exceeds bindingTable[${use.slot}] of ${entry.length} bytes`,
        );
      }
      if ((entry.buffer.usage & use.usage) !== use.usage) {
        throw invalidArgument(`${use.what}: bindingTable[${use.slot}].buffer ${entry.buffer.label} lacks the usage this command needs (${use.usage})`);
      }
      if ((entry.offset + use.offset) % use.alignment !== 0) {
        throw invalidArgument(
          `${use.what}: bindingTable[${use.slot}] offset ${entry.offset} + ${use.offset} is not a multiple of ${use.alignment}`,
        );
      }
      if (use.length === undefined && (entry.length - use.offset) % use.alignment !== 0) {
        throw invalidArgument(
          `${use.what}: the rest of bindingTable[${use.slot}] from ${use.offset} (${entry.length - use.offset} bytes) is not a multiple of ${use.alignment}`,
        );
      }
    }
    for (const copy of this.slotCopies) {
      const source = absolute(copy.source, entries);
      const target = absolute(copy.target, entries);
      if (source.buffer === target.buffer && rangesOverlap(source.offset, target.offset, copy.length)) {
        throw invalidArgument(
          `${copy.what}: with this bindingTable the source [${source.offset}, ${source.offset + copy.length}) and target ` +
            `[${target.offset}, ${target.offset + copy.length}) overlap in ${source.buffer.label}`,
        );
      }
    }
  }
}

function absolute(range: RangeRef, entries: readonly ResolvedEntry[]): { buffer: HalObject; offset: number } {
  if (range.ref.kind === 'buffer') return { buffer: range.ref.buffer, offset: range.offset };
  const entry = entries[range.ref.slot]!;
  return { buffer: entry.buffer, offset: entry.offset + range.offset };
}
