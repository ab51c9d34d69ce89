/**
 * docs/design.md rule 4 — queue operations start only after their waits are reached, may be submitted before the values
 * they wait for are signaled (or before the operation that signals them is submitted), signal after they complete,
 * and never block the submitting thread.
 */
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../src/index.js';
import { SEEDS, expectRejects, settle, testDevice, track } from '../../helpers/device.js';

describe.each(SEEDS)('rule 4: queue operations (seed %i)', (seed) => {
  it('submit-with-wait: nothing runs before the host signal (no stream ever waits on an unrecorded event)', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 16 });
    await device.upload(buffer, new Uint8Array(16));
    const go = device.createSemaphore(0n);
    const done = device.createSemaphore(0n);
    device.queue.fill({ buffer, pattern: 0xab, patternLength: 1, waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
    expect(device.workCounts).toEqual({ pending: 1, inFlight: 0 });

    // Give the device every chance to run it: it must not.
    await expectRejects(done.wait(1n, { timeoutMs: 20 }), StatusCode.DEADLINE_EXCEEDED);
    await settle(device);
    expect(await device.download(buffer)).toEqual(new Uint8Array(16));
    expect(done.query()).toBe(0n);

    go.signal(1n);
    await done.wait(1n);
    expect(await device.download(buffer)).toEqual(new Uint8Array(16).fill(0xab));
  });

  it('operations return at once and signal only after they complete', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 1 << 20 });
    const done = device.createSemaphore(0n);
    device.queue.fill({ buffer, pattern: 0x01020304, patternLength: 4, signals: [{ semaphore: done, value: 7n }] });
    expect(done.query()).toBe(0n); // not synchronously
    await done.wait(7n);
    const bytes = await device.queue.read({ buffer, offset: 1020, length: 8 });
    expect(Array.from(bytes)).toEqual([4, 3, 2, 1, 4, 3, 2, 1]);
  });

  it('batches submitted in reverse dependency order run in dependency order', async () => {
    const device = await testDevice({ seed });
    const n = 12;
    const buffer = device.createBuffer({ byteLength: 4 * n });
    const s = device.createSemaphore(0n);
    // Step i writes byte i and signals i + 1; step 0 waits on the host (value 1). Submit last step first.
    for (let i = n - 1; i >= 0; i--) {
      device.queue.update({
        buffer,
        offset: 4 * i,
        data: Uint32Array.of(i + 1),
        waits: [{ semaphore: s, value: BigInt(i + 1) }],
        signals: [{ semaphore: s, value: BigInt(i + 2) }],
      });
    }
    const readBack = device.queue.read({ buffer, waits: [{ semaphore: s, value: BigInt(n + 1) }] });
    expect(device.workCounts.pending).toBe(n + 1);
    s.signal(1n);
    const words = new Uint32Array((await readBack).buffer.slice(0));
    expect(Array.from(words)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(s.query()).toBe(BigInt(n + 1));
  });

  it('one signal to 3 releases submissions waiting on 1 and on 2', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 8 });
    const s = device.createSemaphore(0n);
    const a = device.createSemaphore(0n);
    const b = device.createSemaphore(0n);
    device.queue.fill({ buffer, offset: 0, length: 4, pattern: 1, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: a, value: 1n }] });
    device.queue.fill({ buffer, offset: 4, length: 4, pattern: 2, patternLength: 1, waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: b, value: 1n }] });
    expect(device.workCounts.pending).toBe(2);
    s.signal(3n);
    await device.waitSemaphores('all', [{ semaphore: a, value: 1n }, { semaphore: b, value: 1n }]);
    expect(Array.from(await device.download(buffer))).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('a wait on a value already exceeded does not hold the submission', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 4 });
    const s = device.createSemaphore(10n);
    const done = device.createSemaphore(0n);
    device.queue.fill({ buffer, pattern: 9, patternLength: 1, waits: [{ semaphore: s, value: 4n }], signals: [{ semaphore: done, value: 1n }] });
    expect(device.workCounts.pending).toBe(0);
    await done.wait(1n);
    expect(s.query()).toBe(10n);
  });

  it('cross-queue wait-before-signal: the consumer is submitted first on queue 1, the producer later on queue 0', async () => {
    const device = await testDevice({ seed, queueCount: 2 });
    const source = device.createBuffer({ byteLength: 64 });
    const target = device.createBuffer({ byteLength: 64 });
    await device.upload(target, new Uint8Array(64));
    const produced = device.createSemaphore(0n);
    const consumed = device.createSemaphore(0n);
    const go = device.createSemaphore(0n);
    const [q0, q1] = device.queues as [typeof device.queue, typeof device.queue];
    q1.copy({ source, target, length: 64, waits: [{ semaphore: produced, value: 1n }], signals: [{ semaphore: consumed, value: 1n }] });
    q0.fill({ buffer: source, pattern: 0x5a, patternLength: 1, waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: produced, value: 1n }] });
    expect(device.workCounts.pending).toBe(2);
    go.signal(1n);
    await consumed.wait(1n);
    expect(await device.download(target)).toEqual(new Uint8Array(64).fill(0x5a));
  });

  it('fan-out: one producer releases consumers on several queues; a join waits on all of them', async () => {
    const device = await testDevice({ seed, queueCount: 3 });
    const source = device.createBuffer({ byteLength: 32 });
    const targets = [0, 1, 2].map(() => device.createBuffer({ byteLength: 32 }));
    const produced = device.createSemaphore(0n);
    const joined = device.createSemaphore(0n);
    const copies = targets.map(() => device.createSemaphore(0n));
    targets.forEach((target, i) =>
      device.queues[i]!.copy({ source, target, length: 32, waits: [{ semaphore: produced, value: 1n }], signals: [{ semaphore: copies[i]!, value: 1n }] }),
    );
    device.queues[2]!.barrier({ waits: copies.map((semaphore) => ({ semaphore, value: 1n })), signals: [{ semaphore: joined, value: 1n }] });
    device.queues[0]!.update({ buffer: source, data: new Uint8Array(32).map((_, i) => i * 3), signals: [{ semaphore: produced, value: 1n }] });
    await joined.wait(1n);
    for (const target of targets) expect(await device.download(target)).toEqual(new Uint8Array(32).map((_, i) => i * 3));
  });

  it('a host wait on a semaphore a queue will signal does not block submission of further work', async () => {
    const device = await testDevice({ seed });
    const buffer = device.createBuffer({ byteLength: 4 });
    const go = device.createSemaphore(0n);
    const done = device.createSemaphore(0n);
    const waiting = track(done.wait(2n));
    device.queue.fill({ buffer, pattern: 1, patternLength: 1, waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: done, value: 1n }] });
    device.queue.fill({ buffer, pattern: 2, patternLength: 1, waits: [{ semaphore: done, value: 1n }], signals: [{ semaphore: done, value: 2n }] });
    expect(waiting.settled).toBe(false);
    go.signal(1n);
    await done.wait(2n);
    expect(Array.from(await device.download(buffer))).toEqual([2, 2, 2, 2]);
  });

  it('random dependency trees over 3 queues, submitted in random order, run every op after its dependency', async () => {
    const device = await testDevice({ seed, queueCount: 3 });
    let state = seed * 2654435761 + 1;
    const random = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    for (let round = 0; round < 3; round++) {
      const n = 60;
      const words = device.createBuffer({ byteLength: 4 * n });
      await device.upload(words, new Uint8Array(4 * n));
      const gate = device.createSemaphore(0n);
      const done = Array.from({ length: n }, () => device.createSemaphore(0n));
      // Op 0 writes the token into word 0 after the gate; op i copies word dep(i) into word i after dep(i) is done.
      // A copy that ran before its dependency would leave a 0 behind.
      const ops: (() => void)[] = [
        () => device.queues[random(3)]!.update({ buffer: words, data: Uint32Array.of(0xfeed0000 + round), waits: [{ semaphore: gate, value: 1n }], signals: [{ semaphore: done[0]!, value: 1n }] }),
      ];
      for (let i = 1; i < n; i++) {
        const dep = random(i);
        const queue = device.queues[random(3)]!;
        ops.push(() => queue.copy({ source: words, sourceOffset: 4 * dep, target: words, targetOffset: 4 * i, length: 4, waits: [{ semaphore: done[dep]!, value: 1n }], signals: [{ semaphore: done[i]!, value: 1n }] }));
      }
      for (let i = ops.length - 1; i > 0; i--) {
        const j = random(i + 1);
        [ops[i], ops[j]] = [ops[j]!, ops[i]!];
      }
      for (const submit of ops) submit();
      expect(device.workCounts.pending).toBe(n);
      gate.signal(1n);
      await device.waitSemaphores('all', done.map((semaphore) => ({ semaphore, value: 1n })));
      const bytes = await device.download(words);
      expect(Array.from(new Uint32Array(bytes.buffer, bytes.byteOffset, n))).toEqual(new Array(n).fill(0xfeed0000 + round));
    }
  });

  it('copy, fill with 2-byte patterns and partial reads compose', async () => {
    const device = await testDevice({ seed });
    const a = device.createBuffer({ byteLength: 16 });
    const b = device.createBuffer({ byteLength: 16 });
    const s = device.createSemaphore(0n);
    device.queue.fill({ buffer: a, pattern: 0xbeef, patternLength: 2, signals: [{ semaphore: s, value: 1n }] });
    device.queue.fill({ buffer: b, pattern: 0, patternLength: 4, signals: [{ semaphore: s, value: 2n }], waits: [{ semaphore: s, value: 1n }] });
    device.queue.copy({ source: a, sourceOffset: 2, target: b, targetOffset: 8, length: 4, waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: s, value: 3n }] });
    const bytes = await device.queue.read({ buffer: b, offset: 6, length: 8, waits: [{ semaphore: s, value: 3n }] });
    expect(Array.from(bytes)).toEqual([0, 0, 0xef, 0xbe, 0xef, 0xbe, 0, 0]);
  });
});
