/**
 * The package as a user gets it: `npm pack`, then install the tarball into an empty project and use it from there —
 * the `gpuhal` command (demo, playground), an ESM import, and a type check of a small TypeScript consumer.
 *
 * The install is offline: the tarball is local and so are its dependencies, packed from the repository's own
 * node_modules. It omits optional dependencies, so it is also the simulator-only install: koffi (the hip backend's
 * FFI) is optional, and without it hip reports itself unavailable while everything else works.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/playground_build.js';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'gpuhal-pack-'));
const project = join(work, 'consumer');
const installed = join(project, 'node_modules', 'gpuhal');
const TIMEOUT = 240_000;

let packedFiles: string[] = [];

function npm(args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
}

function gpuhal(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return run(join(project, 'node_modules', '.bin', 'gpuhal'), [...args], { cwd: project, env: { ...process.env, NO_COLOR: '1' } });
}

beforeAll(async () => {
  // The tarball takes dist/ as it is; bring it up to date first (shared lock with the playground suites).
  ensureBuilt();
  // The dependencies are packed from the repository's node_modules: an offline install cannot resolve a version
  // range (that needs the registry's package list), but it takes tarballs whose versions satisfy gpuhal's ranges.
  const { dependencies = {} } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const sources = [ROOT, ...Object.keys(dependencies).map((name) => join(ROOT, 'node_modules', name))];
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work, ...sources], ROOT);
  const tarballs = JSON.parse(packed.stdout) as { name: string; filename: string; files: { path: string }[] }[];
  packedFiles = tarballs.find((t) => t.name === 'gpuhal')!.files.map((f) => f.path);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  // The simulator-only install a browser or CI user gets: koffi (the hip backend's FFI) is optional and left out.
  await npm(['install', '--offline', '--omit=optional', ...tarballs.map((t) => join(work, t.filename))], project);
}, TIMEOUT);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('carries what the installed package needs: the playground page, the license, the built modules', () => {
    for (const file of ['LICENSE', 'README.md', 'bin/gpuhal.js', 'src/playground/static/index.html', 'src/playground/static/playground.css', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/playground/page/main.js']) {
      expect(packedFiles, file).toContain(file);
    }
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it('leaves out what it does not: benches, examples, tests, the asm sources', () => {
    const strays = packedFiles.filter((f) => /^(dist\/(bench|examples|test)\/|test\/|bench\/|asm\/|examples\/)/.test(f));
    expect(strays).toEqual([]);
  });

  it('ships the source of every source map it ships', () => {
    const maps = packedFiles.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(installed, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const path = posix.normalize(posix.join(posix.dirname(map), source));
        if (!packedFiles.includes(path)) missing.push(`${map} → ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('installed into an empty project', () => {
  it('runs gpuhal demo', async () => {
    const { stdout } = await gpuhal(['demo']);
    expect(stdout).toMatch(/Result: all 4096 values match the reference/);
  }, TIMEOUT);

  it('without the optional koffi, hip is unavailable with the reason and the simulator works', async () => {
    expect(existsSync(join(project, 'node_modules', 'koffi'))).toBe(false);
    const { stdout } = await gpuhal(['devices', '--json']);
    const { backends } = JSON.parse(stdout) as { backends: { name: string; available: boolean; reason?: string }[] };
    expect(backends.find((b) => b.name === 'sim')?.available).toBe(true);
    const hip = backends.find((b) => b.name === 'hip');
    expect(hip?.available).toBe(false);
    expect(hip?.reason).toMatch(/koffi/);
  }, TIMEOUT);

  it('serves the playground page with gpuhal playground', async () => {
    const child = spawn(join(project, 'node_modules', '.bin', 'gpuhal'), ['playground', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        child.stdout.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const match = /(http:\/\/\S+\/)/.exec(seen);
          if (match) resolve(match[1]!);
        });
        child.stderr.on('data', (chunk: Buffer) => (seen += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`gpuhal playground exited with ${code}: ${seen}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<title>gpuhal playground</title>');
      // Everything the page loads before it runs: its stylesheet, its entry module and the validation library.
      for (const asset of [...html.matchAll(/(?:href|src)="(\/[^"]+)"/g)].map((m) => m[1]!)) {
        expect((await fetch(new URL(asset, url))).status, asset).toBe(200);
      }
      const importMap = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!) as { imports: Record<string, string> };
      for (const target of Object.values(importMap.imports)) expect((await fetch(new URL(target, url))).status, target).toBe(200);
    } finally {
      child.kill('SIGINT');
    }
  }, TIMEOUT);

  it('is imported as an ES module and runs a program on the simulator', async () => {
    writeFileSync(
      join(project, 'program.mjs'),
      [
        "import { createDevice } from 'gpuhal';",
        "import { sampleKernelSpecs } from 'gpuhal/kernels';",
        "const device = await createDevice({ backend: 'sim', seed: 1 });",
        'const buffer = device.createBuffer({ byteLength: 8 });',
        "const done = device.createSemaphore(0n, { label: 'done' });",
        'device.queue.fill({ buffer, pattern: 7, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });',
        'const bytes = await device.queue.read({ buffer, waits: [{ semaphore: done, value: 1n }] });',
        'console.log(Array.from(bytes).join(","), String(done.query()), sampleKernelSpecs.length > 0);',
        'await device[Symbol.asyncDispose]();',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['program.mjs'], { cwd: project });
    expect(stdout.trim()).toBe('7,7,7,7,7,7,7,7 1 true');
  }, TIMEOUT);

  it('type-checks a TypeScript consumer against the shipped declarations', async () => {
    const consumer = join(project, 'typed');
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'consumer.ts'),
      [
        "import { createDevice, Device, HalError } from 'gpuhal';",
        "import { renderTimeline } from 'gpuhal/trace';",
        'export async function size(): Promise<number> {',
        "  const device: Device = await createDevice({ backend: 'sim', sim: { mode: 'manual', logLimit: 10 }, hip: { platform: 'amd' } });",
        '  const buffer = device.createBuffer({ byteLength: 64 });',
        '  return buffer.byteLength + (HalError.is(null) ? 1 : 0) + (typeof renderTimeline === "function" ? 0 : 1);',
        '}',
        '// Misuses the declarations must reject: byteLength is a number; the simulator has no "fast" mode.',
        "export async function wrong(device: Device): Promise<void> { device.createBuffer({ byteLength: '64' }); }",
        "export const wrongMode = createDevice({ sim: { mode: 'fast' } });",
        '// A manifest whose entry point lacks its layout; a device made with `new` instead of createDevice.',
        "export const wrongManifest = (device: Device) => device.createExecutable({ name: 'k', entryPoints: [{ name: 'k', workgroupSize: [1, 1, 1] }], payloads: {} });",
        'export const wrongDevice = () => new Device();',
      ].join('\n'),
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')], lib: ['ES2022', 'ESNext.Disposable'] }, files: ['consumer.ts'] }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', consumer], { cwd: consumer }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    // Exactly the planted errors: everything else in the consumer type-checks against the package, without koffi.
    const errors = result.out.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors, errors.join("\n")).toHaveLength(4);
    expect(errors[0]).toMatch(/consumer\.ts\(9,.*string.*number/);
    expect(errors[1]).toMatch(/consumer\.ts\(10,.*"fast"/);
    expect(errors[2]).toMatch(/consumer\.ts\(12,.*'layout'/);
    expect(errors[3]).toMatch(/consumer\.ts\(13,.*private/);
  }, TIMEOUT);

  it('unpacks to the declared files only', () => {
    expect(readdirSync(installed).sort()).toEqual(['LICENSE', 'README.md', 'bin', 'dist', 'package.json', 'src']);
  });
});
