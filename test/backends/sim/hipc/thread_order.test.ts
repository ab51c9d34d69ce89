// The seeded thread order of a barrier-free workgroup (device_header.ts, launcher::straight): threads run in chunks
// of consecutive ids, chunks in a seeded order, each chunk ascending or descending by a seeded choice. Whatever the
// chunking, a race between any two threads of a workgroup must show up under some seed: both orders of the pair occur.
import { describe, expect, it } from 'vitest';
import { asU32, runHip } from '../../../helpers/hipc.js';

/** Two threads write their own index to one word; the value left shows which ran last. */
const source = `extern "C" __global__ void race(unsigned* out, unsigned a, unsigned b) {
  unsigned t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
  if (t == a || t == b) out[0] = t;
}`;

async function lastWriters(block: [number, number, number], a: number, b: number, seeds: number): Promise<Set<number>> {
  const seen = new Set<number>();
  for (let seed = 1; seed <= seeds; seed++) {
    const run = await runHip(source, { entry: 'race', grid: [1, 1, 1], block, inputs: [new Uint8Array(4)], constants: [a, b] }, { seed });
    expect(run.error).toBeUndefined();
    seen.add(asU32(run.outputs[0]!)[0]!);
  }
  return seen;
}

describe('seeded thread order of a barrier-free workgroup', { timeout: 300_000 }, () => {
  it('the same seed gives the same winner', async () => {
    const once = await lastWriters([64, 1, 1], 5, 40, 1);
    const again = await lastWriters([64, 1, 1], 5, 40, 1);
    expect([...once]).toEqual([...again]);
  });

  it('two neighbouring threads (one chunk) race both ways across seeds', async () => {
    expect([...(await lastWriters([64, 1, 1], 0, 1, 12))].sort((x, y) => x - y)).toEqual([0, 1]);
  });

  it('two distant threads (different chunks) race both ways across seeds', async () => {
    expect([...(await lastWriters([64, 1, 1], 3, 60, 12))].sort((x, y) => x - y)).toEqual([3, 60]);
  });

  it('in a 2-D workgroup too', async () => {
    expect([...(await lastWriters([8, 8, 1], 8, 9, 12))].sort((x, y) => x - y)).toEqual([8, 9]);
    expect([...(await lastWriters([8, 8, 1], 2, 57, 12))].sort((x, y) => x - y)).toEqual([2, 57]);
  });
});
