/**
 * The README promises that skipped tests say why. The run's summary (test/helpers/summary_reporter.ts) lists skips by
 * their stated reason, and a skip without one by its name, so none hides in a count.
 */
import { describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import SummaryLineReporter from '../helpers/summary_reporter.js';

function fakeModule(path: string, tests: { fullName: string; state: string }[]): TestModule {
  return {
    relativeModuleId: path,
    state: () => 'passed',
    children: { size: tests.length, allTests: () => tests.map((t) => ({ fullName: t.fullName, result: () => ({ state: t.state }) })) },
  } as unknown as TestModule;
}

describe('the summary reporter', () => {
  it('groups skips by reason, names a skip without one, and ends with the counts line', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      new SummaryLineReporter().onTestRunEnd([
        fakeModule('test/a.test.ts', [
          { fullName: 'gpu suite (skipped: set GPUHAL_HIP_GPU=1) > runs', state: 'skipped' },
          { fullName: 'gpu suite (skipped: set GPUHAL_HIP_GPU=1) > stops', state: 'skipped' },
          { fullName: 'plain > works', state: 'passed' },
        ]),
        fakeModule('test/b.test.ts', [
          { fullName: 'other (skipped: set GPUHAL_HIP_GPU=1) > x', state: 'skipped' },
          { fullName: 'quiet > mystery', state: 'skipped' },
          { fullName: 'broken', state: 'failed' },
        ]),
      ]);
    } finally {
      vi.restoreAllMocks();
    }
    expect(written.join('')).toBe(
      [
        '',
        'skipped tests, by reason:',
        '  3 skipped: set GPUHAL_HIP_GPU=1 (test/a.test.ts, test/b.test.ts)',
        '  1 skipped: no reason stated: quiet > mystery (test/b.test.ts)',
        '',
        'tests: 1 passed, 1 failed, 4 skipped',
        '',
      ].join('\n'),
    );
  });
});
