/**
 * A traced device's trace shows the simulator's stream lanes by itself: reading `trace.events` pulls in the driver's
 * log (through `GpuDriver.eventLog`), `importDeviceLog` still works and never duplicates an event, and a trace read
 * after destroy holds the device-side work that ran before it.
 */
import { describe, expect, it } from 'vitest';
import { createDevice, trace, type Device } from '../../src/index.js';

const lanesOf = (device: Device, kind: string) => device.trace!.events.filter((e) => e.kind === 'lane' && e.laneKind === kind);
const opsOf = (device: Device, kind: string) => device.trace!.events.filter((e) => e.kind === 'op' && e.opKind === kind);

async function fillOnce(device: Device, label: string): Promise<void> {
  const buffer = device.createBuffer({ byteLength: 256 });
  const done = device.createSemaphore(0n);
  device.queue.fill({ label, buffer, pattern: 0, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });
  await done.wait(1n);
}

describe('device.trace and the driver log', () => {
  it('shows the stream lanes when read, with no second call', async () => {
    const device = await createDevice({ backend: 'sim', seed: 1, trace: true });
    await fillOnce(device, 'clear');
    expect(lanesOf(device, 'stream').length).toBeGreaterThan(0);
    expect(opsOf(device, 'fill')).toHaveLength(1);
    // The stream lanes reach the Perfetto export too: a thread named after the stream.
    expect(trace.serializeTrace(device.trace!.events)).toMatch(/"thread_name".*"stream \d+"/);
    await device[Symbol.asyncDispose]();
  });

  it('adds each logged operation once, however often the trace is read or importDeviceLog is called', async () => {
    const device = await createDevice({ backend: 'sim', seed: 1, trace: true });
    await fillOnce(device, 'first');
    const count = device.trace!.events.length;
    expect(device.trace!.events.length).toBe(count);
    trace.importDeviceLog(device);
    trace.importDeviceLog(device);
    expect(device.trace!.events.length).toBe(count);
    await fillOnce(device, 'second');
    trace.importDeviceLog(device);
    expect(opsOf(device, 'fill')).toHaveLength(2);
    const seqs = device.trace!.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    await device[Symbol.asyncDispose]();
  });

  it('takes the last operations when the device is destroyed, so a trace read afterwards is complete', async () => {
    const device = await createDevice({ backend: 'sim', seed: 1, trace: true });
    const recorder = device.trace!;
    const seen: string[] = [];
    recorder.subscribe((event) => {
      if (event.kind === 'op') seen.push(event.name);
    });
    await fillOnce(device, 'before-destroy');
    expect(seen).toEqual([]); // nothing read yet: the log is still the driver's
    device.destroy();
    expect(seen).toHaveLength(1);
    expect(opsOf(device, 'fill')).toHaveLength(1);
    trace.importDeviceLog(device); // destroyed: a no-op, not a second copy
    expect(opsOf(device, 'fill')).toHaveLength(1);
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
