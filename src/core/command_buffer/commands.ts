/**
 * The command list: what recording produces and lowering consumes.
 *
 * Commands are fully validated when recorded and hold everything lowering needs (push constants and descriptor
 * bindings are flattened into each dispatch), so the list can be lowered any number of times — once at end() for
 * a graph, once per binding table for indirect command buffers, or on every execute in stream mode. Buffer
 * operands are either a buffer or a binding-table slot; `resolveRange` turns both into device addresses.
 */
import type { GpuBuffer } from '../gpu_buffer.js';
import type { DevicePtr, DriverFunction, KernelBinding, KernelLaunch, MemcpyParams, MemsetParams } from '../driver.js';
import type { EntryPoint, Executable } from '../executable.js';
import type { ResolvedEntry } from './binding_table.js';

export type BufferRef = { readonly kind: 'buffer'; readonly buffer: GpuBuffer } | { readonly kind: 'slot'; readonly slot: number };

/** A range of a buffer operand; `length` undefined means "to the end of the buffer or table entry". */
export interface RangeRef {
  readonly ref: BufferRef;
  readonly offset: number;
  readonly length: number | undefined;
}

export interface FillCommand {
  readonly op: 'fill';
  readonly target: RangeRef;
  readonly pattern: number;
  readonly patternLength: 1 | 2 | 4;
}

export interface UpdateCommand {
  readonly op: 'update';
  readonly target: RangeRef;
  /** The bytes, copied when the command was recorded (rule 6). */
  readonly data: Uint8Array;
  /** Where `data` lives in the command buffer's update staging (graph mode). */
  readonly stagingOffset: number;
}

export interface CopyCommand {
  readonly op: 'copy';
  readonly source: RangeRef;
  readonly target: RangeRef;
}

export interface DispatchCommand {
  readonly op: 'dispatch';
  readonly executable: Executable;
  readonly entry: EntryPoint;
  readonly fn: DriverFunction;
  readonly workgroupCount: readonly [number, number, number];
  /** Every binding of the entry's layout in set-major order (kernel argument order). */
  readonly bindings: readonly RangeRef[];
  /** The entry's push constants, captured at the dispatch. */
  readonly constants: Uint32Array;
  /** Indirect dispatch: three u32 workgroup counts read on the device from here. */
  readonly indirect: RangeRef | undefined;
}

export interface BarrierCommand {
  readonly op: 'barrier';
}

export type Command = FillCommand | UpdateCommand | CopyCommand | DispatchCommand | BarrierCommand;

/** A buffer range resolved to device addresses. */
export interface DeviceRange {
  readonly ptr: DevicePtr;
  readonly length: number;
}

/** Resolves a range operand against the binding table of this execute (empty for direct command buffers). */
export function resolveRange(range: RangeRef, table: readonly ResolvedEntry[]): DeviceRange {
  if (range.ref.kind === 'buffer') {
    const { buffer } = range.ref;
    return { ptr: buffer.devicePtr + range.offset, length: range.length ?? buffer.byteLength - range.offset };
  }
  const entry = table[range.ref.slot];
  // Submit-time validation guarantees the slot exists; this guards the invariant, not user input.
  if (entry === undefined) throw new Error(`internal: binding slot ${range.ref.slot} was not resolved`);
  return { ptr: entry.ptr + range.offset, length: range.length ?? entry.length - range.offset };
}

/** One driver-level operation; both lowerings (graph nodes, stream replay) are built from these. */
export type DeviceOp =
  | { readonly kind: 'memset'; readonly params: MemsetParams }
  | { readonly kind: 'memcpy'; readonly params: MemcpyParams }
  /** An update: `data` goes to `dst` (from staging in graph mode, straight from the host in stream mode). */
  | { readonly kind: 'upload'; readonly dst: DevicePtr; readonly data: Uint8Array; readonly stagingOffset: number }
  | { readonly kind: 'kernel'; readonly launch: KernelLaunch }
  | { readonly kind: 'barrier' };

/**
 * Lowers one command to its driver operation, or to nothing when it touches no memory (zero lengths, a dispatch of
 * zero workgroups): such commands are legal no-ops, and ordering around them is kept by the barriers alone.
 */
export function toDeviceOp(command: Command, table: readonly ResolvedEntry[]): DeviceOp | undefined {
  switch (command.op) {
    case 'barrier':
      return { kind: 'barrier' };
    case 'fill': {
      const target = resolveRange(command.target, table);
      if (target.length === 0) return undefined;
      return {
        kind: 'memset',
        params: {
          dst: target.ptr,
          value: command.pattern,
          elementSize: command.patternLength,
          count: target.length / command.patternLength,
        },
      };
    }
    case 'update': {
      if (command.data.byteLength === 0) return undefined;
      const target = resolveRange(command.target, table);
      return { kind: 'upload', dst: target.ptr, data: command.data, stagingOffset: command.stagingOffset };
    }
    case 'copy': {
      const source = resolveRange(command.source, table);
      const target = resolveRange(command.target, table);
      if (source.length === 0) return undefined;
      return { kind: 'memcpy', params: { dst: target.ptr, src: source.ptr, byteLength: source.length } };
    }
    case 'dispatch': {
      const [x, y, z] = command.workgroupCount;
      if (command.indirect === undefined && (x === 0 || y === 0 || z === 0)) return undefined;
      const bindings: KernelBinding[] = command.bindings.map((b) => {
        const r = resolveRange(b, table);
        return { ptr: r.ptr, byteLength: r.length };
      });
      const launch: KernelLaunch = {
        fn: command.fn,
        workgroupCount: command.workgroupCount,
        workgroupSize: command.entry.workgroupSize,
        sharedMemoryBytes: command.entry.sharedMemoryBytes,
        bindings,
        constants: command.constants,
        ...(command.indirect === undefined ? {} : { indirectWorkgroupCount: resolveRange(command.indirect, table).ptr }),
      };
      return { kind: 'kernel', launch };
    }
  }
}
