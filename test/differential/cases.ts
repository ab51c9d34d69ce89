/**
 * The programs both differential tests run: the sim-vs-sim test (every `npm test`) proves each one race-free, so
 * the sim-vs-GPU test may demand byte equality of exactly these. Mostly small programs, plus two long ones whose
 * dependency graphs are deeper and whose queues hold more pending work at once.
 */
export interface DifferentialCase {
  readonly seed: number;
  readonly steps: number;
}

export const DIFFERENTIAL_CASES: readonly DifferentialCase[] = [
  ...[1, 2, 3, 4, 5, 6].map((seed) => ({ seed, steps: 36 })),
  { seed: 7, steps: 160 },
  { seed: 8, steps: 160 },
];

export const caseName = (c: DifferentialCase): string => `program ${c.seed} (${c.steps} random steps)`;
