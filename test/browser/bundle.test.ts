/**
 * gpuhal in a browser bundle, built the way a user would: `esbuild --bundle` with no flags and `vite build` with no
 * configuration, on a page script that imports 'gpuhal' and 'gpuhal/kernels'. Each bundle must not reach koffi
 * (package.json's "browser" map leaves the hip backend out), and each must run: headless Chromium opens a simulated
 * device, dispatches the saxpy kernel (the sample HIP-C, which the build precompiled, so no compiler is bundled)
 * across two queues and reads the result back. The Vite build is served as Vite serves a production build (`vite
 * preview`), so the page loads its module script and assets over HTTP.
 *
 * The bundler resolves 'gpuhal' through node_modules/gpuhal, a link to this repository, so it reads the package's
 * own package.json and dist/ as it would an installed copy.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/playground_build.js';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const chromiumPresent = existsSync(CHROMIUM) || process.env.CI === 'true';
const work = mkdtempSync(join(tmpdir(), 'gpuhal-browser-'));

/** The page script: everything a user needs to dispatch a kernel, from the package's public entry points. */
const PAGE_SCRIPT = `
import { createDevice } from 'gpuhal';
import { sampleExecutableManifestInput, f32Bits } from 'gpuhal/kernels';

async function main() {
  const device = await createDevice({ backend: 'auto', seed: 3, queueCount: 2 });
  const count = 1024;
  const x = device.createBuffer({ byteLength: count * 4, label: 'x' });
  const y = device.createBuffer({ byteLength: count * 4, label: 'y' });
  const uploaded = device.createSemaphore(0n, { label: 'uploaded' });
  const computed = device.createSemaphore(0n, { label: 'computed' });
  const executable = await device.createExecutable(sampleExecutableManifestInput());
  const layout = executable.entryPoint('saxpy_f32').layout;
  const commands = device.createCommandBuffer({ label: 'saxpy' });
  commands.begin();
  commands.pushDescriptorSet({ layout, set: 0, bindings: [{ binding: 0, buffer: x }, { binding: 1, buffer: y }] });
  commands.pushConstants({ layout, values: [f32Bits(2), count] });
  commands.dispatch({ executable, entryPoint: 'saxpy_f32', workgroupCount: [count / 256, 1, 1] });
  commands.end();
  device.queues[1].execute({ label: 'saxpy', commandBuffers: [commands], waits: [{ semaphore: uploaded, value: 2n }], signals: [{ semaphore: computed, value: 1n }] });
  device.queues[0].update({ label: 'x', buffer: x, data: Float32Array.from({ length: count }, (_, i) => i), signals: [{ semaphore: uploaded, value: 1n }] });
  device.queues[0].update({ label: 'y', buffer: y, data: new Float32Array(count).fill(1), waits: [{ semaphore: uploaded, value: 1n }], signals: [{ semaphore: uploaded, value: 2n }] });
  const bytes = await device.queues[0].read({ buffer: y, waits: [{ semaphore: computed, value: 1n }] });
  const out = new Float32Array(bytes.buffer, bytes.byteOffset, count);
  const info = device.info;
  await device[Symbol.asyncDispose]();
  return { backend: info.backend, notes: info.backendNotes, format: executable.format, first: Array.from(out.slice(0, 4)), last: out[count - 1] };
}

main().then((result) => { globalThis.gpuhalResult = result; }, (error) => { globalThis.gpuhalResult = { error: String(error && error.stack || error) }; });
`;

let esbuildBundle = '';
const VITE_OUT = 'vite-out';

beforeAll(async () => {
  ensureBuilt();
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(ROOT, join(work, 'node_modules', 'gpuhal'), 'dir');
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'browser-consumer', private: true, type: 'module' }));
  writeFileSync(join(work, 'page.js'), PAGE_SCRIPT);
  const esbuild = join(ROOT, 'node_modules', '.bin', 'esbuild');
  await run(esbuild, ['page.js', '--bundle', '--outfile=out/bundle.js', '--metafile=out/meta.json'], { cwd: work });
  esbuildBundle = readFileSync(join(work, 'out', 'bundle.js'), 'utf8');
  writeFileSync(join(work, 'index.html'), '<!doctype html><title>gpuhal vite bundle</title><script type="module" src="./page.js"></script>');
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await run(process.execPath, [vite, 'build', '--logLevel', 'error', '--outDir', VITE_OUT], { cwd: work, env: { ...process.env, NO_COLOR: '1' } });
}, 120_000);

