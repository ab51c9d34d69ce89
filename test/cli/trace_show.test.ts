/** `gpuhal trace show <file>`: renders a recorded file (golden) and fails clearly on missing or invalid files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { cli } from '../helpers/run_cli.js';
import { collector, expectGolden } from './golden.js';

const dir = mkdtempSync(join(tmpdir(), 'gpuhal-show-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());


describe('gpuhal trace show', () => {
  it('draws a demo trace at the requested width (golden) and lists events with --events', async () => {
    const file = join(dir, 'demo.json');
    expect(await runDemo({ backend: 'sim', seed: 1, out: collector().out, traceOut: file })).toBe(0);
    const shown = await cli('trace', 'show', file, '--width', '80');
    expect(shown.code).toBe(0);
    expectGolden('trace_show_80.txt', `${shown.stdout}\n`);
    for (const line of shown.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    const withEvents = await cli('trace', 'show', file, '--events');
    expect(withEvents.code).toBe(0);
    expect(withEvents.stdout).toContain('Events:');
    expect(withEvents.stdout).toContain('queue1: submitted "saxpy" (execute); it waits for x-ready ≥ 1, y-ready ≥ 1 and will signal result = 1');
  });

  it('a missing file: exit 1, the message names the file and the problem', async () => {
    const missing = join(dir, 'missing.json');
    const r = await cli('trace', 'show', missing);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`gpuhal trace show: cannot read ${missing}: no such file`);
  });

  it('not JSON, or JSON that is not a gpuhal trace: exit 1 naming the file', async () => {
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, 'not json at all');
    const r1 = await cli('trace', 'show', garbage);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(`${garbage} is not valid JSON`);
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"traceEvents": 3}');
    const r2 = await cli('trace', 'show', other);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(other);
    expect(r2.stderr).toContain('INVALID_ARGUMENT');
  });

  it('usage errors exit 2', async () => {
    expect((await cli('trace', 'show')).code).toBe(2);
    expect((await cli('trace', 'list', 'x')).code).toBe(2);
    const width = await cli('trace', 'show', 'x.json', '--width', '10');
    expect(width.code).toBe(2);
    expect(width.stderr).toContain('--width must be an integer from 40 to 1000 (got "10")');
  });
});
