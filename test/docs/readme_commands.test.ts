/**
 * CI runs exactly what README.md tells a new user to type: the set-up block, then the test block. A command changed
 * in one place and not the other fails here instead of leaving CI testing something no user runs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The commands of the first ```sh block after a heading. */
function shBlockAfter(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, `README has a "## ${heading}" section`).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(markdown.slice(start));
  return block![1]!.split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

/** .ci/run's commands, without comments, shell set-up and the CI-only flags that quiet npm. */
function ciCommands(script: string): string[] {
  return script
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !/^(set |cd |if )/.test(line))
    .map((line) => line.replace(/ --no-audit| --no-fund/g, ''));
}

describe('README and .ci/run', () => {
  it('CI runs the README set-up commands, then its test command, and nothing else', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const expected = [...shBlockAfter(readme, 'Set up and run'), ...shBlockAfter(readme, 'Test')];
    expect(ciCommands(readFileSync(join(root, '.ci', 'run'), 'utf8'))).toEqual(expected);
  });

  it('the README main command is a script of the package, not an npx install', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const main = shBlockAfter(readme, 'Set up and run')[1]!;
    expect(main).toBe('npm run demo');
    expect(scripts.demo).toBe('node bin/gpuhal.js demo');
  });
});
