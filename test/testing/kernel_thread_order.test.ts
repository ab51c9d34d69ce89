/**
 * The explorer reaches intra-workgroup races of HIP-C kernels: a run chooses the seed its kernels draw their thread
 * orders from (a 'kernel-order' choice at the first HIP-C launch), so schedules differ in thread order as they
 * differ in event order, and a replay token brings the racing order back. The control: the same kernel with one
 * writer passes every schedule.
 */
import { describe, expect, it } from 'vitest';
import { replay, runExploration, type Scenario } from '../../src/testing/index.js';
import { dispatchHip } from '../helpers/hip_dispatch.js';

/** Threads 0 and 1 of workgroup 2 (of 4) write their index to out[2]: ascending order leaves 1. */
function lastWriter(writers: number): Scenario {
  const source = `extern "C" __global__ void last(unsigned* out) {
  if (blockIdx.x == 2 && threadIdx.x < ${writers}u) out[2] = threadIdx.x;
}`;
  return {
    name: `last-writer-of-${writers}`,
    async run({ device }) {
      const out = await dispatchHip(device, { source, entry: 'last', workgroupSize: [64, 1, 1], workgroupCount: [4, 1, 1], bufferBytes: 16 });
      if (out[2] !== writers - 1) throw new Error(`out[2] is ${out[2]}: thread ${out[2]} wrote last`);
    },
  };
}

describe('exploring the thread order of HIP-C kernels', { timeout: 120_000 }, () => {
  it('finds a race between two threads of a workgroup, names the thread-order choice, and replays it', async () => {
    const racy = lastWriter(2);
    const result = await runExploration(racy, { schedules: 64 });
    expect(result.failure).not.toBeNull();
    const failure = result.failure!;
    expect(failure.failure.message).toContain('thread 0 wrote last');
    expect(failure.decisive.join('\n')).toMatch(/kernels draw their thread orders with seed #[1-9]/);
    const again = await replay(racy, failure.token);
    expect(again.failure?.message).toContain('thread 0 wrote last');
  });

  it('passes every schedule when one thread writes (control), exhaustively too', async () => {
    const safe = lastWriter(1);
    expect((await runExploration(safe, { schedules: 64 })).failure).toBeNull();
    const exhaustive = await runExploration(safe, { schedules: 1000, strategy: 'exhaustive' });
    expect(exhaustive.failure).toBeNull();
    expect(exhaustive.exhausted).toBe(true);
  });
});
