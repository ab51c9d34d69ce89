/**
 * Timeline payloads are unsigned 64-bit integers carried as bigint (docs/design.md rule 1). Every entry point checks
 * them here so a negative, fractional or oversized value is rejected with INVALID_ARGUMENT naming the field.
 */
import { invalidArgument } from '../errors.js';
import { describe } from '../validation.js';

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

