/**
 * Golden files for terminal output: `expectGolden('name.txt', text)` compares with test/cli/golden/name.txt.
 * After an intended change, regenerate with `UPDATE_GOLDEN=1 npx vitest run test/cli` and review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export function expectGolden(name: string, text: string): void {
  const path = new URL(`./golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

/** Collects `out` lines as one text. */
export function collector(): { out: (line: string) => void; text: () => string } {
  const lines: string[] = [];
  return { out: (line) => lines.push(line), text: () => `${lines.join('\n')}\n` };
}
