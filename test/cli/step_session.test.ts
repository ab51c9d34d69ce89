/**
 * `gpuhal step`: the interactive session driven exactly as a user pipes it (`printf 'n\nn\ni\nq\n' | gpuhal step`),
 * through the exported session function with injected input and output. Golden transcripts; same seed and
 * commands → the same bytes.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demoScenario, stepScenarios } from '../../src/cli/scenarios.js';
import { runStepSession } from '../../src/cli/step_session.js';
import { collector, expectGolden } from './golden.js';

async function session(commands: string, seed?: number): Promise<{ code: number; text: string }> {
  const { out, text } = collector();
  const code = await runStepSession({ scenario: demoScenario, ...(seed !== undefined ? { seed } : {}), input: Readable.from([commands]), out, echo: true });
  return { code, text: text() };
}

describe('gpuhal step', () => {
  it('n, n, i, q: two simulator events, then the state (golden)', async () => {
    const r = await session('n\nn\ni\nq\n');
    expect(r.code).toBe(0);
    expectGolden('step_n_n_i_q.txt', r.text);
  });

  it('s, t, c, i: to the next signal, the timeline so far, to the end with the checked result (golden)', async () => {
    const r = await session('s\nt\nc\ni\nq\n');
    expect(r.code).toBe(0);
    expectGolden('step_s_t_c_i.txt', r.text);
    expect(r.text).toContain('read-back complete: all 4096 values match the reference');
    expect(r.text).toContain('The simulator has nothing left to do');
    expect(r.text).toContain('4 submission(s) completed, 0 failed, 0 pending, 0 in flight.');
  });

  it('same seed and commands → identical transcript; end of input quits; unknown commands are explained', async () => {
    const a = await session('n\ns\nbogus\ni\n', 5);
    const b = await session('n\ns\nbogus\ni\n', 5);
    expect(b.text).toBe(a.text);
    expect(a.text).toContain('unknown command "bogus"; commands: n next event');
    expect(a.text).toMatch(/Session over at .*; 1 submission\(s\) completed/);
  });

  it('lists the demo first among the scenarios', async () => {
    const scenarios = await stepScenarios();
    expect(scenarios[0]!.id).toBe('demo');
  });
});

describe('gpuhal step with the playground lessons', () => {
  it('runs every lesson found in src/lessons to the end (c) without a failure', async () => {
    const lessons = (await stepScenarios()).slice(1);
    for (const scenario of lessons) {
      const { out, text } = collector();
      const code = await runStepSession({ scenario, input: Readable.from(['c\ni\nq\n']), out, echo: true });
      expect(code, scenario.id).toBe(0);
      expect(text(), scenario.id).toMatch(/The simulator has nothing left to do/);
      expect(text(), scenario.id).toContain('pending (not yet handed to the device):\n    none');
    }
  });
});
