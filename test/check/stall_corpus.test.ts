// The stall corpus (corpus/wait_stalls.ts): real programs that waited forever, each with its fixed twin. On several
// seeds, every bug leaves the host waiting with a diagnosis naming what blocks it; every twin finishes with no
// diagnosis and no race report.
import { describe, expect, it } from 'vitest';
import { createDevice } from '../../src/index.js';
import { track } from '../helpers/device.js';
import { stallCorpus } from './corpus/wait_stalls.js';

const SEEDS = [1, 2, 3];
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the stall corpus', () => {
  it.each(stallCorpus.map((entry) => [entry.name, entry] as const))('%s: the bug is diagnosed, its fixed twin finishes', async (_, entry) => {
    for (const seed of SEEDS) {
      for (const fixed of [false, true]) {
        const device = await createDevice({ backend: 'sim', seed, queueCount: entry.queueCount, check: true });
        try {
          const run = track(entry.run(device, fixed));
          // The simulator runs whenever the host yields: a few turns let everything that can run, run.
          for (let i = 0; i < 50 && !run.settled; i++) await turn();
          const diagnosis = device.diagnoseStall();
          const where = `${entry.source}: ${fixed ? 'fixed twin' : 'bug'}, seed ${seed}`;
          if (fixed) {
            expect(run.settled, where).toBe(true);
            expect(run.error, where).toBeUndefined();
            expect(diagnosis, where).toBeUndefined();
            expect(device.checker!.reports.map((r) => r.message), where).toEqual([]);
          } else {
            expect(run.settled, where).toBe(false);
            expect(diagnosis, where).toBeDefined();
            for (const text of entry.diagnosis) expect(diagnosis!.message, where).toMatch(text);
            expect(diagnosis!.cycle !== undefined, where).toBe(entry.cycle);
          }
        } finally {
          device.destroy();
        }
      }
    }
  });
});
