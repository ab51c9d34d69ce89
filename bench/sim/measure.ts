/** Timing helpers for the sim benchmarks: side-by-side repetitions, medians. */

import type { BenchRow as SharedBenchRow } from '../bench_row.js';

/** A shared bench row plus the raw number its target is checked against (used by the sim benches' own checks). */
export interface BenchRow extends SharedBenchRow {
  readonly value?: number;
  readonly unit?: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of `fn` in ns. */
export function timeNs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start);
}

/**
 * Runs `a` and `b` alternately `reps` times after `warmup` rounds each, so both see the same machine state,
 * and returns the median wall time (ns) of each.
 */
export function sideBySide(a: () => void, b: () => void, reps: number, warmup = 2): { a: number; b: number } {
  for (let i = 0; i < warmup; i++) {
    a();
    b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    ta.push(timeNs(a));
    tb.push(timeNs(b));
  }
  return { a: median(ta), b: median(tb) };
}

export const gbPerS = (bytes: number, ns: number): number => bytes / ns;
