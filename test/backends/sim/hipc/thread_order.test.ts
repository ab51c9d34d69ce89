// The seeded thread order of a barrier-free workgroup (device_header.ts, launcher::straight): threads run in chunks
// of consecutive ids, chunks in a seeded order, each chunk ascending or descending by a seeded choice. Whatever the
// chunking, a race between any two threads of a workgroup must show up under some seed: both orders of the pair occur.
// Launches of more than 16 workgroups explore a seeded sample of them (explores_order); the sim option
// kernelThreadOrder: 'every-workgroup' explores them all.
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../../src/core/errors.js';
import { createSimDriver, type SimDriverOptions } from '../../../../src/backends/sim/index.js';
import { expectHalError } from '../../../helpers/hal_errors.js';
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

describe('which workgroups of a large launch explore their thread order', { timeout: 300_000 }, () => {
  // Every thread of a 64-thread workgroup writes its id to the workgroup's word: 63 is left by an ascending order,
  // anything else shows an explored one (an explored order still ends with thread 63 now and then).
  const source = 'extern "C" __global__ void k(unsigned* out) { out[blockIdx.x] = threadIdx.x; }';
  const lastWriters = async (workgroups: number, options: SimDriverOptions) =>
    asU32((await runHip(source, { entry: 'k', grid: [workgroups, 1, 1], block: [64, 1, 1], inputs: [new Uint8Array(workgroups * 4)] }, options)).outputs[0]!);
  const explored = (words: Uint32Array) => words.filter((w) => w !== 63).length;

  it('sampled (the default): a seeded sample, the same for the same seed, another for another seed', async () => {
    const one = await lastWriters(4096, { seed: 5 });
    // 1 in 64 of 4096 workgroups explore: 64 expected, a few of them ending with thread 63 anyway.
    expect(explored(one)).toBeGreaterThan(30);
    expect(explored(one)).toBeLessThan(110);
    expect([...(await lastWriters(4096, { seed: 5 }))]).toEqual([...one]);
    expect([...(await lastWriters(4096, { seed: 6 }))]).not.toEqual([...one]);
    // Beyond 4096 workgroups, 64 on average: the same number in a launch four times as large.
    const large = await lastWriters(16384, { seed: 5 });
    expect(explored(large)).toBeGreaterThan(30);
    expect(explored(large)).toBeLessThan(110);
    // Up to 1024 workgroups, 16 explore on average; at most 16, all of them.
    expect(explored(await lastWriters(100, { seed: 5 }))).toBeGreaterThan(5);
    expect(explored(await lastWriters(100, { seed: 5 }))).toBeLessThan(35);
    expect(explored(await lastWriters(16, { seed: 5 }))).toBeGreaterThan(10);
  });

  it("'every-workgroup' explores them all", async () => {
    expect(explored(await lastWriters(4096, { seed: 5, kernelThreadOrder: 'every-workgroup' }))).toBeGreaterThan(3000);
  });

  it('a race in one workgroup of a large launch shows up under some seed, sooner when every workgroup explores', async () => {
    // Threads 0 and 1 of workgroup 77 of 256 race; everywhere else the threads write their own words.
    const racy = `extern "C" __global__ void k(unsigned* out) {
  unsigned t = threadIdx.x;
  if (blockIdx.x == 77 && t < 2) out[0] = t; else out[1 + blockIdx.x * 64 + t] = t;
}`;
    const firstSeedShowing = async (options: SimDriverOptions): Promise<number | undefined> => {
      for (let seed = 1; seed <= 64; seed++) {
        const words = asU32((await runHip(racy, { entry: 'k', grid: [256, 1, 1], block: [64, 1, 1], inputs: [new Uint8Array(4 + 256 * 64 * 4)] }, { ...options, seed })).outputs[0]!);
        if (words[0] === 0) return seed;  // thread 1 ran before thread 0
      }
      return undefined;
    };
    const every = await firstSeedShowing({ kernelThreadOrder: 'every-workgroup' });
    const sampled = await firstSeedShowing({});
    expect(every).toBeDefined();
    expect(sampled).toBeDefined();
    expect(every!).toBeLessThanOrEqual(sampled!);
  });

  it('kernelThreadOrder must be one of its two values', () => {
    expectHalError(() => createSimDriver({ kernelThreadOrder: 'all' as never }), StatusCode.INVALID_ARGUMENT,
      "options.kernelThreadOrder must be 'sampled' or 'every-workgroup' (got \"all\")");
  });
});
