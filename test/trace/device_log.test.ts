/** trace.importDeviceLog: a library user gets the simulator's stream lanes into a trace with no cast. */
import { describe, expect, it } from 'vitest';
import { createDevice, trace } from '../../src/index.js';

describe('trace.importDeviceLog', () => {
  it('adds the simulator stream lanes and their operations, once each however often it is called', async () => {
    const device = await createDevice({ backend: 'sim', seed: 1, trace: true });
    const buffer = device.createBuffer({ byteLength: 256 });
    const done = device.createSemaphore(0n);
    device.queue.fill({ label: 'clear', buffer, pattern: 0, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });
    await done.wait(1n);
    const lanesOf = (kind: string) => device.trace!.events.filter((e) => e.kind === 'lane' && e.laneKind === kind);
    expect(lanesOf('stream')).toEqual([]);
    trace.importDeviceLog(device);
    expect(lanesOf('stream').length).toBeGreaterThan(0);
    const fills = device.trace!.events.filter((e) => e.kind === 'op' && e.opKind === 'fill');
    expect(fills).toHaveLength(1);
    const count = device.trace!.events.length;
    trace.importDeviceLog(device);
    expect(device.trace!.events.length).toBe(count);
    // The stream lanes reach the Perfetto export too: a thread named after the stream.
    expect(trace.serializeTrace(device.trace!.events)).toMatch(/"thread_name".*"stream \d+"/);
    await device[Symbol.asyncDispose]();
  });

  it('leaves a device without a trace, or without a device log, as it is', async () => {
    const untraced = await createDevice({ backend: 'sim' });
    expect(() => trace.importDeviceLog(untraced)).not.toThrow();
    await untraced[Symbol.asyncDispose]();
    const recorder = new trace.MemoryTraceRecorder(() => 0n);
    trace.importDeviceLog({ trace: recorder, driver: {}, destroyed: false });
    expect(recorder.events).toEqual([]);
  });
});
