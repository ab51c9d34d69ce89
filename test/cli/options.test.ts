/**
 * The command line's manners: each command accepts only the options it reads, usage errors are one line with a
 * did-you-mean and a pointer to help (exit 2), expected failures are one line without a stack trace (exit 1),
 * --version, per-command --help, --json documents, and the terminal width and colour rules.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, packageVersion } from '../../src/cli/main.js';
import { closest } from '../../src/cli/suggest.js';
import { wrap } from '../../src/cli/terminal.js';
import { HalError, registerBackend, StatusCode } from '../../src/index.js';
import { ensureBuilt } from '../helpers/playground_build.js';
import { cli } from '../helpers/run_cli.js';

afterEach(() => vi.restoreAllMocks());

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('gpuhal options scoped to their commands', () => {
  it.each([
    [['step', '--backend', 'hip'], "gpuhal: --backend does not apply to 'step' (its options: --seed, --width, --list)", 'gpuhal step --help'],
    [['step', '--timeline'], "gpuhal: --timeline does not apply to 'step' (its options: --seed, --width, --list)", 'gpuhal step --help'],
    [['devices', '--seed', '3'], "gpuhal: --seed does not apply to 'devices' (its options: --json)", 'gpuhal devices --help'],
    [['playground', '--backend', 'sim'], "gpuhal: --backend does not apply to 'playground' (its options: --port)", 'gpuhal playground --help'],
    [['demo', '--port', '80'], "gpuhal: --port does not apply to 'demo' (its options: --backend, --seed, --timeline, --trace-out, --width, --json)", 'gpuhal demo --help'],
    [['trace', 'show', 'x.json', '--seed', '2'], "gpuhal: --seed does not apply to 'trace show' (its options: --width, --events, --json)", 'gpuhal trace --help'],
  ])('%j: exit 2, one line naming the option and the command, then where help is', async (args, message, help) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([message, `(${help} lists the options)`]);
  });

  it('options that apply still work (step --list --seed, trace show --width --events reaches the file)', async () => {
    const list = await cli('step', '--list', '--seed', '4');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^demo +/m);
    const show = await cli('trace', 'show', '/nonexistent/gpuhal-trace.json', '--width', '80', '--events');
    expect(show.code).toBe(1); // past option checks: the missing file is the error
    expect(show.stderr).toContain('cannot read /nonexistent/gpuhal-trace.json');
  });
});

describe('did you mean', () => {
  it.each([
    [['dmeo'], `gpuhal: unknown command "dmeo" (did you mean 'demo'?)`, 'commands'],
    [['devcies'], `gpuhal: unknown command "devcies" (did you mean 'devices'?)`, 'commands'],
    [['frobnicate'], 'gpuhal: unknown command "frobnicate"', 'commands'],
    [['demo', '--seeed', '3'], 'gpuhal: unknown option --seeed (did you mean --seed?)', 'options'],
    [['demo', '--timelin'], 'gpuhal: unknown option --timelin (did you mean --timeline?)', 'options'],
    [['devices', '--jsno'], 'gpuhal: unknown option --jsno (did you mean --json?)', 'options'],
    [['demo', '--zzzzzz'], 'gpuhal: unknown option --zzzzzz', 'options'],
    [['demo', '--seed'], 'gpuhal: --seed needs a value', 'options'],
    [['step', 'dmeo'], expect.stringMatching(/^gpuhal: unknown scenario "dmeo" \(did you mean 'demo'\?\); scenarios: demo, /), 'options'],
  ])('%j: one line with the suggestion, no usage dump (exit 2)', async (args, message, what) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual(message);
    expect(lines[1]).toMatch(new RegExp(`^\\(gpuhal (\\w+ )?--help lists the ${what}\\)$`));
  });

  it('suggests only near misses', () => {
    expect(closest('playgound', ['demo', 'playground'])).toBe('playground');
    expect(closest('x', ['demo', 'step'])).toBeUndefined();
    expect(closest('tim', ['timeline', 'trace-out'])).toBe('timeline'); // a prefix
  });
});

describe('help and version', () => {
  it('--version and -v print the package version', async () => {
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-v']) {
      const r = await cli(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`gpuhal ${packageVersion()}`);
    }
  });

  it('gpuhal --help lists every command; gpuhal <command> --help shows that command and its options only', async () => {
    const all = await cli('--help');
    expect(all.code).toBe(0);
    for (const command of ['demo', 'step [scenario]', 'trace show <file>', 'devices', 'playground']) expect(all.stdout).toContain(`\n  ${command}`);
    const demo = await cli('demo', '--help');
    expect(demo.code).toBe(0);
    // The synopsis, wrapped at 100 columns like all of the help.
    expect(demo.stdout.split('\n').slice(0, 2).join(' ').replace(/\s+/g, ' ')).toBe('usage: gpuhal demo [--backend <name>] [--seed <n>] [--timeline] [--trace-out <file>] [--width <n>] [--json]');
    for (const text of [all.stdout, demo.stdout]) for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(demo.stdout).toContain('  --json               print the result as one JSON document');
    expect(demo.stdout).not.toContain('--port');
    expect((await cli('help', 'devices')).stdout).toBe((await cli('devices', '-h')).stdout);
  });
});

describe('failures are one clear line', () => {
  it('a HalError (a backend that cannot open) is one line and exit 1, not a stack trace', async () => {
    registerBackend('broken-for-test', {
      probe: async () => ({ available: false, reason: 'no such device here' }),
      open: async () => {
        throw new HalError(StatusCode.UNAVAILABLE, 'no such device here');
      },
    } as never);
    const r = await cli('demo', '--backend', 'broken-for-test');
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe("gpuhal demo: UNAVAILABLE: no such device here");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('--json', () => {
  it('devices --json is one JSON document listing every backend', async () => {
    const r = await cli('devices', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { backends: { name: string; available: boolean; reason?: string }[] };
    expect(doc.backends.map((b) => b.name)).toEqual(expect.arrayContaining(['sim', 'hip']));
    expect(doc.backends.find((b) => b.name === 'sim')!.available).toBe(true);
  });

  it('demo --json reports the result, the semaphores and the story', async () => {
    const r = await cli('demo', '--json', '--seed', '3');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; seed: number; semaphores: Record<string, string>; story: string[]; traceEvents: number };
    expect(doc).toMatchObject({ ok: true, seed: 3, semaphores: { 'x-ready': '1', 'y-ready': '1', result: '1' } });
    expect(doc.story.some((line) => /queue 1: saxpy done/.test(line))).toBe(true);
    expect(doc.traceEvents).toBeGreaterThan(0);
  });
});

describe('terminal', () => {
  it('devices wraps a long reason to the terminal width, continuation lines indented', async () => {
    const reason = 'the library libamdhip64.so could not be loaded because '.repeat(4).trim();
    registerBackend('wordy-for-test', { probe: async () => ({ available: false, reason }), open: async () => { throw new Error('unreachable'); } } as never);
    const stdout: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void stdout.push(String(line)));
    expect(await main(['devices'], { columns: 60, color: false })).toBe(0);
    const lines = stdout.join('\n').split('\n');
    const start = lines.findIndex((l) => l.startsWith('wordy-for-test: unavailable'));
    const block = lines.slice(start, lines.findIndex((l, i) => i > start && !l.startsWith('    ')) >>> 0);
    expect(block.length).toBeGreaterThan(2);
    for (const line of block) expect(line.length).toBeLessThanOrEqual(60);
    expect(block.slice(1).every((l) => l.startsWith('    '))).toBe(true);
    expect(block.join(' ').replace(/\s+/g, ' ')).toBe(`wordy-for-test: unavailable — ${reason}`);
  });

  it('wrap keeps every word and never breaks one', () => {
    expect(wrap('aaa bbb ccc', 7, 2)).toEqual(['aaa bbb', '  ccc']);
    expect(wrap('averyveryverylongword x', 5, 1)).toEqual(['averyveryverylongword', ' x']);
  });

  it('the timeline takes the terminal width; colour only when the terminal has it', async () => {
    const stdout: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void stdout.push(String(line)));
    expect(await main(['demo', '--timeline'], { columns: 80, color: false })).toBe(0);
    const text = stdout.join('\n');
    expect(text).not.toContain('\u001b[');
    const timeline = text.slice(text.indexOf('\nqueue0'));
    for (const line of timeline.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    stdout.length = 0;
    expect(await main(['demo'], { columns: 80, color: true })).toBe(0);
    expect(stdout.join('\n')).toContain('\u001b[32mOK\u001b[39m');
  });

  it('NO_COLOR turns colour off on a terminal that has it', async () => {
    const { terminalOf } = await import('../../src/cli/terminal.js');
    const fake = { isTTY: true, columns: 120, hasColors: () => process.env.NO_COLOR === undefined } as unknown as NodeJS.WriteStream;
    vi.stubEnv('NO_COLOR', '1');
    expect(terminalOf(fake)).toEqual({ columns: 120, color: false });
    vi.unstubAllEnvs();
    expect(terminalOf({ isTTY: false } as unknown as NodeJS.WriteStream)).toEqual({ columns: 100, color: false });
  });
});

describe('a reader that closes the pipe early', () => {
  it('gpuhal demo | head -1: exit 0, nothing on stderr', async () => {
    ensureBuilt();
    const child = spawn('sh', ['-c', `"${process.execPath}" "${join(ROOT, 'bin', 'gpuhal.js')}" demo --timeline | head -1; echo "status $?"`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => child.once('close', resolve));
    expect(stdout.split('\n')[0]).toMatch(/^gpuhal demo on /);
    expect(stderr).toBe('');
  }, 60_000);
});
