/** `gpuhal explore`: explores a module's scenarios, reports shrunk failures with a token, replays a token, --json. */
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/run_cli.js';

const corpus = 'examples/explore/corpus.ts';

describe('gpuhal explore', () => {
  it('reports a failing scenario with its decisive choices and a replay command, exit 1', async () => {
    const { code, stdout } = await cli('explore', corpus, '--scenario', 'staging-reuse', '--strategy', 'pct', '--depth', '2', '--schedules', '200');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL staging-reuse/);
    expect(stdout).toContain('decisive choices (1 deviation');
    const token = /replay token: (gx1\.[\w-]+)/.exec(stdout)![1]!;
    expect(stdout).toContain(`npx gpuhal explore ${corpus} --scenario staging-reuse --replay ${token}`);
    const replayed = await cli('explore', corpus, '--scenario', 'staging-reuse', '--replay', token);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain('scenario "staging-reuse" fails');
    expect(replayed.stdout).toContain('byte 0 is 2, expected 1');
  });

  it('passes a fixed scenario, exit 0, and prints --json', async () => {
    const { code, stdout } = await cli('explore', corpus, '--scenario', 'staging-reuse-fixed', '--schedules', '50', '--json');
    expect(code).toBe(0);
    const [result] = JSON.parse(stdout) as [{ scenario: string; schedules: number; failure: unknown }];
    expect(result).toMatchObject({ scenario: 'staging-reuse-fixed', schedules: 50, failure: null });
  });

  it('rejects bad options and unknown scenarios with a usage error (exit 2)', async () => {
    for (const args of [
      ['explore'],
      ['explore', corpus, '--strategy', 'bfs'],
      ['explore', corpus, '--schedules', '0'],
      ['explore', corpus, '--depth', '2'],
      ['explore', corpus, '--scenario', 'nope'],
      ['explore', corpus, '--replay', 'gx1.AQEB'],
      ['explore', corpus, '--scenario', 'watchdog', '--replay', 'not-a-token'],
    ]) {
      const { code, stderr } = await cli(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(/gpuhal explore: /);
    }
    expect((await cli('explore', corpus, '--scenario', 'nope')).stderr).toContain('scenarios: value-order, value-order-fixed, covering-signal');
  });

  it('--kernel-thread-order every-workgroup reaches a race in one workgroup of a large HIP-C launch; its replay command keeps the flag', async () => {
    const fixture = 'test/cli/fixtures/one_workgroup_race.ts';
    const { code, stdout } = await cli('explore', fixture, '--kernel-thread-order', 'every-workgroup', '--schedules', '64');
    expect(code, stdout).toBe(1);
    expect(stdout).toContain('thread 0 wrote last');
    const token = /replay token: (gx1\.[\w-]+)/.exec(stdout)![1]!;
    expect(stdout).toContain(`--replay ${token} --kernel-thread-order every-workgroup`);
    const replayed = await cli('explore', fixture, '--scenario', 'one-workgroup-race', '--replay', token, '--kernel-thread-order', 'every-workgroup');
    expect(replayed.code).toBe(1);
    // The flag reaches the device: the same choices with the sampled order leave workgroup 77 ascending.
    const sampled = await cli('explore', fixture, '--scenario', 'one-workgroup-race', '--replay', token);
    expect(sampled.code, sampled.stdout).toBe(0);
    const bad = await cli('explore', fixture, '--kernel-thread-order', 'random');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--kernel-thread-order must be sampled or every-workgroup (got "random")');
  }, 60_000);
});
