/**
 * The validation vocabulary every layer uses for bad input: `describe` renders the offending value the same way in
 * every message, and the checks throw INVALID_ARGUMENT naming the field and that value, before anything changes.
 * Unknown fields and labels are checked by fields.ts on the same terms. The core's object and queue checks build
 * on these; backends use them too (with errors.ts and driver.ts, this is
 * what a backend takes from the core), so a message reads the same whichever layer refused the input.
 */
import { invalidArgument } from './errors.js';
import { checkKnownFields, type KnownFields } from './fields.js';

/** A short rendering of any value for an error message; never throws. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const kind = typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
  const label = (value as { label?: unknown }).label;
  return typeof label === 'string' ? `${kind} ${JSON.stringify(label)}` : kind;
}

/** `value` as a safe, non-negative integer, or INVALID_ARGUMENT naming `what`. */
export function nonNegativeInteger(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(`${what} must be a non-negative integer (got ${describe(value)})`);
  }
  return value;
}

/** `value` as a (non-array) object, or INVALID_ARGUMENT naming `what`; with `known`, every field must be one of them. */
export function checkObject<T extends object>(what: string, value: unknown, known?: KnownFields): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(`${what} must be an object (got ${describe(value)})`);
  }
  if (known !== undefined) checkKnownFields(what, value, known);
  return value as T;
}
