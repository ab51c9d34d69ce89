/**
 * Deferred writes: under a schedule source an operation reads device memory when it starts and its writes land
 * when it completes. That is the window real hardware has between a kernel's loads and its stores, and it is what
 * lets two overlapping read-modify-write operations on one buffer lose an update (×2 and ×3 in place give ×2 or
 * ×3, not ×6) — an order that applying each operation's effects in one step can never produce.
 *
 * The operation runs at its start as usual (so its faults and costs are unchanged); the bytes it changed are then
 * taken out of memory, memory is put back as it was, and the change is applied when the operation completes.
 * Only bytes that changed are written back, so a kernel's untouched elements never overwrite another operation's.
 *
 * The writes land in pieces, in order, each before the completion when the explorer picks it (the last lands with the
 * completion): a kernel's in one piece per workgroup (a graph's per workgroup of its widest kernel), a copy's, fill's
 * or upload's in one piece per chunk of CHUNK_BYTES, at least two and at most MAX_PIECES either way. So an operation
 * that reads in between sees a partly written buffer, and two concurrent kernels' stores interleave workgroup by
 * workgroup. Piece i of an operation is the i-th of P equal slices of *every* range it writes: a kernel's workgroup i
 * is taken to write the i-th slice of each buffer it binds, which is the layout of one element per thread in workgroup
 * order (the simulator runs a dispatch in one call into the WebAssembly device and does not know which workgroup stored
 * which byte).
 */
import type { Allocation } from './allocations.js';
import type { SimAccess, SimFootprint } from './schedule_source.js';
import type { OpPayload, StreamOp } from './streams.js';
import type { WasmDevice } from './wasm_device.js';

interface Range {
  readonly start: number;
  readonly end: number;
}

/** The bytes an operation will write when it completes. */
export interface PendingWrites {
  readonly ranges: readonly Range[];
  readonly before: readonly Uint8Array[];
  readonly after: readonly Uint8Array[];
  /** memset, memcpy and htod write every byte of their range, changed or not; kernels only the bytes they changed. */
  readonly whole: boolean;
  /** How many pieces the writes land in; all but the last may land before the completion. */
  readonly pieces: number;
  /** What a piece is, for reports. */
  readonly unit: 'workgroup' | 'chunk';
  /** Pieces already landed (they land in order). */
  landed: number;
}

/** A copy, fill or upload lands one chunk of this many bytes at a time (a DMA engine's unit of transfer, roughly). */
export const CHUNK_BYTES = 4096;
/** Most pieces one operation's writes land in: each is an explorer choice, so this bounds a schedule's length. */
export const MAX_PIECES = 16;

/** Piece `index` of `range` when it is cut into `pieces` slices: [start, end). */
function slice(range: Range, index: number, pieces: number): Range {
  const length = range.end - range.start;
  return { start: range.start + Math.floor((length * index) / pieces), end: range.start + Math.floor((length * (index + 1)) / pieces) };
}

/** What landing piece `index` of `writes` touches: its slice of every range. */
export function pieceFootprint(writes: PendingWrites, index: number): SimFootprint {
  const accesses: SimAccess[] = [];
  for (const r of writes.ranges) {
    const piece = slice(r, index, writes.pieces);
    if (piece.end > piece.start) accesses.push({ ...piece, write: true });
  }
  return { accesses, observable: false };
}

function clampPieces(n: number): number {
  return Math.max(2, Math.min(MAX_PIECES, n));
}

/** How many pieces `op`'s writes land in, and what a piece is. */
function piecesOf(op: StreamOp, total: number): { pieces: number; unit: 'workgroup' | 'chunk' } {
  if (total <= 1) return { pieces: 1, unit: 'chunk' };
  const p = op.payload;
  // An indirect dispatch's count is read on the device; it is not known here, so it lands in two pieces.
  if (p.kind === 'kernel') return { pieces: clampPieces(p.launch.indirectPtr !== 0 ? 2 : p.launch.workgroups), unit: 'workgroup' };
  // A graph (a command buffer's replay): its widest kernel node's workgroups.
  if (p.kind === 'graph' && p.exec.kernelNodes.size > 0) {
    let widest = 0;
    for (const node of p.exec.kernelNodes.values()) widest = Math.max(widest, node.launch.indirectPtr !== 0 ? 2 : node.launch.workgroups);
    return { pieces: clampPieces(widest), unit: 'workgroup' };
  }
  return { pieces: clampPieces(Math.ceil(total / CHUNK_BYTES)), unit: 'chunk' };
}

const whole = (a: Allocation): Range => ({ start: a.ptr, end: a.ptr + a.byteLength });

/** `byteLength` bytes from `start`, or no range at all when that is empty. */
const span = (start: number, byteLength: number): readonly Range[] => (byteLength > 0 ? [{ start, end: start + byteLength }] : []);

