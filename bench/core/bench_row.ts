/** One benchmark result, printed against its target. */
export interface BenchRow {
  readonly name: string;
  /** What was measured, with units (e.g. "2.1 µs/submission"). */
  readonly measured: string;
  /** The goal, with units (e.g. "≤ 5 µs/submission"). */
  readonly target: string;
  readonly pass: boolean;
}

/** Wall-clock nanoseconds (real time: these benchmarks measure host overhead, not simulated device time). */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

export function microseconds(ns: bigint | number, per = 1): number {
  return Number(ns) / 1000 / per;
}

export function formatMicros(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
