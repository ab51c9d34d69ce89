/**
 * The public types: the shipped declarations hold no internal member (every class member whose doc comment says
 * `@internal` is stripped from the emitted .d.ts by tsconfig.json's stripInternal), and the parameters a user writes
 * are typed so tsc rejects a wrong one. The `@ts-expect-error` lines are assertions of their own: `npm run
 * typecheck` (tsconfig.test.json) fails if tsc accepts the line below one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device, GpuBuffer, Queue, Semaphore, type ExecutableManifestInput } from '../../src/index.js';
import { sampleExecutableManifestInput } from '../../src/kernels/index.js';
import { StatusCode } from '../../src/core/errors.js';
import { testDevice } from '../helpers/device.js';
import { expectRejects } from '../helpers/hal_errors.js';

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

/** The declarations `npm pack` would ship, emitted once for every check below. */
let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'gpuhal-dts-'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json'), '--emitDeclarationOnly', '--outDir', out], {
    stdio: 'pipe',
  });
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('shipped declarations', () => {

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

describe('createExecutable manifest type', () => {
  const sample = (): ExecutableManifestInput => sampleExecutableManifestInput();
  const entry = () => sample().entryPoints[0]!;

  it('accepts a manifest written as a literal', async () => {
    const device = await testDevice();
    const { entryPoints, payloads } = sample();
    const executable = await device.createExecutable({ name: 'typed', entryPoints, payloads });
    expect(executable.label).toBe('typed');
  });

  // Each wrong manifest is rejected twice: by tsc at compile time (the @ts-expect-error line) and, for JavaScript
  // callers, at run time with an error naming the field and the value.
  it('rejects a wrong manifest at compile time and at run time', async () => {
    const device = await testDevice();
    const { name, entryPoints, payloads } = sample();
    const INVALID = StatusCode.INVALID_ARGUMENT;
    // @ts-expect-error a manifest must be an object
    await expectRejects(device.createExecutable('samples'), INVALID, 'must be an object');
    // @ts-expect-error entryPoints is required
    await expectRejects(device.createExecutable({ name, payloads }), INVALID, 'entryPoints');
    // @ts-expect-error name must be a string
    await expectRejects(device.createExecutable({ name: 7, entryPoints, payloads }), INVALID, 'name', '7');
    // @ts-expect-error a misspelt field is not in the type
    await expectRejects(device.createExecutable({ name, entryPoints, payloads, entryPoint: [] }), INVALID, 'entryPoint');
    const twoSizes = { ...entry(), workgroupSize: [64, 1] };
    // @ts-expect-error workgroupSize has three dimensions
    await expectRejects(device.createExecutable({ name, entryPoints: [twoSizes], payloads }), INVALID, 'workgroupSize');
    const badLayout = { ...entry(), layout: { sets: [] } };
    // @ts-expect-error layout.pushConstants is required
    await expectRejects(device.createExecutable({ name, entryPoints: [badLayout], payloads }), INVALID, 'pushConstants');
    // @ts-expect-error a payload's bytes are a Uint8Array or base64 text
    await expectRejects(device.createExecutable({ name, entryPoints, payloads: { 'sim-wasm': { bytes: 42 } } }), INVALID, 'bytes', '42');
  });
});

describe('constructors of the public classes', () => {
  /** Every name the package's main entry exports, values and types, under the name a user imports it by. */
  function exportedNames(): Set<string> {
    const index = readFileSync(join(out, 'src/index.d.ts'), 'utf8');
    const names = new Set<string>();
    for (const [, list] of index.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
      for (const item of list!.split(',')) {
        const name = item.trim().replace(/^type /, '').split(/\s+as\s+/).pop()!.trim();
        if (name !== '') names.add(name);
      }
    }
    return names;
  }

  it('name only types the package exports (objects a device creates have private constructors)', () => {
    const exported = exportedNames();
    const builtins = new Set(['Uint8Array', 'ArrayBuffer', 'ArrayBufferView', 'Readonly', 'Partial', 'Record', 'Error', 'Promise']);
    const leaks: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'src/core'))) {
      const dts = readFileSync(join(out, relative(ROOT, file)).replace(/\.ts$/, '.d.ts'), 'utf8');
      for (const [, name, body] of dts.matchAll(/export (?:declare )?(?:abstract )?class (\w+)[^{]*\{([\s\S]*?)\n\}/g)) {
        if (!exported.has(name!)) continue;
        const ctor = /^ {4}(?:protected )?constructor\(([\s\S]*?)\);$/m.exec(body!);
        if (ctor === null) continue;
        const types = new Set([...ctor[1]!.matchAll(/:\s*([^,]+)/g)].flatMap(([, type]) => type!.match(/\b[A-Z]\w*/g) ?? []));
        for (const type of types) if (!exported.has(type) && !builtins.has(type)) leaks.push(`${name}: ${type}`);
      }
    }
    expect(leaks).toEqual([]);
    for (const [file, name] of [['core/device', 'Device'], ['core/gpu_buffer', 'GpuBuffer'], ['core/semaphore/semaphore', 'Semaphore'], ['core/queue/queue', 'Queue']]) {
      expect(readFileSync(join(out, `src/${file}.d.ts`), 'utf8'), name).toMatch(/^ {4}private constructor\(\);$/m);
    }
  });
});

/**
 * Type-level only, never called: `npm run typecheck` fails unless tsc rejects each line under a @ts-expect-error, so
 * a constructor that turns public again (with its internal parameter types) breaks the build of the tests.
 */
function objectsADeviceCreatesHavePrivateConstructors(device: Device, internal: never): unknown[] {
  // `internal` stands for the internal arguments, so the private constructor is the only error tsc can report.
  return [
    // @ts-expect-error devices come from createDevice
    new Device(device.driver, 'sim', internal, []),
    // @ts-expect-error semaphores come from device.createSemaphore
    new Semaphore(internal, 0n),
    // @ts-expect-error buffers come from device.createBuffer
    new GpuBuffer(device.context, { byteLength: 4 }, internal, () => {}),
    // @ts-expect-error queues come with the device
    new Queue(internal, 0),
  ];
}
void objectsADeviceCreatesHavePrivateConstructors;
