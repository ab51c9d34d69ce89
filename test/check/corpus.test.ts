// The bug corpus (corpus/bug_corpus.ts): real synchronization bugs from public trackers, each with its fixed twin.
// On several seeds, every bug draws a report of the kind its entry names, and no fixed twin draws any.
import { afterAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../src/index.js';
import { corpus } from './corpus/bug_corpus.js';

const SEEDS = [1, 2, 3];
let bugsReported = 0;
let twinsReported = 0;

afterAll(() => {
  process.stdout.write(`\nrace checker bug corpus: ${corpus.length} bugs, ${bugsReported / SEEDS.length} reported on every seed; ${twinsReported} reports on fixed twins\n`);
});

describe('the bug corpus', () => {
  it.each(corpus.map((entry) => [entry.name, entry] as const))('%s: the bug is reported, its fixed twin is not', async (_, entry) => {
    for (const seed of SEEDS) {
      for (const fixed of [false, true]) {
        const device = await createDevice({ backend: 'sim', seed, queueCount: entry.queueCount, check: true });
        try {
          await entry.run(device, fixed);
          const reports = device.checker!.reports;
          if (fixed) {
            twinsReported += reports.length;
            expect(reports.map((r) => r.message), `${entry.source}: fixed twin, seed ${seed}`).toEqual([]);
          } else {
            expect(reports.map((r) => r.kind), `${entry.source}: bug, seed ${seed}`).toContain(entry.kind);
            expect(reports.every((r) => r.fix.length > 0)).toBe(true);
            bugsReported++;
          }
        } finally {
          device.destroy();
        }
      }
    }
  });
});
