/**
 * The explorer against a corpus of order-dependent bugs (examples/explore/corpus.ts): each bug is found by random
 * and PCT exploration, shrunk to its known minimal schedule, replayed from a short token; its fixed twin passes
 * every schedule tried, and every schedule of the exhaustive search where that search terminates.
 */
import { describe, expect, it } from 'vitest';
import { corpus } from '../../examples/explore/corpus.js';
import { encodeToken, replay, runExploration } from '../../src/testing/index.js';
import { failureSignature } from '../../src/testing/failure.js';
import { RecordingSource, ReplayPicker } from '../../src/testing/choices.js';

describe.each(corpus)('$name ($kind)', (entry) => {
  it.each(['random', 'pct'] as const)('%s exploration finds it, shrinks it to its minimal schedule and replays it', async (strategy) => {
    const result = await runExploration(entry.bug, { schedules: 1000, strategy, depth: entry.depth, seed: 3 });
    const report = result.failure;
    expect(report, `${entry.name} not found in ${result.schedules} schedules`).not.toBeNull();
    expect(report!.decisive).toHaveLength(entry.minimalDeviations);
    expect(report!.token.length).toBeLessThanOrEqual(200);
    expect(report!.text).toContain(report!.token);
    const again = await replay(entry.bug, report!.token);
    expect(again.failure, 'the token reproduces a failure').not.toBeNull();
    expect(failureSignature(again.failure!)).toBe(failureSignature(report!.failure));
    expect(again.decisive).toEqual(report!.decisive);
    // The first-found schedule replays too.
    expect((await replay(entry.bug, report!.originalToken)).failure).not.toBeNull();
  });

  it('no schedule with fewer deviations than the known minimum fails', async () => {
    const defaultRun = await replay(entry.bug, encodeToken([]));
    if (entry.minimalDeviations === 0) {
      expect(defaultRun.failure).not.toBeNull();
      return;
    }
    expect(defaultRun.failure).toBeNull();
    if (entry.minimalDeviations < 2) return;
    // Every single deviation from the default order, at every choice the default run makes.
    const { source } = await recordDefault(entry.bug);
    let tried = 0;
    for (let i = 0; i < source.choices.length; i++) {
      for (let j = 1; j < source.choices[i]!.options.length; j++) {
        const picks = new Array<number>(i + 1).fill(0);
        picks[i] = j;
        tried++;
        expect((await replay(entry.bug, encodeToken(picks))).failure, `deviation ${j} at choice ${i}`).toBeNull();
      }
    }
    expect(tried).toBeGreaterThan(0);
  });

  it('its fixed twin passes every schedule tried', async () => {
    for (const strategy of ['random', 'pct'] as const) {
      const result = await runExploration(entry.fixed, { schedules: 300, strategy, depth: entry.depth });
      expect(result.failure?.text ?? null).toBeNull();
      expect(result.schedules).toBe(300);
    }
    // The watchdog's retry loop re-arms its timeout as often as it fires: its schedule tree has no end.
    const unbounded = entry.name === 'watchdog';
    const exhaustive = await runExploration(entry.fixed, { schedules: unbounded ? 100 : 2000, strategy: 'exhaustive' });
    expect(exhaustive.failure?.text ?? null).toBeNull();
    expect(exhaustive.exhausted).toBe(!unbounded);
  });

  it('exhaustive exploration finds it', async () => {
    const result = await runExploration(entry.bug, { schedules: 2000, strategy: 'exhaustive' });
    expect(result.failure).not.toBeNull();
    expect(result.failure!.decisive).toHaveLength(entry.minimalDeviations);
  });
});

async function recordDefault(scenario: (typeof corpus)[number]['bug']): Promise<{ source: RecordingSource }> {
  // The choices of the default run, recorded by running the scenario with an explicit default picker.
  const { createDevice } = await import('../../src/index.js');
  const source = new RecordingSource(new ReplayPicker([]), 100_000);
  const device = await createDevice({ backend: 'sim', ...scenario.device, memoryBytes: 16 * 1024 * 1024, sim: { schedule: source } });
  await scenario.run({ device });
  await device[Symbol.asyncDispose]();
  return { source };
}
