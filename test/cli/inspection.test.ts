/**
 * Step mode API (src/core/inspection.ts): device.step() advances the simulator one event and lets the core react;
 * device.inspect() shows pending and in-flight submissions with each wait's current vs needed value, semaphore
 * values and failures, and the simulator's stream contents. Snapshots are golden (plain data, bigints as text).
 */
import { describe, expect, it } from 'vitest';
import { formatInspection } from '../../src/cli/inspect_format.js';
import { inspectDevice, stepDevice } from '../../src/core/inspection.js';
import { createDevice, HalError, StatusCode, type Device } from '../../src/index.js';
import { expectGolden } from './golden.js';

const manual = (seed = 1): Promise<Device> =>
  createDevice({ backend: 'sim', seed, queueCount: 2, label: 'stepper', sim: { mode: 'manual' }, trace: true });

const json = (value: unknown): string => `${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v), 2)}\n`;

describe('step mode', () => {
  it('shows a submission waiting on the host, stream contents while work runs, and failure propagation', async () => {
    const device = await manual();
    try {
      const go = device.createSemaphore(0n, { label: 'go' });
      const mid = device.createSemaphore(0n, { label: 'mid' });
      const bad = device.createSemaphore(0n, { label: 'bad' });
      const out = device.createSemaphore(0n, { label: 'out' });
      const never = device.createSemaphore(0n, { label: 'never' });
      const buffer = device.createBuffer({ byteLength: 4096, label: 'buf' });
      device.queues[1]!.fill({ buffer, pattern: 1, patternLength: 1, waits: [{ semaphore: mid, value: 1n }], signals: [{ semaphore: out, value: 1n }] });
      device.queues[0]!.fill({ buffer, pattern: 2, patternLength: 1, waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: mid, value: 1n }] });
      device.queues[0]!.barrier({ waits: [{ semaphore: bad, value: 1n }], signals: [{ semaphore: never, value: 1n }] });
      const doomed = never.wait(1n);
      const before = device.inspect();
      expect(before.pending.map((s) => s.label)).toEqual(['fill', 'fill', 'barrier']);
      expect(before.pending[1]!.waits).toEqual([{ semaphore: 'go', needed: 1n, current: 0n, reached: false, failed: false }]);
      expect(before.inFlight).toEqual([]);

      // Nothing can run before the host signals: the simulator is idle.
      expect((await device.step()).event).toBeNull();

      go.signal(1n);
      const started = await device.step();
      expect(started.event).toMatchObject({ kind: 'start', op: 'memset' });
      const running = device.inspect();
      expectGolden('inspect_running.json', json(running));
      expectGolden('inspect_running.txt', `${formatInspection(running).join('\n')}\n`);

      const completed = await device.step();
      expect(completed.event).toMatchObject({ kind: 'complete', op: 'memset' });
      // Stepping further lets the core retire the fill: mid = 1 releases the fill on queue 1.
      let outcome = completed;
      while (!outcome.traced.some((e) => e.kind === 'signal')) outcome = await device.step();
      expect(outcome.traced.map((e) => e.kind)).toContain('wait-satisfied');
      expect(device.inspect().semaphores.find((s) => s.name === 'mid')!.value).toBe(1n);

      bad.fail(new HalError(StatusCode.DATA_LOSS, 'tile lost'));
      await expect(doomed).rejects.toMatchObject({ code: StatusCode.DATA_LOSS });
      while ((await device.step()).event !== null) { /* run to the end */ }
      const end = device.inspect();
      expectGolden('inspect_end.txt', `${formatInspection(end).join('\n')}\n`);
      expect(end.pending).toEqual([]);
      expect(end.inFlight).toEqual([]);
      expect(end.completed).toBe(2);
      expect(end.failed).toBe(1);
      expect(end.semaphores.find((s) => s.name === 'bad')!.failure).toEqual({ code: 'DATA_LOSS', message: 'tile lost' });
    } finally {
      device.destroy();
    }
  });

  it('same seed → the same sequence of step events and snapshots', async () => {
    const run = async (): Promise<string> => {
      const device = await manual(9);
      const s = device.createSemaphore(0n, { label: 's' });
      const buffer = device.createBuffer({ byteLength: 1024 });
      for (let i = 0; i < 3; i++) device.queues[i % 2]!.fill({ buffer, pattern: i, patternLength: 1, signals: [{ semaphore: s, value: BigInt(i + 1) }] });
      const log: string[] = [];
      for (;;) {
        const step = await device.step();
        log.push(json({ event: step.event, state: device.inspect() }));
        if (step.event === null) break;
      }
      device.destroy();
      return log.join('');
    };
    expect(await run()).toBe(await run());
  });

  it('clear errors: auto mode cannot step, an untraced device cannot be inspected, other backends are UNIMPLEMENTED', async () => {
    const auto = await createDevice({ backend: 'sim', label: 'auto', trace: true });
    await expect(auto.step()).rejects.toMatchObject({ code: StatusCode.FAILED_PRECONDITION, message: expect.stringContaining("sim: { mode: 'manual' }") });
    auto.destroy();
    const untraced = await createDevice({ backend: 'sim', label: 'untraced', sim: { mode: 'manual' } });
    expect(() => untraced.inspect()).toThrow(/device\.inspect\(\): device untraced is not traced; create it with trace: true/);
    untraced.destroy();
    // The guard looks only at the driver's stepper; a driver of a real GPU has none.
    const hipLike = { label: 'gpu', trace: { events: [] }, driver: { info: { platform: 'nvidia', name: 'NVIDIA H200', details: {} } } } as unknown as Parameters<typeof stepDevice>[0];
    await expect(stepDevice(hipLike)).rejects.toMatchObject({ code: StatusCode.UNIMPLEMENTED, message: expect.stringContaining('runs on NVIDIA H200 (platform nvidia)') });
    expect(() => inspectDevice(hipLike)).toThrow(HalError);
  });
});