/** What the page script leaves in `globalThis.gpuhalResult` once `load` put it on a page in headless Chromium. */
async function resultInChromium(load: (page: Page) => Promise<void>): Promise<{ result: unknown; errors: string[] }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('requestfailed', (request) => errors.push(`${request.url()}: ${request.failure()?.errorText}`));
    await load(page);
    await page.waitForFunction(() => (globalThis as { gpuhalResult?: unknown }).gpuhalResult !== undefined, undefined, { timeout: 60_000 });
    return { result: await page.evaluate(() => (globalThis as { gpuhalResult?: unknown }).gpuhalResult), errors };
  } finally {
    await browser.close();
  }
}

/** y = 2·x + 1 over 1024 values, computed on the simulator; 'auto' in a browser finds the simulator only. */
const SAXPY_RESULT = { backend: 'sim', notes: expect.any(Array), format: 'hip-source', first: [1, 3, 5, 7], last: 2 * 1023 + 1 };

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a browser bundle of gpuhal', () => {
  it('esbuild --bundle with no flags: no koffi, no hip backend, no node: built-ins', () => {
    const meta = JSON.parse(readFileSync(join(work, 'out', 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
    const contributions = Object.entries(Object.values(meta.outputs)[0]!.inputs);
    const inputs = contributions.map(([path]) => path);
    expect(inputs.some((path) => path.includes('/backends/sim/'))).toBe(true);
    expect(inputs.filter((path) => /koffi|\/backends\/hip\/|^node:/.test(path))).toEqual([]);
    // Validation stays a small share: zod's mini build and one locale, not the full build with every locale.
    const zodBytes = contributions.filter(([path]) => path.includes('node_modules/zod/')).reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    expect(inputs.filter((path) => /node_modules\/zod\/.*locales\//.test(path)).map((path) => path.replace(/.*\//, ''))).toEqual(['en.js']);
    expect(inputs.some((path) => path.includes('zod/v4/classic/'))).toBe(false);
    const kB = statSync(join(work, 'out', 'bundle.js')).size / 1024;
    console.log(`browser bundle (esbuild --bundle, unminified): ${kB.toFixed(0)} kB from ${inputs.length} inputs, of which zod ${(zodBytes / 1024).toFixed(0)} kB`);
  });

  it('vite build with no configuration bundles it too, without koffi', () => {
    const assets = readdirSync(join(work, VITE_OUT, 'assets')).filter((f) => f.endsWith('.js'));
    expect(assets.length).toBeGreaterThan(0);
    const code = assets.map((f) => readFileSync(join(work, VITE_OUT, 'assets', f), 'utf8')).join('\n');
    expect(code).toContain('saxpy_f32');
    expect(code).not.toMatch(/koffi|libamdhip64/);
  });

  it.skipIf(!chromiumPresent)('runs the esbuild bundle in headless Chromium: a kernel dispatched across two queues gives y = 2·x + 1', async () => {
    const { result, errors } = await resultInChromium(async (page) => {
      await page.setContent('<!doctype html><title>gpuhal bundle</title>');
      await page.addScriptTag({ content: esbuildBundle });
    });
    expect(errors).toEqual([]);
    expect(result).toEqual(SAXPY_RESULT);
  }, 120_000);

  it.skipIf(!chromiumPresent)('runs the Vite build in headless Chromium, served by vite preview: the same kernel gives the same values', async () => {
    const server = await preview({
      root: work,
      logLevel: 'error',
      configFile: false,
      build: { outDir: VITE_OUT },
      preview: { host: '127.0.0.1', port: 0, strictPort: true },
    });
    try {
      const url = server.resolvedUrls?.local[0];
      expect(url, 'vite preview gave no local URL').toBeDefined();
      const { result, errors } = await resultInChromium(async (page) => {
        await page.goto(url!);
      });
      expect(errors).toEqual([]);
      expect(result).toEqual(SAXPY_RESULT);
    } finally {
      await server.close();
    }
  }, 120_000);

  if (!chromiumPresent) {
    it.skip(`skipped: ${CHROMIUM} is not installed (apt-get install chromium; CI installs it and runs this test)`, () => {});
  }
});
