/**
 * Deferred writes: under a schedule source an operation reads device memory when it starts and its writes land
 * when it completes. That is the window real hardware has between a kernel's loads and its stores, and it is what
 * lets two overlapping read-modify-write operations on one buffer lose an update (×2 and ×3 in place give ×2 or
 * ×3, not ×6) — an order that applying each operation's effects in one step can never produce.
 *
 * The operation runs at its start as usual (so its faults and costs are unchanged); the bytes it changed are then
 * taken out of memory, memory is put back as it was, and the change is applied when the operation completes.
 * Only bytes that changed are written back, so a kernel's untouched elements never overwrite another operation's.
 * The writes may also land in two halves (the first before the completion, when the explorer picks it), so an
 * operation that reads in between sees a half-written buffer, as with a copy interleaved chunk by chunk.
 */
import type { Allocation } from './allocations.js';
import type { SimAccess, SimFootprint } from './schedule_source.js';
import type { StreamOp } from './streams.js';
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
  /** Bytes of the ranges (in order, as if concatenated) already applied: a part may land before the completion. */
  committed: number;
  readonly total: number;
}

/** Where the first part of an operation's writes ends: writes land in two parts when an explorer splits them. */
export function firstPartEnd(writes: PendingWrites): number {
  return Math.ceil(writes.total / 2);
}

/** What landing the first part of `writes` touches (bytes [0, firstPartEnd) of the concatenated ranges). */
export function firstPartFootprint(writes: PendingWrites): SimFootprint {
  const accesses: SimAccess[] = [];
  let left = firstPartEnd(writes);
  for (const r of writes.ranges) {
    if (left <= 0) break;
    const end = Math.min(r.end, r.start + left);
    accesses.push({ start: r.start, end, write: true });
    left -= end - r.start;
  }
  return { accesses, observable: false };
}

const whole = (a: Allocation): Range => ({ start: a.ptr, end: a.ptr + a.byteLength });

/** The ranges `op` may write; empty for operations with no data effects. */
export function writeRanges(op: StreamOp): readonly Range[] {
  const p = op.payload;
  switch (p.kind) {
    case 'memset':
    case 'memcpy':
      return p.byteLength > 0 ? [{ start: p.dst, end: p.dst + p.byteLength }] : [];
    case 'htod':
      return p.data.length > 0 ? [{ start: p.dst, end: p.dst + p.data.length }] : [];
    case 'kernel':
      return p.launch.allocations.map(whole);
    case 'graph':
      return p.exec.allocations.map(whole);
    default:
      return [];
  }
}

/** The ranges `op` reads when it starts. Kernels and graphs count every allocation they bind. */
function readRanges(op: StreamOp): readonly Range[] {
  const p = op.payload;
  switch (p.kind) {
    case 'memcpy':
      return p.byteLength > 0 ? [{ start: p.src, end: p.src + p.byteLength }] : [];
    case 'dtoh':
      return p.byteLength > 0 ? [{ start: p.src, end: p.src + p.byteLength }] : [];
    case 'kernel':
      return p.launch.allocations.map(whole);
    case 'graph':
      return p.exec.allocations.map(whole);
    default:
      return [];
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
  const reads = readRanges(op);
  return { accesses: reads.length === 0 ? NO_ACCESSES : reads.map((r) => ({ ...r, write: false })), observable: false };
}

/** What completing `op` touches: its writes land; event captures, readbacks and synchronize waiters become visible. */
export function completeFootprint(op: StreamOp, waited: boolean): SimFootprint {
  const writes = writeRanges(op);
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
  const ranges = writeRanges(op);
  if (ranges.length === 0) return { cost: execute(), writes: null };
  const u8 = device.u8;
  const before = ranges.map((r) => u8.slice(r.start, r.end));
  const cost = execute();
  const after = ranges.map((r) => u8.slice(r.start, r.end));
  for (let i = 0; i < ranges.length; i++) u8.set(before[i]!, ranges[i]!.start);
  const kind = op.kind;
  let total = 0;
  for (const r of ranges) total += r.end - r.start;
  return { cost, writes: { ranges, before, after, whole: kind === 'memset' || kind === 'memcpy' || kind === 'htod', committed: 0, total } };
}

/** Applies the bytes a deferred operation changed, from what already landed up to byte `upTo` (default: all). */
export function commitWrites(device: WasmDevice, writes: PendingWrites, upTo = writes.total): void {
  const u8 = device.u8;
  let offset = 0;
  for (let i = 0; i < writes.ranges.length && offset < upTo; i++) {
    const range = writes.ranges[i]!;
    const length = range.end - range.start;
    const from = Math.max(0, writes.committed - offset);
    const to = Math.min(length, upTo - offset);
    offset += length;
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
  if (upTo > writes.committed) writes.committed = upTo;
}
