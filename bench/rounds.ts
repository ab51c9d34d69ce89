/**
 * Verdicts over repeated benchmark rounds: a target met in every round, missed in every round, or met in some only
 * (noise straddling the target), with the spread of the measured figure.
 */
import type { BenchRow } from './bench_row.js';

export type Verdict = 'ok' | 'noisy' | 'miss' | 'info';

export interface RowSummary {
  readonly name: string;
  /** The median round's figure, as that round printed it. */
  readonly measured: string;
  readonly target: string;
  readonly verdict: Verdict;
  /** Rounds in which the target was met. */
  readonly metRounds: number;
  /** "min–max (±p% of the median)" of the figure's leading number, when it has one and there are several rounds. */
  readonly spread?: string;
}

/** The leading number of a figure such as "2.1 µs/submission" or "11.2 GB/s (97% of Buffer.fill)". */
export function leadingNumber(measured: string): number | undefined {
  const match = /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/i.exec(measured.replace(/,/g, ''));
  return match === null ? undefined : Number(match[0]);
}

const format = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toPrecision(3));

/** `rounds[r]` is one round's rows; rows are matched by name (a row missing from a round counts as not met). */
export function summarizeRounds(rounds: readonly (readonly BenchRow[])[]): RowSummary[] {
  const names: string[] = [];
  for (const round of rounds) for (const row of round) if (!names.includes(row.name)) names.push(row.name);
  return names.map((name) => {
    const seen = rounds.map((round) => round.find((row) => row.name === name)).filter((row): row is BenchRow => row !== undefined);
    const values = seen.map((row) => leadingNumber(row.measured));
    const numeric = values.every((v): v is number => v !== undefined) ? values : undefined;
    // The round with the median figure stands for the row (the first one when the figure has no number).
    let representative = seen[0]!;
    if (numeric !== undefined) {
      const order = numeric.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
      representative = seen[order[(order.length - 1) >> 1]!.index]!;
    }
    const metRounds = seen.filter((row) => row.pass).length;
    const informational = seen.some((row) => row.informational === true);
    const verdict: Verdict = informational ? 'info' : metRounds === rounds.length ? 'ok' : metRounds === 0 ? 'miss' : 'noisy';
    let spread: string | undefined;
    if (numeric !== undefined && numeric.length > 1) {
      const min = Math.min(...numeric);
      const max = Math.max(...numeric);
      const mid = leadingNumber(representative.measured)!;
      const pct = mid === 0 ? 0 : ((max - min) / 2 / Math.abs(mid)) * 100;
      spread = `${format(min)}–${format(max)} (±${pct.toFixed(0)}%)`;
    }
    return { name, measured: representative.measured, target: representative.target, verdict, metRounds, ...(spread !== undefined ? { spread } : {}) };
  });
}
