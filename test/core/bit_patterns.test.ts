// Push-constant words of 64-bit parameters: low word first, integers modulo 2^64, doubles by their bit pattern.
import { describe, expect, it } from 'vitest';
import { f64Words, u64Words } from '../../src/index.js';
import { HalError, StatusCode } from '../../src/core/errors.js';

describe('64-bit push-constant words', () => {
  it('u64Words splits an integer into low and high words, negative values as two\'s complement', () => {
    expect(u64Words(0x1234_5678_9abc_def0n)).toEqual([0x9abcdef0, 0x12345678]);
    expect(u64Words(-1n)).toEqual([0xffffffff, 0xffffffff]);
    expect(u64Words(5n)).toEqual([5, 0]);
  });

  it('f64Words gives the IEEE-754 double bits, low word first', () => {
    expect(f64Words(1)).toEqual([0, 0x3ff00000]);
    expect(f64Words(-0.5)).toEqual([0, 0xbfe00000]);
  });

  it('u64Words refuses a number (which could not hold every 64-bit value exactly), naming the value', () => {
    let error: unknown;
    try {
      u64Words(5 as unknown as bigint);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HalError);
    expect((error as HalError).code).toBe(StatusCode.INVALID_ARGUMENT);
    expect((error as HalError).message).toMatch(/u64Words value must be a bigint \(got 5\)/);
  });
});