/** Kernels and graphs count every allocation they bind, read and written alike: which ones they touch is unknown. */
function boundAllocations(p: Extract<OpPayload, { kind: 'kernel' | 'graph' }>): readonly Range[] {
  return (p.kind === 'kernel' ? p.launch.allocations : p.exec.allocations).map(whole);
}

interface DataRanges {
  /** What the operation reads when it starts. */
  readonly reads: readonly Range[];
  /** What it may write, landing by its completion. */
  readonly writes: readonly Range[];
}

const NO_DATA: DataRanges = { reads: [], writes: [] };

/** The memory `op` reads and writes; none for operations with no data effects. */
function dataRanges(op: StreamOp): DataRanges {
  const p = op.payload;
  switch (p.kind) {
    case 'memset':
      return { reads: [], writes: span(p.dst, p.byteLength) };
    case 'memcpy':
      return { reads: span(p.src, p.byteLength), writes: span(p.dst, p.byteLength) };
    case 'htod':
      return { reads: [], writes: span(p.dst, p.data.length) };
    case 'dtoh':
      return { reads: span(p.src, p.byteLength), writes: [] };
    case 'kernel':
    case 'graph': {
      const bound = boundAllocations(p);
      return { reads: bound, writes: bound };
    }
    default:
      return NO_DATA;
  }
}

const NO_ACCESSES: readonly SimAccess[] = [];

/** What starting `op` touches: its reads; allocator state and host functions are observable. */
export function startFootprint(op: StreamOp): SimFootprint {
  const k = op.kind;
  if (k === 'alloc' || k === 'free') {
    const a = op.payload.kind === 'alloc' || op.payload.kind === 'free' ? op.payload.allocation : undefined;
    return { accesses: a ? [{ ...whole(a), write: true }] : NO_ACCESSES, observable: true };
  }
  if (k === 'host') return { accesses: NO_ACCESSES, observable: true };
  const { reads } = dataRanges(op);
  return { accesses: reads.length === 0 ? NO_ACCESSES : reads.map((r) => ({ ...r, write: false })), observable: false };
}

/** What completing `op` touches: its writes land; event captures, readbacks and synchronize waiters become visible. */
export function completeFootprint(op: StreamOp, waited: boolean): SimFootprint {
  const { writes } = dataRanges(op);
  const observable = op.kind === 'record' || op.kind === 'dtoh' || op.kind === 'host' || waited;
  return { accesses: writes.length === 0 ? NO_ACCESSES : writes.map((r) => ({ ...r, write: true })), observable };
}

/** Two events commute unless one is observable together with the other, or their accesses conflict. */
export function independent(a: SimFootprint, b: SimFootprint): boolean {
  if (a.observable && b.observable) return false;
  for (const x of a.accesses) {
    for (const y of b.accesses) {
      if ((x.write || y.write) && x.start < y.end && y.start < x.end) return false;
    }
  }
  return true;
}

/** Runs `execute` (the operation's effects), then takes its writes back out of memory until `commit`. */
export function runDeferred(device: WasmDevice, op: StreamOp, execute: () => number): { cost: number; writes: PendingWrites | null } {
  const ranges = dataRanges(op).writes;
  if (ranges.length === 0) return { cost: execute(), writes: null };
  const u8 = device.u8;
  const before = ranges.map((r) => u8.slice(r.start, r.end));
  const cost = execute();
  const after = ranges.map((r) => u8.slice(r.start, r.end));
  for (let i = 0; i < ranges.length; i++) u8.set(before[i]!, ranges[i]!.start);
  const kind = op.kind;
  let total = 0;
  for (const r of ranges) total += r.end - r.start;
  const { pieces, unit } = piecesOf(op, total);
  return { cost, writes: { ranges, before, after, whole: kind === 'memset' || kind === 'memcpy' || kind === 'htod', pieces, unit, landed: 0 } };
}

/** Lands the pieces of a deferred operation's writes not landed yet, up to piece `upTo` (default: all of them). */
export function commitWrites(device: WasmDevice, writes: PendingWrites, upTo = writes.pieces): void {
  if (upTo <= writes.landed) return;
  const u8 = device.u8;
  for (let i = 0; i < writes.ranges.length; i++) {
    const range = writes.ranges[i]!;
    const length = range.end - range.start;
    // Pieces [landed, upTo) of this range are one contiguous run of bytes.
    const from = Math.floor((length * writes.landed) / writes.pieces);
    const to = Math.floor((length * upTo) / writes.pieces);
    if (from >= to) continue;
    const before = writes.before[i]!;
    const after = writes.after[i]!;
    if (writes.whole) {
      u8.set(after.subarray(from, to), range.start + from);
      continue;
    }
    for (let j = from; j < to; j++) {
      if (after[j] !== before[j]) u8[range.start + j] = after[j]!;
    }
  }
  writes.landed = upTo;
}
