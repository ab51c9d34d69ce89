/**
 * docs/design.md's map of the code matches the tree: every path it names exists, and every folder of src/ and
 * every file of src/core/ is named in it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const design = readFileSync(join(ROOT, 'docs/design.md'), 'utf8');
const map = design.slice(design.indexOf('## Layout of the repository'));
/** The first column of each table row: the paths it names. */
const cells = map
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) => line.split('|')[1]!);

function pathsOf(cell: string): string[] {
  const tokens = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  let base = '';
  return tokens.map((token) => {
    if (token.includes('/') && !token.startsWith('.')) {
      base = token.endsWith('/') ? token : dirname(token);
      return token;
    }
    return join(base, token);
  });
}

const named = cells.flatMap(pathsOf);

describe("docs/design.md's map of the code", () => {
  it('names only paths that exist', () => {
    const missing = named.filter((path) => !existsSync(join(ROOT, path.replace(/\/$/, ''))));
    expect(missing).toEqual([]);
  });

  it('names every folder of src/ and every file of src/core/', () => {
    const mentioned = (path: string): boolean => named.some((n) => n.replace(/\/$/, '') === path) || map.includes(path);
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `src/${e.name}`);
    const coreFiles = readdirSync(join(ROOT, 'src/core'), { withFileTypes: true }).map((e) => `src/core/${e.name}`);
    expect([...folders, ...coreFiles].filter((path) => !mentioned(path))).toEqual([]);
  });
});
