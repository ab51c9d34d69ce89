/**
 * Memory accesses as the race checker sees them: (allocation, byte range, read or write), per queue operation and per
 * command of an execute. Memory is keyed by allocation address, not by GpuBuffer object, so memory handed out again
 * (stream-ordered alloca after a dealloca, a buffer created where a freed one was) is tracked where it lives.
 *
 * Which accesses a command makes (the contract the checker checks against):
 * - dispatch: each binding reads when its set layout marks it read-only, else writes; an indirect dispatch reads its
 *   twelve bytes of workgroup counts; a dispatch of zero workgroups touches nothing;
 * - fill and update write their range; copy reads its source and writes its target; zero lengths touch nothing.
 */
import type { GpuBuffer } from '../gpu_buffer.js';
import type { ResolvedEntry } from '../command_buffer/binding_table.js';
import type { Command, RangeRef } from '../command_buffer/commands.js';
import type { CallSite } from './call_site.js';

export interface Access {
  /** The allocation's base address: the key of its access history. */
  readonly key: number;
  readonly buffer: GpuBuffer;
  /** Absolute device addresses [start, end). */
  readonly start: number;
  readonly end: number;
  readonly write: boolean;
  /** What the access is, for messages ("copy target", "binding 1 of dispatch of add_i32"). */
  readonly what: string;
  /** For commands: the command buffer's label, the command's index and where it was recorded. */
  readonly commandBuffer: string | undefined;
  readonly command: number;
  readonly recordedAt: CallSite | undefined;
}

export function bufferAccess(buffer: GpuBuffer, offset: number, length: number, write: boolean, what: string): Access | undefined {
  if (length <= 0) return undefined;
  const start = buffer.devicePtr + offset;
  return { key: buffer.devicePtr, buffer, start, end: start + length, write, what, commandBuffer: undefined, command: -1, recordedAt: undefined };
}

/** A command operand as a buffer range (slots resolved through the execute's table). */
function operand(range: RangeRef, table: readonly ResolvedEntry[]): { buffer: GpuBuffer; offset: number; length: number } {
  if (range.ref.kind === 'buffer') {
    const buffer = range.ref.buffer;
    return { buffer, offset: range.offset, length: range.length ?? buffer.byteLength - range.offset };
  }
  const entry = table[range.ref.slot]!;
  return { buffer: entry.buffer, offset: entry.offset + range.offset, length: range.length ?? entry.length - range.offset };
}

function commandAccess(
  range: RangeRef,
  table: readonly ResolvedEntry[],
  write: boolean,
  what: string,
  commandBuffer: string,
  command: number,
  recordedAt: CallSite | undefined,
  length?: number,
): Access | undefined {
  const o = operand(range, table);
  const bytes = length ?? o.length;
  if (bytes <= 0) return undefined;
  const start = o.buffer.devicePtr + o.offset;
  return { key: o.buffer.devicePtr, buffer: o.buffer, start, end: start + bytes, write, what, commandBuffer, command, recordedAt };
}

/** The accesses of one recorded command (none for barriers and no-ops). */
export function commandAccesses(
  command: Command,
  index: number,
  table: readonly ResolvedEntry[],
  commandBuffer: string,
  recordedAt: CallSite | undefined,
  out: Access[],
): void {
  const push = (a: Access | undefined): void => {
    if (a !== undefined) out.push(a);
  };
  switch (command.op) {
    case 'barrier':
      return;
    case 'fill':
      push(commandAccess(command.target, table, true, 'fill', commandBuffer, index, recordedAt));
      return;
    case 'update':
      if (command.data.byteLength === 0) return;
      push(commandAccess(command.target, table, true, 'update', commandBuffer, index, recordedAt, command.data.byteLength));
      return;
    case 'copy': {
      const source = operand(command.source, table);
      if (source.length === 0) return;
      push(commandAccess(command.source, table, false, 'copy source', commandBuffer, index, recordedAt, source.length));
      push(commandAccess(command.target, table, true, 'copy target', commandBuffer, index, recordedAt, source.length));
      return;
    }
    case 'dispatch': {
      const [x, y, z] = command.workgroupCount;
      if (command.indirect === undefined && (x === 0 || y === 0 || z === 0)) return;
      const name = `dispatch of ${command.entry.name}`;
      if (command.indirect !== undefined) {
        push(commandAccess(command.indirect, table, false, `workgroup counts of ${name}`, commandBuffer, index, recordedAt, 12));
      }
      const readOnly = readOnlyFlags(command);
      command.bindings.forEach((binding, i) => {
        push(commandAccess(binding, table, !readOnly[i], `binding ${i} of ${name}`, commandBuffer, index, recordedAt));
      });
      return;
    }
  }
}

/** Per flattened binding (set-major, the kernel argument order): whether the layout marks it read-only. */
function readOnlyFlags(command: Extract<Command, { op: 'dispatch' }>): boolean[] {
  const flags: boolean[] = [];
  for (const setLayout of command.entry.layout.setLayouts) for (const b of setLayout.bindings) flags.push(b.readOnly);
  return flags;
}

/** Two accesses conflict when their bytes overlap and at least one writes. */
export function conflict(a: Access, b: Access): boolean {
  return a.key === b.key && a.start < b.end && b.start < a.end && (a.write || b.write);
}

/** A pair of commands of one command buffer that conflict without a barrier between them. */
export interface CommandConflict {
  readonly earlier: Access;
  readonly later: Access;
}

/**
 * Conflicting commands inside one command buffer: commands between two barriers may run in any order (rule 7), so
 * two of them that touch the same bytes, one writing, race. Accesses must be in command order.
 */
export function unorderedCommands(commands: readonly Command[], accesses: readonly Access[]): CommandConflict[] {
  const segmentOf: number[] = [];
  let segment = 0;
  for (const command of commands) {
    if (command.op === 'barrier') segment++;
    segmentOf.push(segment);
  }
  const bySegment = new Map<number, Access[]>();
  for (const access of accesses) {
    const s = segmentOf[access.command]!;
    let list = bySegment.get(s);
    if (list === undefined) bySegment.set(s, (list = []));
    list.push(access);
  }
  const found: CommandConflict[] = [];
  const seen = new Set<string>();
  for (const list of bySegment.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        if (a.command === b.command || !conflict(a, b)) continue;
        const pair = `${a.command}:${b.command}`;
        if (seen.has(pair)) continue; // one report per pair of commands, however many bytes they share
        seen.add(pair);
        found.push(a.command < b.command ? { earlier: a, later: b } : { earlier: b, later: a });
      }
    }
  }
  return found;
}
