/**
 * Assertions on HalErrors, shared by every suite: each returns the error so a test can look closer.
 * A string pattern must occur in the message; a RegExp must match it.
 */
import { expect } from 'vitest';
import { HalError, type StatusCode } from '../../src/core/errors.js';

type Pattern = string | RegExp;

/** Runs `fn`, which must throw a HalError (of any code), and returns it. */
export function thrownHalError(fn: () => unknown): HalError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a HalError').toBeInstanceOf(HalError);
  return thrown as HalError;
}

/** Awaits `promise`, which must reject with a HalError (of any code), and returns it. */
export async function rejectionOf(promise: Promise<unknown>): Promise<HalError> {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a rejection with a HalError').toBeInstanceOf(HalError);
  return thrown as HalError;
}

/** Expects `fn` to throw a HalError with `code` whose message matches every pattern. */
export function expectHalError(fn: () => unknown, code: StatusCode, ...patterns: Pattern[]): HalError {
  return checked(thrownHalError(fn), code, patterns);
}

/** Expects `promise` to reject with a HalError with `code` whose message matches every pattern. */
export async function expectRejects(promise: Promise<unknown>, code: StatusCode, ...patterns: Pattern[]): Promise<HalError> {
  return checked(await rejectionOf(promise), code, patterns);
}

function checked(error: HalError, code: StatusCode, patterns: Pattern[]): HalError {
  expect(error.code, error.message).toBe(code);
  for (const pattern of patterns) expect(error.message).toMatch(pattern);
  return error;
}
