import { describe, expect, it } from 'vitest';
import { createDevice } from '../../src/index.js';

describe('smoke', () => {
  it('reports a missing semaphore', async () => {
    const device = await createDevice({ backend: 'sim', seed: 1, queueCount: 2, check: true });
    const [q0, q1] = device.queues;
    const src = device.createBuffer({ byteLength: 4096, label: 'src' });
    const dst = device.createBuffer({ byteLength: 4096, label: 'dst' });
    const filled = device.createSemaphore(0n, { label: 'filled' });
    const copied = device.createSemaphore(0n, { label: 'copied' });
    q0!.fill({ buffer: src, pattern: 0x2a, patternLength: 1, signals: [{ semaphore: filled, value: 1n }] });
    q1!.copy({ source: src, target: dst, length: 4096, signals: [{ semaphore: copied, value: 1n }] });
    await q1!.read({ buffer: dst, length: 4, waits: [{ semaphore: copied, value: 1n }] });
    console.log(device.checker!.reports.map((r) => r.message));
    console.log(device.checker!.stats());
    expect(device.checker!.reports.length).toBe(1);
    device.destroy();
  });
});
