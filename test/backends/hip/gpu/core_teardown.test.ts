// Device.destroy() (synchronous) with GPU work still running on alloca'd (stream-ordered) memory: the core calls the
// driver's quiesce() before it frees buffer memory, so the queued fills finish on memory that still exists instead
// of faulting on freed memory, and the next device of the process works. Own file (own process): a fault here would
// lose the context for everything after it.
import { describe, expect, it } from 'vitest';
import { createDevice } from '../../../../src/index.js';
import { GPU_ENABLED, GPU_NOTE } from '../../../helpers/hip_gpu.js';

const GIB = 1024 ** 3;

describe.skipIf(!GPU_ENABLED)(`core teardown with GPU work in flight${GPU_NOTE}`, () => {
  it('destroy() waits for fills still running on alloca memory; the next device gets intact, working memory', async () => {
    const first = await createDevice({ backend: 'hip', hip: { platform: 'nvidia' }, label: 'first' });
    const ready = first.createSemaphore(0n);
    const buffer = first.queue.alloca({ byteLength: GIB, signals: [{ semaphore: ready, value: 1n }] });
    for (let i = 0; i < 200; i++) {
      first.queue.fill({ buffer, pattern: i, patternLength: 4, waits: [{ semaphore: ready, value: 1n }] });
    }
    expect(first.workCounts.inFlight).toBeGreaterThan(0);
    first.destroy();
    expect(first.driver.outstanding()).toEqual({ streams: 0, events: 0, graphs: 0, graphExecs: 0, modules: 0, allocations: 0, timers: 0 });

    await using second = await createDevice({ backend: 'hip', hip: { platform: 'nvidia' }, label: 'second' });
    const again = second.createBuffer({ byteLength: 1 << 20 });
    await second.upload(again, new Uint8Array(1 << 20).fill(7));
    const bytes = await second.download(again);
    expect(bytes.every((b) => b === 7)).toBe(true);
    again.destroy();
  });
});
