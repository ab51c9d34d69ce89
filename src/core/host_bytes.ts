/**
 * Host bytes given to update and upload, copied at call time (rule 6). A detached ArrayBuffer (transferred to a
 * worker or by `structuredClone`), or a view over one, cannot be read: that is INVALID_ARGUMENT naming the field,
 * not the TypeError the copy would throw.
 */
import { invalidArgument } from './errors.js';
import { describe } from './validation.js';

export function copyHostBytes(what: string, data: unknown): Uint8Array {
  if (!(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) {
    throw invalidArgument(`${what} must be an ArrayBuffer or a typed array (got ${describe(data)})`);
  }
  try {
    if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  } catch (error) {
    // Copying throws only for a detached buffer (slice of a detached ArrayBuffer is a TypeError).
    throw invalidArgument(`${what} is detached: its ArrayBuffer was transferred and has no bytes to read`, error);
  }
}
