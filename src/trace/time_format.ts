/**
 * Human-readable durations and Chrome-trace microseconds from nanosecond bigints. Pure string/number work, so
 * every output is reproducible byte for byte.
 */
import type { TraceTime } from './model.js';

/**
 * A duration in the largest unit that keeps it ≥ 1, with at most `digits` decimals and no trailing zeros:
 * 340ns, 12µs, 1.5µs, 2.25ms, 3s.
 */
export function formatDuration(ns: TraceTime, digits = 2): string {
  const negative = ns < 0n;
  const abs = negative ? -ns : ns;
  const [scale, unit] = abs >= 1_000_000_000n ? [1_000_000_000n, 's'] : abs >= 1_000_000n ? [1_000_000n, 'ms'] : abs >= 1_000n ? [1_000n, 'µs'] : [1n, 'ns'];
  return `${negative ? '-' : ''}${fixed(abs, scale, digits)}${unit}`;
}

/** `value / scale` with at most `digits` decimals (rounded half up), trailing zeros dropped. */
function fixed(value: bigint, scale: bigint, digits: number): string {
  const factor = 10n ** BigInt(digits);
  const scaled = (value * factor + scale / 2n) / scale;
  const whole = scaled / factor;
  let fraction = (scaled % factor).toString().padStart(digits, '0').replace(/0+$/, '');
  if (digits === 0) fraction = '';
  return fraction.length > 0 ? `${whole}.${fraction}` : `${whole}`;
}

/** Nanoseconds → Chrome Trace Event microseconds (a JSON number with up to 3 decimals). */
export function microseconds(ns: TraceTime): number {
  // One correctly rounded division: the result prints as the exact decimal (12345n → 12.345) for any ns below
  // 2^53 (104 days). Adding a separately computed fraction would not (12 + 0.345 may print 12.344999999999999).
  return Number(ns) / 1000;
}
