/**
 * An execute whose encode fails after part of its work was enqueued (the second of its command buffers) must keep
 * what it captured until the stream has passed the part that was enqueued. Before the fix the scheduler failed it
 * on the spot and released its captures while the first command buffer's graph was still queued on the stream, so
 * that graph ran on freed memory.
 *
 * The failure is real: a graph-mode command buffer with a binding slot lowers one graph per table. Sixteen pending
 * executes pin sixteen tables (the cache size), so validating the execute's third table evicts the second's graph,
 * which encode must then lower again, at issue time; device memory is exhausted by then, so the simulator's
 * graphInstantiate throws RESOURCE_EXHAUSTED after the first command buffer's graph was launched.
 */
import { expect } from 'vitest';
import type { GpuBuffer } from '../../../src/index.js';
import { StatusCode } from '../../../src/index.js';
import { SEEDS, expectRejects, simOnly, testDevice } from '../../helpers/device.js';

interface SimLog {
  eventLog(): readonly { op: string; label: string; status: string; error?: string }[];
}

simOnly.describe.each(SEEDS)('partially encoded execute (seed %i)', (seed) => {
  simOnly.it('retires through its lane: captures are released only after the enqueued part ran', async () => {
    const device = await testDevice({ seed, memoryBytes: 4 << 20 });
    const gate = device.createSemaphore(0n, { label: 'gate' });
    const go = device.createSemaphore(0n, { label: 'go' });
    const out = device.createSemaphore(0n, { label: 'out' });

    const slotted = device.createCommandBuffer({ bindingCapacity: 1, label: 'slotted' });
    slotted.begin();
    slotted.fill({ buffer: { slot: 0 }, pattern: 7, patternLength: 1, length: 16 });
    slotted.end();
    const pinned = Array.from({ length: 16 }, (_, i) => device.createBuffer({ byteLength: 16, label: `pinned${i}` }));
    for (const buffer of pinned) {
      device.queue.execute({ commandBuffers: [slotted], bindingTables: [[{ buffer }]], waits: [{ semaphore: gate, value: 1n }] });
    }

    const target = device.createBuffer({ byteLength: 4096, label: 'target' });
    const first = device.createCommandBuffer({ label: 'first' });
    first.begin();
    first.fill({ buffer: target, pattern: 0xab, patternLength: 1 });
    first.end();
    const [b, c] = [device.createBuffer({ byteLength: 16, label: 'b' }), device.createBuffer({ byteLength: 16, label: 'c' })];
    device.queue.execute({
      commandBuffers: [first, slotted, slotted],
      bindingTables: [undefined, [{ buffer: b }], [{ buffer: c }]],
      waits: [{ semaphore: go, value: 1n }],
      signals: [{ semaphore: out, value: 1n }],
    });
    // Only the submission holds `first` (and through it `target`) now.
    first.destroy();
    target.destroy();

    // Exhaust device memory, so re-lowering b's graph at issue cannot allocate its graph blocks.
    const filler: GpuBuffer[] = [];
    for (let size = 1 << 22; size >= 1; size >>= 1) {
      for (;;) {
        try {
          filler.push(device.createBuffer({ byteLength: size }));
        } catch {
          break;
        }
      }
    }

    go.signal(1n);
    // Issued with its failure: in flight until the stream passes the launched part (before the fix: failed at once).
    expect(device.workCounts).toEqual({ pending: 16, inFlight: 1 });
    await expectRejects(out.wait(1n), StatusCode.RESOURCE_EXHAUSTED, 'graphInstantiate');

    for (const buffer of filler) buffer.destroy();
    gate.signal(1n);
    await device.queue.read({ buffer: pinned[15]!, waits: [{ semaphore: gate, value: 1n }] });
    while (device.workCounts.inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
    // Every graph launch ran on live memory: `first`'s (launched before the failure) and the sixteen slotted ones.
    const launches = (device.driver as unknown as SimLog).eventLog().filter((e) => e.op === 'graph');
    expect(launches.map((e) => `${e.status}${e.error === undefined ? '' : `: ${e.error}`}`)).toEqual(new Array(17).fill('ok'));
  });
});
