/**
 * The shipped declarations hold no internal member: every class member whose doc comment says `@internal` is
 * stripped from the emitted .d.ts (tsconfig.json's stripInternal), so users see only the public surface.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Members tagged `@internal` in a source file: the name declared after the tag's doc comment. */
function internalMembers(source: string): string[] {
  const names: string[] = [];
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    if (!line.includes('@internal')) return;
    let j = i;
    while (j < lines.length && !lines[j]!.includes('*/')) j++;
    const declaration = lines[j + 1] ?? '';
    const match = /^\s+(?:readonly |static |async |get |set )*([A-Za-z_$][\w$]*)\s*[(:<?=;]/.exec(declaration);
    if (match) names.push(match[1]!);
  });
  return names;
}

describe('shipped declarations', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'gpuhal-dts-'));
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json'), '--emitDeclarationOnly', '--outDir', out], {
      stdio: 'pipe',
    });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('strip every @internal member', () => {
    const tagged = sourceFiles(join(ROOT, 'src')).map((file) => ({ file, names: internalMembers(readFileSync(file, 'utf8')) }));
    const all = tagged.flatMap((t) => t.names);
    // The members the core keeps to itself; if these stop being tagged the check below would prove nothing.
    expect(all).toEqual(expect.arrayContaining(['advance', 'failWith', 'addTimepoint', 'encode', 'capture', 'forceFree', 'retain', 'release']));
    for (const { file, names } of tagged) {
      if (names.length === 0) continue;
      const dts = readFileSync(join(out, relative(ROOT, file)).replace(/\.ts$/, '.d.ts'), 'utf8');
      for (const name of names) {
        expect(dts, `${relative(ROOT, file)}: ${name}`).not.toMatch(new RegExp(`^\\s+(?:readonly |static |get |set )*${name.replace('$', '\\$')}[(:<?;]`, 'm'));
      }
    }
  });

  it('still declare the public members', () => {
    const semaphore = readFileSync(join(out, 'src/core/semaphore/semaphore.d.ts'), 'utf8');
    for (const name of ['query', 'signal', 'fail', 'wait', 'counts']) expect(semaphore).toMatch(new RegExp(`^\\s+(?:get )?${name}\\(`, 'm'));
  });
});
