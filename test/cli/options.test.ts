/** Each command accepts only the options it reads: any other is a usage error (exit 2) naming option and command. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../helpers/run_cli.js';

afterEach(() => vi.restoreAllMocks());


describe('gpuhal options scoped to their commands', () => {
  it.each([
    [['step', '--backend', 'hip'], "gpuhal: --backend does not apply to 'step' (its options: --seed, --width, --list)"],
    [['step', '--timeline'], "gpuhal: --timeline does not apply to 'step' (its options: --seed, --width, --list)"],
    [['devices', '--seed', '3'], "gpuhal: --seed does not apply to 'devices' (it takes no options)"],
    [['devices', '--backend', 'hip'], "gpuhal: --backend does not apply to 'devices' (it takes no options)"],
    [['playground', '--backend', 'sim'], "gpuhal: --backend does not apply to 'playground' (its options: --port)"],
    [['demo', '--port', '80'], "gpuhal: --port does not apply to 'demo' (its options: --backend, --seed, --timeline, --trace-out, --width)"],
    [['demo', '--list'], "gpuhal: --list does not apply to 'demo' (its options: --backend, --seed, --timeline, --trace-out, --width)"],
    [['trace', 'show', 'x.json', '--seed', '2'], "gpuhal: --seed does not apply to 'trace show' (its options: --width, --events)"],
  ])('%j: exit 2, naming the option and the command', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(message);
    expect(r.stderr).toContain('usage: gpuhal <command> [options]');
  });

  it('options that apply still work (step --list --seed, trace show --width --events reaches the file)', async () => {
    const list = await cli('step', '--list', '--seed', '4');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^demo +/m);
    const show = await cli('trace', 'show', '/nonexistent/gpuhal-trace.json', '--width', '80', '--events');
    expect(show.code).toBe(1); // past option checks: the missing file is the error
    expect(show.stderr).toContain('cannot read /nonexistent/gpuhal-trace.json');
  });

  it('--help is accepted with any command; the usage scopes every option to its commands', async () => {
    const help = await cli('devices', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('options (each only with the commands named; any other use is a usage error):');
    expect(help.stdout).toContain('  --backend <name>     demo: ');
    expect(help.stdout).toContain('  --seed <n>           demo, step: ');
    expect(help.stdout).toContain('  --width <n>          demo, step, trace show: ');
    expect(help.stdout).toContain('  playground [--port <n>]');
  });
});
