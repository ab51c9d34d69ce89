/**
 * Under the explorer an operation's writes land in pieces — one per workgroup of a dispatch, one per 4 KiB chunk of
 * a copy, fill or upload — each piece a choice. With only two halves (the earlier model) a concurrent reader could
 * see the writes cut at the middle and nowhere else; these scenarios fail only when a cut elsewhere is possible.
 */
import { describe, expect, it } from 'vitest';
import { sampleExecutableManifestInput, sampleKernelSpec, workgroupsFor } from '../../src/kernels/index.js';
import { replay, runExploration, type Scenario } from '../../src/testing/index.js';
import { CHUNK_BYTES, MAX_PIECES } from '../../src/backends/sim/deferred_writes.js';

/** How many leading elements equal `value`, and whether the rest all equal `other`: a single cut, or null. */
function cutAt<T>(items: ArrayLike<T>, value: T, other: T): number | null {
  let cut = 0;
  while (cut < items.length && items[cut] === value) cut++;
  for (let i = cut; i < items.length; i++) if (items[i] !== other) return null;
  return cut;
}

/** A 16 KiB copy and an unordered read of its target: the read may see the copy cut after any 4 KiB chunk. */
const chunkedCopy: Scenario = {
  name: 'chunked-copy',
  device: { queueCount: 2 },
  async run({ device }) {
    const bytes = 4 * CHUNK_BYTES;
    const source = device.createBuffer({ byteLength: bytes, label: 'source' });
    const target = device.createBuffer({ byteLength: bytes, label: 'target' });
    const filled = device.createSemaphore(0n, { label: 'filled' });
    device.queues[0]!.fill({ buffer: source, pattern: 7, patternLength: 1, signals: [{ semaphore: filled, value: 1n }] });
    device.queues[0]!.copy({ source, target, length: bytes, waits: [{ semaphore: filled, value: 1n }] });
    await filled.wait(1n);
    const seen = await device.queues[1]!.read({ buffer: target });
    const cut = cutAt(seen, 7, 0);
    if (cut === null) throw new Error('the read saw bytes that are neither the copy\'s nor the old ones');
    if (cut !== 0 && cut !== bytes / 2 && cut !== bytes) throw new Error(`the read saw the copy cut after byte ${cut}`);
  },
};

/** ×2 in place over four workgroups, and an unordered read: it may see the first k workgroups' stores only. */
const dispatchedScale: Scenario = {
  name: 'dispatched-scale',
  device: { queueCount: 2 },
  async run({ device }) {
    const spec = sampleKernelSpec('scale_i32');
    const count = 4 * spec.workgroupSize[0];
    const executable = await device.createExecutable(sampleExecutableManifestInput(), { label: 'samples' });
    const scale = executable.entryPoint('scale_i32');
    const x = device.createBuffer({ byteLength: count * 4, label: 'x' });
    const written = device.createSemaphore(0n, { label: 'written' });
    device.queues[0]!.update({ buffer: x, data: new Int32Array(count).fill(1), signals: [{ semaphore: written, value: 1n }] });
    const commands = device.createCommandBuffer({ label: 'x *= 2' });
    commands.begin();
    commands.pushDescriptorSet({ layout: scale.layout, set: 0, bindings: [{ binding: 0, buffer: x }] });
    commands.pushConstants({ layout: scale.layout, values: [2, count] });
    commands.dispatch({ executable, entryPoint: 'scale_i32', workgroupCount: [workgroupsFor(spec, count), 1, 1] });
    commands.end();
    device.queues[0]!.execute({ commandBuffers: [commands], waits: [{ semaphore: written, value: 1n }] });
    await written.wait(1n);
    const seen = new Int32Array((await device.queues[1]!.read({ buffer: x })).buffer);
    const cut = cutAt(seen, 2, 1);
    if (cut === null) throw new Error('the read saw values that are neither ×2 nor the old ones');
    if (cut !== 0 && cut !== count / 2 && cut !== count) throw new Error(`the read saw ${cut} of ${count} elements doubled`);
  },
};

describe('writes land per workgroup and per chunk', () => {
  it('a read between the chunks of a 16 KiB copy sees it cut at a chunk boundary other than the middle', async () => {
    const result = await runExploration(chunkedCopy, { strategy: 'random', schedules: 2000, seed: 1 });
    const report = result.failure!;
    expect(report.failure.message).toMatch(/^the read saw the copy cut after byte (4096|12288)$/);
    // Shrunk to the chunks that landed before the read started, each a deviation naming its chunk.
    expect(report.decisive.length).toBeGreaterThanOrEqual(1);
    expect(report.decisive.some((d) => /chunk \d\/4 of stream \d+'s memcpy .* lands before /.test(d))).toBe(true);
    expect(report.token.length).toBeLessThanOrEqual(200);
    const again = await replay(chunkedCopy, report.token);
    expect(again.failure?.message).toBe(report.failure.message);
  }, 60_000);

  it('a read during a four-workgroup dispatch sees the stores of the first workgroups only', async () => {
    const result = await runExploration(dispatchedScale, { strategy: 'random', schedules: 2000, seed: 1 });
    const report = result.failure!;
    const count = 4 * sampleKernelSpec('scale_i32').workgroupSize[0];
    expect(report.failure.message).toMatch(new RegExp(`^the read saw (${count / 4}|${(3 * count) / 4}) of ${count} elements doubled$`));
    expect(report.decisive.some((d) => /workgroup \d\/4 of stream \d+'s (kernel|graph) .* lands before /.test(d))).toBe(true);
    expect(report.token.length).toBeLessThanOrEqual(200);
    expect((await replay(dispatchedScale, report.token)).failure?.message).toBe(report.failure.message);
  }, 60_000);

  it('a 1 MiB fill lands in MAX_PIECES pieces: a concurrent read sees it cut at multiples of 1 MiB / MAX_PIECES', async () => {
    const cuts = new Set<number>();
    const scenario: Scenario = {
      device: { queueCount: 2 },
      async run({ device }) {
        const big = device.createBuffer({ byteLength: 1 << 20, label: 'big' });
        const done = device.createSemaphore(0n);
        device.queues[0]!.fill({ buffer: big, pattern: 1, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });
        const seen = await device.queues[1]!.read({ buffer: big });
        const cut = cutAt(seen, 1, 0);
        if (cut === null) throw new Error(`not a single cut: ${[...new Set(seen)].join(',')} first ${seen.indexOf(1)} last ${seen.lastIndexOf(1)} len ${seen.length}`);
        cuts.add(cut);
        await done.wait(1n);
      },
    };
    const result = await runExploration(scenario, { strategy: 'random', schedules: 200, seed: 3 });
    expect(result.failure).toBeNull();
    const piece = (1 << 20) / MAX_PIECES;
    for (const cut of cuts) expect(cut % piece).toBe(0);
    expect([...cuts].some((cut) => cut !== 0 && cut !== 1 << 19 && cut !== 1 << 20)).toBe(true);
  }, 60_000);
});
