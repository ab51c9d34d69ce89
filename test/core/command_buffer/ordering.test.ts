// Rule 7 on the simulator's seeded graph replay: a barrier orders everything before it before everything after it,
// under every seed; without a barrier, commands may run in either order, and some seed shows it. Stream mode
// replays in recording order, so it never reorders.
import { describe, expect, it } from 'vitest';
import type { CommandBufferMode } from '../../../src/core/device_context.js';
import { withBench } from '../../helpers/fake_context.js';

const FILLED = 0x11111111;
const OLD = 0x0badf00d;

/** fill(a) then copy(a → b), with or without a barrier between; returns what b holds afterwards (one u32). */
async function fillThenCopy(seed: number, mode: CommandBufferMode, barrier: boolean): Promise<number> {
  return withBench({ seed, mode }, async (bench) => {
    const a = bench.createBuffer(256);
    const b = bench.createBuffer(256);
    bench.write(a, new Uint32Array(64).fill(OLD));
    bench.write(b, new Uint32Array(64));
    const cb = bench.commandBuffer();
    cb.begin();
    cb.fill({ buffer: a, offset: 0, length: 256, pattern: FILLED, patternLength: 4 });
    if (barrier) cb.executionBarrier();
    cb.copy({ source: a, target: b, length: 256 });
    cb.end();
    await bench.execute(cb);
    const values = await bench.readU32(b);
    cb.destroy();
    // The copy ran wholly before or wholly after the fill: b is uniform either way.
    expect(values.every((v) => v === values[0])).toBe(true);
    return values[0]!;
  });
}

const seeds = Array.from({ length: 24 }, (_, i) => i + 1);

describe('execution barriers', () => {
  it('a fill before a barrier is always visible to a copy after it (24 seeds, graph mode)', async () => {
    for (const seed of seeds) expect(await fillThenCopy(seed, 'graph', true), `seed ${seed}`).toBe(FILLED);
  });

  it('without a barrier, some seed runs the copy before the fill (graph mode)', async () => {
    const outcomes = new Map<number, number[]>();
    for (const seed of seeds) {
      const value = await fillThenCopy(seed, 'graph', false);
      outcomes.set(value, [...(outcomes.get(value) ?? []), seed]);
    }
    // Both orders happen: the fill first (b = FILLED) for some seeds, the copy first (b = OLD) for others.
    expect([...outcomes.keys()].sort()).toEqual([OLD, FILLED].sort());
    // And each seed is deterministic: replaying a reordering seed reorders again.
    const reordering = outcomes.get(OLD)![0]!;
    expect(await fillThenCopy(reordering, 'graph', false)).toBe(OLD);
  });

  it('stream mode replays in recording order under every seed', async () => {
    for (const seed of seeds.slice(0, 8)) expect(await fillThenCopy(seed, 'stream', false), `seed ${seed}`).toBe(FILLED);
  });

  it('orders chains of segments: each segment sees the one before it (20 seeds)', async () => {
    for (const seed of seeds.slice(0, 20)) {
      await withBench({ seed }, async (bench) => {
        const buffers = Array.from({ length: 5 }, () => bench.createBuffer(64));
        for (const b of buffers) bench.write(b, new Uint8Array(64));
        const cb = bench.commandBuffer();
        cb.begin();
        cb.update({ data: new Uint32Array(16).fill(seed), buffer: buffers[0]! });
        // Several independent commands per segment, so each barrier joins more than one node.
        cb.fill({ buffer: buffers[4]!, offset: 0, length: 32, pattern: 0xee, patternLength: 4 });
        for (let i = 1; i < 4; i++) {
          cb.executionBarrier();
          cb.copy({ source: buffers[i - 1]!, target: buffers[i]!, length: 64 });
          cb.fill({ buffer: buffers[4]!, offset: 32 + 8 * (i - 1), length: 8, pattern: i, patternLength: 4 });
        }
        cb.end();
        await bench.execute(cb);
        expect((await bench.readU32(buffers[3]!)).every((v) => v === seed)).toBe(true);
        cb.destroy();
      });
    }
  });
});
