export type { BenchRow } from '../bench_row.js';

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
