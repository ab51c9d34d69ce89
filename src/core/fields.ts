/**
 * Unknown fields and labels, checked the same way at every entry point (DESIGN.md rule 10). In JavaScript a
 * misspelled option (`signal:` for `signals:`) would otherwise be silently ignored, and the operation would run
 * without the synchronization the caller meant to ask for; so every options object is checked against the fields
 * its entry point knows, and the error names the field and the nearest known name.
 */
import { type HalError, invalidArgument } from './errors.js';
import { describe } from './validation.js';

/** The fields an options object may carry, for `checkKnownFields` (build once per entry point, never per call). */
export class KnownFields {
  private readonly names: ReadonlySet<string>;

  constructor(readonly list: readonly string[]) {
    this.names = new Set(list);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }
}

/**
 * Throws INVALID_ARGUMENT naming the first own enumerable field of `value` that `known` lacks, with the nearest
 * known name when one is close (else the list of known names). `what` names the object ("fill operation").
 */
export function checkKnownFields(what: string, value: object, known: KnownFields): void {
  // for-in over a small options literal is the cheapest complete walk; inherited fields are not the caller's.
  for (const key in value) {
    if (!known.has(key) && Object.prototype.hasOwnProperty.call(value, key)) throw unknownField(what, key, known.list);
  }
}

export function unknownField(what: string, key: string, known: readonly string[]): HalError {
  return invalidArgument(`${what} has unknown field ${JSON.stringify(key)}; ${suggestion(key, known)}`);
}

/** "did you mean "signals"?" when a known name is close to `key`, else the list of known names. */
export function suggestion(key: string, known: readonly string[]): string {
  const nearest = nearestName(key, known);
  return nearest !== undefined ? `did you mean ${JSON.stringify(nearest)}?` : `known fields: ${known.join(', ') || 'none'}`;
}

/**
 * The known name closest to `key` by edit distance (case-insensitive), if it is close enough to be a likely typo:
 * at most a third of the longer name's length, and at least 1 — or the key is a prefix/extension of it.
 */
export function nearestName(key: string, known: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const n = name.toLowerCase();
    const d = editDistance(k, n);
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  if (best === undefined) return undefined;
  const b = best.toLowerCase();
  const limit = Math.max(1, Math.floor(Math.max(k.length, b.length) / 3));
  return bestDistance <= limit || (k.length >= 3 && (b.startsWith(k) || k.startsWith(b))) ? best : undefined;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), on two short strings. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

/** One rule for every label: absent, or a string. `what` names the field ("createBuffer label"). */
export function checkLabel(what: string, label: unknown): string | undefined {
  if (label !== undefined && typeof label !== 'string') throw invalidArgument(`${what} must be a string (got ${describe(label)})`);
  return label;
}
