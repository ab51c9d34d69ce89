/**
 * `gpuhal demo`: the story, the terminal timeline (golden, 100 columns) and the Perfetto trace file. On the
 * simulator everything runs on the virtual clock, so the same seed must give the same bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { preparePipeline } from '../../src/cli/pipeline.js';
import { createDevice, trace } from '../../src/index.js';
import { collector, expectGolden } from './golden.js';
import { cli } from '../helpers/run_cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gpuhal-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gpuhal demo', () => {
  it('prints the plan, the story and a checked result (golden)', async () => {
    const { out, text } = collector();
    expect(await runDemo({ backend: 'sim', seed: 1, out })).toBe(0);
    expectGolden('demo.txt', text());
  });

  it('--timeline draws lanes per queue and stream and the semaphore values in 100 columns (golden)', async () => {
    const { out, text } = collector();
    expect(await runDemo({ backend: 'sim', seed: 1, out, timeline: true })).toBe(0);
    const output = text();
    expectGolden('demo_timeline.txt', output);
    const timeline = output.slice(output.indexOf('gpuhal timeline'));
    for (const line of timeline.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
    for (const lane of ['queue0', 'queue1', 'stream 1', 'stream 2', 'x-ready', 'y-ready', 'result']) expect(timeline).toMatch(new RegExp(`^${lane} `, 'm'));
  });

  it('same seed → identical output and identical trace bytes; the file reads back to the recorded events', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const file = join(dir, `run${i}.json`);
      const { out, text } = collector();
      expect(await runDemo({ backend: 'sim', seed: 3, out, timeline: true, traceOut: file })).toBe(0);
      runs.push({ output: text().replaceAll(file, 'FILE'), bytes: readFileSync(file, 'utf8') });
    }
    expect(runs[1]!.output).toBe(runs[0]!.output);
    expect(runs[1]!.bytes).toBe(runs[0]!.bytes);
    expect(runs[0]!.output).toContain('Trace written to FILE');
    const events = trace.parseTraceFile(runs[0]!.bytes, 'run0.json');
    expect(events.filter((e) => e.kind === 'submit')).toHaveLength(4);
    expect(events.filter((e) => e.kind === 'op').length).toBeGreaterThan(0);
  });

  it('another seed may reorder what the semaphores leave unordered: seed 2 finishes the upload of y first', async () => {
    const order = async (seed: number): Promise<string[]> => {
      const { out, text } = collector();
      expect(await runDemo({ backend: 'sim', seed, out })).toBe(0);
      return text().split('\n').filter((line) => / upload of [xy] done/.test(line)).map((line) => line.match(/upload of ([xy])/)![1]!);
    };
    expect(await order(1)).toEqual(['x', 'y']);
    expect(await order(2)).toEqual(['y', 'x']);
  });

  it('the --trace-out message counts what the file holds: recorded events and Perfetto trace events', async () => {
    const { out, text } = collector();
    const path = join(dir, 'counted.json');
    expect(await runDemo({ backend: 'sim', seed: 1, out, traceOut: path })).toBe(0);
    const [, recorded, drawn] = /\((\d+) recorded events, drawn as (\d+) Perfetto trace events\)/.exec(text())!;
    const file = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: unknown[]; gpuhal: { events: unknown[] } };
    expect(file.gpuhal.events.length).toBe(Number(recorded));
    expect(file.traceEvents.length).toBe(Number(drawn));
    expect(trace.parseTraceFile(readFileSync(path, 'utf8')).length).toBe(Number(recorded));
  });

  it('reports an unwritable --trace-out path and exits non-zero', async () => {
    const bad = join(dir, 'no-such-dir', 'trace.json');
    const r = await cli('demo', '--trace-out', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^gpuhal demo: UNAVAILABLE: cannot write the trace to \S+no-such-dir\/trace\.json: ENOENT/);
    expect(r.stderr.split('\n')).toHaveLength(1); // one line, no stack trace
  });

  it('the result check rejects wrong bytes (what makes the demo exit 1)', async () => {
    const device = await createDevice({ backend: 'sim', queueCount: 2 });
    try {
      const pipeline = await preparePipeline(device);
      const data = await pipeline.submit();
      expect(pipeline.mismatch(data)).toBeNull();
      const wrong = new Float32Array(data.slice().buffer);
      wrong[7] = wrong[7]! + 1;
      expect(pipeline.mismatch(new Uint8Array(wrong.buffer))).toMatch(/^1 of 4096 values differ from the reference; first at \[7\]/);
      pipeline.destroy();
    } finally {
      await device[Symbol.asyncDispose]();
    }
  });
});
