// The race checker's contract, one behaviour per test: what counts as an access, what orders two operations (only
// semaphores, barriers and the host; never streams), lifetimes, value order, reports and their fixing edges, strict
// mode, option validation, and that a defect inside the checker cannot break a run.
import { afterEach, describe, expect, it } from 'vitest';
import { createDevice, StatusCode, type Device, type DeviceOptions, type RaceReport } from '../../src/index.js';
import { RaceChecker } from '../../src/core/check/race_checker.js';
import { sampleExecutableManifestInput } from '../../src/kernels/samples.js';
import { expectRejects } from '../helpers/hal_errors.js';

const devices: Device[] = [];
afterEach(() => {
  for (const d of devices.splice(0)) d.destroy();
});

async function open(options: DeviceOptions = {}): Promise<Device> {
  const device = await createDevice({ backend: 'sim', seed: 1, queueCount: 2, check: true, ...options });
  devices.push(device);
  return device;
}

const reports = (device: Device): readonly RaceReport[] => device.checker!.reports;

/** queue0 fills src (signals filled = 1); queue1 copies src → dst, waiting on it or not. */
async function fillThenCopy(device: Device, wait: boolean): Promise<void> {
  const [q0, q1] = device.queues as [Device['queue'], Device['queue']];
  const src = device.createBuffer({ byteLength: 4096, label: 'src' });
  const dst = device.createBuffer({ byteLength: 4096, label: 'dst' });
  const filled = device.createSemaphore(0n, { label: 'filled' });
  const copied = device.createSemaphore(0n, { label: 'copied' });
  q0.fill({ buffer: src, pattern: 0x2a, patternLength: 1, signals: [{ semaphore: filled, value: 1n }] });
  q1.copy({ source: src, target: dst, length: 4096, ...(wait ? { waits: [{ semaphore: filled, value: 1n }] } : {}), signals: [{ semaphore: copied, value: 1n }] });
  await q1.read({ buffer: dst, length: 4, waits: [{ semaphore: copied, value: 1n }] });
}

