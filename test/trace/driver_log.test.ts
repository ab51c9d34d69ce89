/**
 * The simulator's own log of what ran, imported as stream lanes: real WebAssembly device, virtual clock. Needs no
 * hook inside the driver, so it works before the core's trace hooks are wired.
 */
import { describe, expect, test } from 'vitest';
import { createSimDriver, type SimDriver } from '../../src/backends/sim/index.js';
import { sim_testing } from '../../src/backends/sim/generated/kernels/index.js';
import { recordDevice } from '../../src/trace/attach.js';
import { serializeTrace } from '../../src/trace/chrome_trace.js';
import { chromeTraceSchema } from '../../src/trace/chrome_trace_schema.js';
import { importDriverLog } from '../../src/trace/driver_log.js';
import { ofKind } from '../helpers/trace_events.js';
import { renderTimeline } from '../../src/trace/timeline_renderer.js';

const MIB = 1024 * 1024;

/** Stream 1 fills a buffer; stream 2 waits for it on the device, then copies it; stream 1 then runs a faulting kernel. */
async function runOnSim(seed: number): Promise<{ driver: SimDriver; trace: string; text: string; ops: ReturnType<typeof ofKind<'op'>> }> {
  const driver = createSimDriver({ memoryBytes: 16 * MIB, seed, mode: 'manual' });
  const device = { label: 'sim device' };
  const recorder = recordDevice(device, driver);
  const module = driver.moduleLoad({ format: 'sim-wasm', bytes: sim_testing, label: 'sim_testing' });
  const storeAt = driver.moduleGetFunction(module, 'store_at');
  const a = driver.memAlloc(1 * MIB);
  const b = driver.memAlloc(1 * MIB);
  const s1 = driver.streamCreate();
  const s2 = driver.streamCreate();
  const filled = driver.eventCreate();
  driver.memsetAsync({ dst: a, value: 7, elementSize: 4, count: MIB / 4 }, s1);
  driver.eventRecord(filled, s1);
  driver.streamWaitEvent(s2, filled);
  driver.memcpyDtoDAsync({ dst: b, src: a, byteLength: MIB }, s2);
  // Workgroup 1 stores out of bounds: the kernel fails, and the memset after it on the same stream is skipped.
  driver.launchKernel({
    fn: storeAt, workgroupCount: [4, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0,
    bindings: [{ ptr: a, byteLength: 4 }], constants: new Uint32Array([1, 1]),
  }, s1);
  driver.memsetAsync({ dst: a, value: 0, elementSize: 4, count: 1 }, s1);
  driver.runUntilIdle();
  importDriverLog(recorder, device, driver.eventLog());
  const text = renderTimeline(recorder.events);
  const trace = serializeTrace(recorder.events);
  for (const event of [filled]) driver.eventDestroy(event);
  driver.streamDestroy(s1);
  driver.streamDestroy(s2);
  driver.memFree(a);
  driver.memFree(b);
  driver.moduleUnload(module);
  driver.destroy();
  return { driver, trace, text, ops: ofKind(recorder.events, 'op') };
}

describe('sim event log as stream lanes', () => {
  test('lanes per stream with the device-side order: the copy starts after the fill it waited for', async () => {
    const { ops, text } = await runOnSim(1);
    const fill = ops.find((op) => op.opKind === 'fill')!;
    const copy = ops.find((op) => op.opKind === 'copy')!;
    expect(copy.start).toBeGreaterThanOrEqual(fill.end);
    expect(fill.end).toBeGreaterThan(fill.start);
    expect(text).toMatch(/^stream 1 /m);
    expect(text).toMatch(/^stream 2 /m);
    expect(text).toContain('gpuhal simulated GPU');
    expect(text).toContain('(sim, virtual clock)');
  });

  test('a kernel fault shows as failed and the poisoned op after it as skipped', async () => {
    const { ops, text } = await runOnSim(1);
    const kernel = ops.find((op) => op.opKind === 'kernel')!;
    expect(kernel.status).toBe('failed');
    expect(kernel.error).toContain('store_at');
    const fills = ops.filter((op) => op.opKind === 'fill');
    expect(fills.map((op) => op.status)).toEqual(['ok', 'skipped']);
    expect(text).toContain('✗');
    expect(text).toContain('skipped (an earlier failure poisoned the stream)');
  });

  test('importing a later snapshot of the log adds only the new entries', () => {
    const driver = createSimDriver({ memoryBytes: 16 * MIB, mode: 'manual' });
    const device = {};
    const recorder = recordDevice(device, driver);
    const p = driver.memAlloc(4096);
    const s = driver.streamCreate();
    driver.memsetAsync({ dst: p, value: 1, elementSize: 4, count: 1024 }, s);
    driver.runUntilIdle();
    importDriverLog(recorder, device, driver.eventLog());
    driver.memsetAsync({ dst: p, value: 2, elementSize: 4, count: 1024 }, s);
    driver.runUntilIdle();
    importDriverLog(recorder, device, driver.eventLog());
    importDriverLog(recorder, device, driver.eventLog());
    const ops = ofKind(recorder.events, 'op');
    expect(ops.map((op) => op.name)).toEqual([expect.stringMatching(/= 0x1$/), expect.stringMatching(/= 0x2$/)]);
    expect(ofKind(recorder.events, 'lane')).toHaveLength(1);
    expect(ops[1]!.start).toBeGreaterThanOrEqual(ops[0]!.end);
    driver.streamDestroy(s);
    driver.memFree(p);
    driver.destroy();
  });

  test('valid for Perfetto, and the same seed gives the same bytes', async () => {
    const first = await runOnSim(7);
    expect(chromeTraceSchema.safeParse(JSON.parse(first.trace)).success).toBe(true);
    expect((await runOnSim(7)).trace).toBe(first.trace);
  });
});
