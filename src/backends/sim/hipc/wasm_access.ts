/**
 * The memory accesses of a binaryen expression tree, in one shape: where the address comes from, the static
 * offset, the bytes touched, and how to replace the address. The memory checker instruments them; the check-free
 * loop analysis reads them.
 */
import { HalError, StatusCode } from '../../../core/errors.js';

type Binaryen = typeof import('binaryen').default;

export interface MemoryAccess {
  readonly ptr: number;
  readonly offset: number;
  readonly bytes: number;
  setPtr(ptr: number): void;
}

interface Accessors {
  getPtr(e: number): number;
  setPtr(e: number, ptr: number): void;
  getOffset(e: number): number;
  getBytes(e: number): number;
}
interface ExpressionClasses {
  Load: Accessors;
  Store: Accessors;
  AtomicRMW: Accessors;
  AtomicCmpxchg: Accessors;
  SIMDLoad: Accessors & { getOp(e: number): number };
  SIMDLoadStoreLane: Accessors & { getOp(e: number): number };
}

/** Bytes a SIMD load reads: splats read one lane, extending loads 8 bytes, zero-extending loads 4 or 8. */
function simdLoadBytes(b: Binaryen, op: number): number {
  const ops = b as unknown as Record<string, number>;
  const bytes: Record<number, number> = {
    [ops['Load8SplatVec128']!]: 1, [ops['Load16SplatVec128']!]: 2, [ops['Load32SplatVec128']!]: 4, [ops['Load64SplatVec128']!]: 8,
    [ops['Load8x8SVec128']!]: 8, [ops['Load8x8UVec128']!]: 8, [ops['Load16x4SVec128']!]: 8, [ops['Load16x4UVec128']!]: 8,
    [ops['Load32x2SVec128']!]: 8, [ops['Load32x2UVec128']!]: 8, [ops['Load32ZeroVec128']!]: 4, [ops['Load64ZeroVec128']!]: 8,
  };
  const n = bytes[op];
  if (n === undefined) throw new HalError(StatusCode.INTERNAL, `unknown SIMD load op ${op}`);
  return n;
}

/** Bytes a SIMD lane load or store touches: one lane. */
function laneBytes(b: Binaryen, op: number): number {
  const ops = b as unknown as Record<string, number>;
  const bytes: Record<number, number> = {
    [ops['Load8LaneVec128']!]: 1, [ops['Load16LaneVec128']!]: 2, [ops['Load32LaneVec128']!]: 4, [ops['Load64LaneVec128']!]: 8,
    [ops['Store8LaneVec128']!]: 1, [ops['Store16LaneVec128']!]: 2, [ops['Store32LaneVec128']!]: 4, [ops['Store64LaneVec128']!]: 8,
  };
  const n = bytes[op];
  if (n === undefined) throw new HalError(StatusCode.INTERNAL, `unknown SIMD lane op ${op}`);
  return n;
}

/** `expr` as a memory access, or undefined when it accesses no memory by address. */
export function memoryAccess(b: Binaryen, expr: number): MemoryAccess | undefined {
  const C = b as unknown as ExpressionClasses;
  const id = b.getExpressionId(expr);
  const plain = (k: Accessors, bytes?: number): MemoryAccess => ({
    ptr: k.getPtr(expr), offset: k.getOffset(expr), bytes: bytes ?? k.getBytes(expr), setPtr: (ptr) => k.setPtr(expr, ptr),
  });
  if (id === b.LoadId) return plain(C.Load);
  if (id === b.StoreId) return plain(C.Store);
  if (id === b.AtomicRMWId) return plain(C.AtomicRMW);
  if (id === b.AtomicCmpxchgId) return plain(C.AtomicCmpxchg);
  if (id === b.SIMDLoadId) return plain(C.SIMDLoad, simdLoadBytes(b, C.SIMDLoad.getOp(expr)));
  if (id === b.SIMDLoadStoreLaneId) return plain(C.SIMDLoadStoreLane, laneBytes(b, C.SIMDLoadStoreLane.getOp(expr)));
  return undefined;
}