describe('the race checker', () => {
  it('reports a missing semaphore on every seed, with both operations, the range and the fixing edge', async () => {
    for (let seed = 1; seed <= 8; seed++) {
      const device = await open({ seed });
      await fillThenCopy(device, false);
      expect(reports(device)).toHaveLength(1);
      const [report] = reports(device);
      expect(report).toMatchObject({
        kind: 'read-after-write',
        buffer: 'src',
        range: { offset: 0, length: 4096 },
        first: { operation: 'fill', queueIndex: 0, submission: 1, access: 'writes the filled range' },
        second: { operation: 'copy', queueIndex: 1, submission: 2, access: 'reads copy source' },
      });
      expect(report!.fix).toMatch(/^make copy #2 on .*queue1 wait on filled ≥ 1$/);
      expect(report!.first.callSite).toMatch(/race_checker\.test\.ts:\d+:\d+/);
      expect(report!.message).toContain(report!.fix);
    }
  });

  it('leaves the same program alone once the semaphore is there', async () => {
    const device = await open();
    await fillThenCopy(device, true);
    expect(reports(device)).toEqual([]);
  });

  it('takes no order from driver streams: one stream per queue still reports two unordered submissions', async () => {
    const device = await open({ queueCount: 1, streamsPerQueue: 1 });
    const buffer = device.createBuffer({ byteLength: 64, label: 'b' });
    device.queue.fill({ buffer, pattern: 1, patternLength: 1 });
    device.queue.fill({ buffer, pattern: 2, patternLength: 1 });
    await device.queue.read({ buffer });
    expect(reports(device).map((r) => r.kind)).toEqual(['write-after-write', 'read-after-write', 'read-after-write'].slice(0, reports(device).length));
    expect(reports(device)[0]!.kind).toBe('write-after-write');
  });

  it('resolves a wait submitted before its signal (wait-before-signal) and orders it after the signal', async () => {
    const device = await open();
    const [q0, q1] = device.queues as [Device['queue'], Device['queue']];
    const buffer = device.createBuffer({ byteLength: 64, label: 'b' });
    const s = device.createSemaphore(0n, { label: 's' });
    // The reader is submitted first and waits for a value nothing has signaled yet.
    const bytes = q1.read({ buffer, waits: [{ semaphore: s, value: 2n }] });
    q0.fill({ buffer, pattern: 9, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
    s.signal(1n);
    expect((await bytes)[0]).toBe(9);
    expect(reports(device)).toEqual([]);
  });

  it('reports a missing barrier between two commands of one command buffer, naming both commands', async () => {
    const device = await open();
    const a = device.createBuffer({ byteLength: 256, label: 'a' });
    const b = device.createBuffer({ byteLength: 256, label: 'b' });
    const cb = device.createCommandBuffer({ label: 'cb' });
    cb.begin();
    cb.fill({ buffer: a, pattern: 1, patternLength: 1 });
    cb.copy({ source: a, target: b, length: 256 });
    cb.end();
    const done = device.createSemaphore(0n);
    device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: done, value: 1n }] });
    await done.wait(1n);
    expect(reports(device)).toHaveLength(1);
    expect(reports(device)[0]).toMatchObject({
      kind: 'read-after-write',
      first: { commandBuffer: 'cb', command: 0 },
      second: { commandBuffer: 'cb', command: 1 },
      fix: 'add an executionBarrier() between commands 0 and 1 of cb',
    });
    expect(reports(device)[0]!.first.recordedAt).toMatch(/race_checker\.test\.ts/);
  });

  it('a barrier orders the two commands; read-only bindings read concurrently are no race', async () => {
    const device = await open();
    const executable = await device.createExecutable(sampleExecutableManifestInput());
    const add = executable.entryPoint('add_i32');
    const a = device.createBuffer({ byteLength: 256, label: 'a' });
    const c1 = device.createBuffer({ byteLength: 256, label: 'c1' });
    const c2 = device.createBuffer({ byteLength: 256, label: 'c2' });
    const cb = device.createCommandBuffer({ label: 'cb' });
    cb.begin();
    cb.fill({ buffer: a, pattern: 1, patternLength: 4 });
    cb.executionBarrier();
    for (const c of [c1, c2]) {
      // a is read twice (bindings 0 and 1 are read-only) by two dispatches with no barrier between them.
      cb.pushDescriptorSet({ layout: add.layout, set: 0, bindings: [{ binding: 0, buffer: a }, { binding: 1, buffer: a }, { binding: 2, buffer: c }] });
      cb.pushConstants({ layout: add.layout, values: [64] });
      cb.dispatch({ executable, entryPoint: 'add_i32', workgroupCount: [1, 1, 1] });
    }
    cb.end();
    const done = device.createSemaphore(0n);
    device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: done, value: 1n }] });
    await done.wait(1n);
    expect(reports(device)).toEqual([]);
  });

  it('counts the host: an upload racing a GPU read is reported; a download the host awaited orders what follows', async () => {
    const device = await open();
    const buffer = device.createBuffer({ byteLength: 64, label: 'b' });
    const other = device.createBuffer({ byteLength: 64, label: 'other' });
    const done = device.createSemaphore(0n, { label: 'done' });
    device.queue.copy({ source: buffer, target: other, length: 64, signals: [{ semaphore: done, value: 1n }] });
    await device.upload(buffer, new Uint8Array(64).fill(3)); // the copy may still be reading it
    expect(reports(device).map((r) => r.kind)).toEqual(['write-after-read']);
    await done.wait(1n);
    const bytes = await device.download(other);
    // After the awaited download: ordered after it without any semaphore.
    device.queue.fill({ buffer: other, pattern: 5, patternLength: 1, signals: [{ semaphore: done, value: 2n }] });
    await device.queue.read({ buffer: other, waits: [{ semaphore: done, value: 2n }] });
    expect(bytes.length).toBe(64);
    expect(reports(device).map((r) => r.message)).toEqual([expect.stringMatching(/^write-after-read/)]);
  });

  it('reports two unordered signals of one semaphore as a value-order race', async () => {
    const device = await open();
    const [q0, q1] = device.queues as [Device['queue'], Device['queue']];
    const s = device.createSemaphore(0n, { label: 'timeline' });
    q0.barrier({ signals: [{ semaphore: s, value: 1n }] });
    q1.barrier({ signals: [{ semaphore: s, value: 2n }] });
    await s.wait(2n);
    expect(reports(device)).toHaveLength(1);
    expect(reports(device)[0]).toMatchObject({ kind: 'value-order', semaphore: 'timeline', values: [1n, 2n] });
    expect(reports(device)[0]!.fix).toMatch(/^make barrier #2 on .*queue1 wait on timeline ≥ 1$/);
  });

  it('a value signaled again after it was reached releases nothing: a wait of that value is not ordered after the repeat', async () => {
    // Control (repeat: false): the fill's signal is the one that reaches 1, so the host's wait orders the read after it.
    for (const repeat of [false, true]) {
      const device = await open();
      const s = device.createSemaphore(0n, { label: 's' });
      const buffer = device.createBuffer({ byteLength: 64, label: 'data' });
      if (repeat) s.signal(1n); // the host reaches 1 first: the fill's later signal of 1 is a no-op
      device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
      await s.wait(1n);
      await device.queue.read({ buffer });
      expect(reports(device).map((r) => r.kind)).toEqual(repeat ? ['read-after-write'] : []);
    }
  });

  it('lifetimes: a use submitted after the dealloca and not ordered before it is use-after-free; one submitted before is kept alive (rule 6)', async () => {
    const device = await open();
    const [q0, q1] = device.queues as [Device['queue'], Device['queue']];
    const s = device.createSemaphore(0n, { label: 's' });
    const scratch = q0.alloca({ byteLength: 256, label: 'scratch', signals: [{ semaphore: s, value: 1n }] });
    const gate = device.createSemaphore(0n, { label: 'gate' });
    // Submitted before the dealloca, unordered with it: rule 6 keeps the buffer alive for it.
    q1.fill({ buffer: scratch, pattern: 1, patternLength: 1, waits: [{ semaphore: s, value: 1n }] });
    q0.dealloca({ buffer: scratch, waits: [{ semaphore: gate, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
    expect(reports(device)).toEqual([]);
    // Submitted after the dealloca and not ordered before it.
    q1.fill({ buffer: scratch, pattern: 2, patternLength: 1, waits: [{ semaphore: s, value: 1n }] });
    gate.signal(1n);
    await s.wait(2n);
    const kinds = reports(device).map((r) => r.kind);
    expect(kinds).toContain('use-after-free');
    const report = reports(device).find((r) => r.kind === 'use-after-free')!;
    expect(report).toMatchObject({ buffer: 'scratch', first: { operation: 'dealloca' }, second: { operation: 'fill', submission: 4 } });
  });

  it('lifetimes: a use not ordered after its alloca is use-before-alloca', async () => {
    const device = await open();
    const [q0, q1] = device.queues as [Device['queue'], Device['queue']];
    const s = device.createSemaphore(0n, { label: 's' });
    const scratch = q0.alloca({ byteLength: 256, label: 'scratch', signals: [{ semaphore: s, value: 1n }] });
    q1.fill({ buffer: scratch, pattern: 1, patternLength: 1, signals: [{ semaphore: s, value: 2n }] });
    await s.wait(2n).catch(() => {});
    const report = reports(device).find((r) => r.kind === 'use-before-alloca');
    expect(report).toMatchObject({ buffer: 'scratch', first: { operation: 'alloca' }, second: { operation: 'fill' } });
    expect(report!.fix).toMatch(/wait on s ≥ 1$/);
  });

  it('sends each report to listeners as it is found', async () => {
    const device = await open();
    const seen: RaceReport[] = [];
    const stop = device.checker!.onReport((r) => seen.push(r));
    await fillThenCopy(device, false);
    stop();
    expect(seen).toEqual([...reports(device)]);
  });

  it('strict mode rejects the racing operation (it does not run; its signals fail) and destroy() throws', async () => {
    const device = await createDevice({ backend: 'sim', seed: 1, queueCount: 2, check: { strict: true } });
    const [q0, q1] = device.queues as [Device['queue'], Device['queue']];
    const src = device.createBuffer({ byteLength: 64, label: 'src' });
    const dst = device.createBuffer({ byteLength: 64, label: 'dst' });
    const filled = device.createSemaphore(0n, { label: 'filled' });
    const copied = device.createSemaphore(0n, { label: 'copied' });
    q0.fill({ buffer: src, pattern: 1, patternLength: 1, signals: [{ semaphore: filled, value: 1n }] });
    q1.copy({ source: src, target: dst, length: 64, signals: [{ semaphore: copied, value: 1n }] });
    await expectRejects(copied.wait(1n), StatusCode.FAILED_PRECONDITION, 'race checker (strict)', 'make copy #2');
    await filled.wait(1n);
    expect(() => device.destroy()).toThrow(/race checker \(strict\): 1 race report/);
    expect(device.destroyed).toBe(true);
  });

  it('strict mode also rejects an operation found racing only when a later signal resolves it', async () => {
    const device = await createDevice({ backend: 'sim', seed: 1, queueCount: 2, check: { strict: true } });
    const [q0, q1] = device.queues as [Device['queue'], Device['queue']];
    const buffer = device.createBuffer({ byteLength: 64, label: 'b' });
    const go = device.createSemaphore(0n, { label: 'go' });
    const done = device.createSemaphore(0n, { label: 'done' });
    q1.fill({ buffer, pattern: 1, patternLength: 1 });
    // Pending on go: checked when the host signals it.
    q0.fill({ buffer, pattern: 2, patternLength: 1, waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
    go.signal(1n);
    await expectRejects(done.wait(1n), StatusCode.FAILED_PRECONDITION, 'write-after-write');
    expect(() => device.destroy()).toThrow(/race checker \(strict\)/);
  });

  it('validates its options, naming the field and the value', async () => {
    await expect(createDevice({ backend: 'sim', check: 'yes' as never })).rejects.toThrow(/options\.check must be true, false or an object .* \(got "yes"\)/);
    await expect(createDevice({ backend: 'sim', check: { strict: 1 } as never })).rejects.toThrow(/options\.check\.strict must be true or false \(got 1\)/);
    await expect(createDevice({ backend: 'sim', check: { maxReports: 0 } })).rejects.toThrow(/options\.check\.maxReports must be a positive integer \(got 0\)/);
    await expect(createDevice({ backend: 'sim', check: { strcit: true } as never })).rejects.toThrow(/INVALID_ARGUMENT.*unknown field.*strcit/);
  });

  it('is off unless asked for: no checker, no reports', async () => {
    const device = await open({ check: false });
    expect(device.checker).toBeUndefined();
  });

  it('GPUHAL_CHECK turns checking on where the options are silent, and never against them', async () => {
    const previous = process.env.GPUHAL_CHECK;
    try {
      process.env.GPUHAL_CHECK = '1';
      expect((await open({ check: undefined })).checker?.strict).toBe(false);
      expect((await open({ check: false })).checker).toBeUndefined();
      process.env.GPUHAL_CHECK = 'strict';
      const silent = await createDevice({ backend: 'sim' });
      expect(silent.checker?.strict).toBe(true);
      silent.destroy();
    } finally {
      if (previous === undefined) delete process.env.GPUHAL_CHECK;
      else process.env.GPUHAL_CHECK = previous;
    }
  });

  it('a defect inside the checker stops checking but never breaks the run', async () => {
    const original = Object.getOwnPropertyDescriptor(RaceChecker.prototype, 'checkAccesses')!;
    Object.defineProperty(RaceChecker.prototype, 'checkAccesses', {
      ...original,
      value() {
        throw new Error('injected checker defect');
      },
    });
    try {
      const device = await open();
      await fillThenCopy(device, true);
      const bytes = await device.download(device.createBuffer({ byteLength: 4 }));
      expect(bytes).toHaveLength(4);
      expect(String(device.checker!.failure)).toMatch(/injected checker defect/);
      expect(reports(device)).toEqual([]);
    } finally {
      Object.defineProperty(RaceChecker.prototype, 'checkAccesses', original);
    }
  });

  it('keeps its memory bounded: 100,000 submissions hold no more history at the end than after the first thousand', async () => {
    const device = await open({ queueCount: 3 });
    const buffers = Array.from({ length: 4 }, (_, i) => device.createBuffer({ byteLength: 256, label: `b${i}` }));
    const timelines = device.queues.map((_, q) => device.createSemaphore(0n, { label: `t${q}` }));
    const value = [0n, 0n, 0n];
    const samples: ReturnType<NonNullable<Device['checker']>['stats']>[] = [];
    for (let round = 0; round < 1000; round++) {
      for (let i = 0; i < 100; i++) {
        const q = i % 3;
        // Each queue's work is a chain on its timeline, touching its own buffer and reading the shared one.
        device.queues[q]!.copy({
          source: buffers[3]!,
          target: buffers[q]!,
          length: 256,
          waits: value[q]! > 0n ? [{ semaphore: timelines[q]!, value: value[q]! }] : [],
          signals: [{ semaphore: timelines[q]!, value: ++value[q]! }],
        });
      }
      // The host waits for the round, as a frame loop would.
      await device.waitSemaphores('all', timelines.map((semaphore, q) => ({ semaphore, value: value[q]! })));
      if (round === 9 || round === 999) samples.push(device.checker!.stats());
    }
    await device.waitSemaphores('all', timelines.map((semaphore, q) => ({ semaphore, value: value[q]! })));
    const [early, late] = samples as [ReturnType<NonNullable<Device['checker']>['stats']>, ReturnType<NonNullable<Device['checker']>['stats']>];
    expect(late.checkedOperations).toBeGreaterThanOrEqual(100_000);
    expect(late.sweeps).toBeGreaterThan(10);
    expect(late.historyEntries).toBeLessThanOrEqual(Math.max(early.historyEntries, 1200));
    expect(late.signalEntries).toBeLessThanOrEqual(Math.max(early.signalEntries, 1200));
    expect(late.chains).toBeLessThanOrEqual(early.chains + 3);
    expect(late.unresolvedOperations).toBe(0);
    expect(reports(device)).toEqual([]);
  }, 120_000);
});
