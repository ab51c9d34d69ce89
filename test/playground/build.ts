/**
 * The page loads the compiled package from dist/, so the e2e test needs dist/ current with src/. A fresh clone has it
 * (npm install runs the build); during development a changed source file makes this rebuild with tsc first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Source files under src/ whose compiled module in dist/src/ is missing or older than they are. */
function staleSources(): string[] {
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const compiled = join(ROOT, 'dist', relative(ROOT, path)).replace(/\.ts$/, '.js');
        if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(path).mtimeMs) stale.push(relative(ROOT, path));
      }
    }
  };
  walk(join(ROOT, 'src'));
  return stale;
}

/** Builds what the page needs when it is missing or stale; returns what was done, for the test log. */
export function ensureBuilt(): string {
  const notes: string[] = [];
  if (!existsSync(join(ROOT, 'src', 'backends', 'sim', 'generated', 'device_wasm.ts'))) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-asm.mjs')], { cwd: ROOT, stdio: 'pipe' });
    notes.push('built the simulator wasm');
  }
  const stale = staleSources();
  if (stale.length > 0) {
    // tsc emits even when another part of the tree has a type error (that is the typecheck's job to report);
    // what the page needs is checked right after.
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'pipe' });
    } catch {
      // reported below if the page's modules did not come out
    }
    const still = staleSources().filter((path) => path.startsWith('src/playground/') || path.startsWith('src/lessons/'));
    if (still.length > 0) throw new Error(`tsc did not produce the playground's modules: ${still.join(', ')}`);
    notes.push(`rebuilt dist/ (${stale.length} stale source file(s), e.g. ${stale[0]})`);
  }
  return notes.length === 0 ? 'dist/ is current' : notes.join('; ');
}
