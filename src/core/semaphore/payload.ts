/**
 * Timeline payloads are unsigned 64-bit integers carried as bigint (docs/design.md rule 1). Every entry point checks
 * them here so a negative, fractional or oversized value is rejected with INVALID_ARGUMENT naming the field.
 */
import { invalidArgument } from '../errors.js';

export const MAX_PAYLOAD = (1n << 64n) - 1n;

/** Returns `value` as a u64 bigint or throws INVALID_ARGUMENT naming `field`. */
export function checkPayload(field: string, value: unknown): bigint {
  if (typeof value !== 'bigint') {
    throw invalidArgument(`${field} must be a bigint between 0n and 2n**64n - 1n (got ${describe(value)})`);
  }
  if (value < 0n || value > MAX_PAYLOAD) {
    throw invalidArgument(`${field} must be between 0n and 2n**64n - 1n (got ${value}n)`);
  }
  return value;
}

/** Renders an arbitrary input for an error message without throwing. */
export function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `array of ${value.length}`;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  const label = (value as { label?: unknown }).label;
  return typeof label === 'string' ? `${name ?? 'object'} ${label}` : name ?? 'object';
}
