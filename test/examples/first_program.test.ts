/** The README's first program runs as written and prints what the README says it prints. */
import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => vi.restoreAllMocks());

it('examples/first_program.ts prints sixteen 42s and the final semaphore value', async () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')); });
  await import('../../examples/first_program.js');
  expect(lines).toEqual([new Array(16).fill(42).join(','), 'filled = 1']);
});
