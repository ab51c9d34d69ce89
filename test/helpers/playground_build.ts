/**
 * The page loads the compiled package from dist/, so the e2e test needs dist/ current with src/. A fresh clone has it
 * (npm install runs the build); during development a changed source file makes this rebuild with tsc first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
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

/**
 * Builds what the page needs when it is missing or stale; returns what was done, for the test log. Test files run in
 * parallel workers, so builds take a lock: one tsc writes dist/ while the others wait, then find it current.
 */
export function ensureBuilt(): string {
  return withBuildLock(build);
}

function withBuildLock<T>(fn: () => T): T {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const lock = join(ROOT, 'dist', '.playground-build.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) rmSync(lock, { recursive: true, force: true }); // left by a killed run
      else if (Date.now() > deadline) throw new Error(`waited 3 minutes for another playground build (${lock})`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Compiled files in dist/src/ whose source is gone (a file moved or deleted since the last build): tsc never removes
 * them, and left there they would be served, packed and bundled as if they were part of the package.
 */
function orphanedOutputs(): string[] {
  const orphans: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const source = join(ROOT, relative(join(ROOT, 'dist'), path)).replace(/(\.d\.ts|\.js\.map|\.js)$/, '.ts');
        if (/(\.d\.ts|\.js\.map|\.js)$/.test(entry.name) && !existsSync(source)) orphans.push(path);
      }
    }
  };
  walk(join(ROOT, 'dist', 'src'));
  return orphans;
}

function build(): string {
  const notes: string[] = [];
  const orphans = orphanedOutputs();
  for (const orphan of orphans) rmSync(orphan);
  if (orphans.length > 0) notes.push(`removed ${orphans.length} compiled file(s) whose source is gone, e.g. ${relative(ROOT, orphans[0]!)}`);
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
