/** One benchmark result, printed against its target by bench/run.ts. Every suite returns these. */
export interface BenchRow {
  readonly name: string;
  /** What was measured, with units (e.g. "2.1 µs/submission" or "11.2 GB/s (97% of Buffer.fill)"). */
  readonly measured: string;
  /** The goal, with units (e.g. "≤ 5 µs/submission"). */
  readonly target: string;
  readonly pass: boolean;
  /** A comparison reported for understanding, with no target of its own: printed as "info", never a miss. */
  readonly informational?: boolean;
}
