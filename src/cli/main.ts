/**
 * The `gpuhal` command line: `demo` (the main job), `step`, `trace show`, `explore`, `devices`, `playground`, `help`.
 * The commands and their options are declared in commands.ts; each command lives in its own module.
 *
 * Exit status: 0 done, 1 the command failed (a wrong result, a HalError such as no GPU: one line on stderr, no stack
 * trace), 2 a usage error (one line naming the problem, a did-you-mean where one fits, and where to find help).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HalError } from '../core/errors.js';
import { allOptions, COMMANDS, findCommand, type CommandSpec } from './commands.js';
import { runDemo } from './demo.js';
import { exploreCommand } from './explore.js';
import { listDevices } from './devices.js';
import { stepScenarios } from './scenarios.js';
import { runStepSession } from './step_session.js';
import { closest } from './suggest.js';
import { PLAIN_TERMINAL, paint, type Terminal } from './terminal.js';
import { showTraceCommand } from './trace_show.js';
import { commandUsage, usage } from './usage.js';

/** The usage error for an option the command does not read, or undefined when every option applies. */
function inapplicableOption(command: CommandSpec, given: readonly string[]): string | undefined {
  const accepted = command.options.map((o) => o.name);
  const name = given.find((option) => option !== 'help' && !accepted.includes(option));
  if (name === undefined) return undefined;
  const label = command.name === 'trace' ? 'trace show' : command.name;
  const options = accepted.length === 0 ? 'it takes no options' : `its options: ${accepted.map((o) => `--${o}`).join(', ')}`;
  return `--${name} does not apply to '${label}' (${options})`;
}

/** The option's value, or the error message naming it (a string). */
function integerOption(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | string | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`) : `an integer from ${min} to ${max}`;
    return `--${name} must be ${range} (got ${JSON.stringify(raw)})`;
  }
  return value;
}

/** The package's version, from the package.json two folders above this module (src/cli/ or dist/src/cli/). */
export function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'gpuhal' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not this folder: try the next
    }
  }
  return 'unknown';
}

/** A parseArgs error as one line, with the closest known option when an unknown one was probably mistyped. */
function describeParseError(error: unknown, command: CommandSpec | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(message);
  if (unknown !== null) {
    const candidates = (command?.options ?? allOptions()).map((o) => o.name);
    const guess = closest(unknown[2]!, [...candidates, 'help', 'version']);
    return `unknown option ${unknown[1]}${unknown[2]}${guess === undefined ? '' : ` (did you mean --${guess}?)`}`;
  }
  const missing = /^Option '(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing !== null) return `${missing[1]} needs a value`;
  return message.split('\n')[0]!.replace(/\.$/, '');
}

export async function main(argv: readonly string[], terminal: Terminal = PLAIN_TERMINAL): Promise<number> {
  // The command, if one was typed, even when parsing fails: usage errors point at its help.
  const known = argv.map((arg) => findCommand(arg)).find((command) => command !== undefined);
  if (known?.name === 'explore') {
    // explore parses its own options and prints its own usage (explore.ts); commands.ts only documents them.
    const rest = [...argv];
    rest.splice(rest.indexOf('explore'), 1);
    return exploreCommand(rest, (line) => console.log(line), (line) => console.error(line));
  }
  const helpHint = known === undefined || known.name === 'help' ? 'gpuhal --help' : `gpuhal ${known.name} --help`;
  const fail = (message: string): number => {
    console.error(`${paint(terminal, 'red', 'gpuhal:')} ${message}`);
    console.error(`(${helpHint} lists the ${known === undefined || known.name === 'help' ? 'commands' : 'options'})`);
    return 2;
  };

  let parsed;
  try {
    const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    };
    for (const option of allOptions()) options[option.name] = { type: option.value === undefined ? 'boolean' : 'string' };
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options });
  } catch (error) {
    return fail(describeParseError(error, known));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const [name = 'help', ...rest] = parsed.positionals;
  if (values.version === true && name === 'help') {
    console.log(`gpuhal ${packageVersion()}`);
    return 0;
  }
  const command = findCommand(name);
  if (command === undefined) {
    const guess = closest(name, COMMANDS.map((c) => c.name));
    return fail(`unknown command ${JSON.stringify(name)}${guess === undefined ? '' : ` (did you mean '${guess}'?)`}`);
  }
  if (command.name === 'help') {
    const topic = rest[0] === undefined ? undefined : findCommand(rest[0]);
    if (rest[0] !== undefined && topic === undefined) return fail(`no help for unknown command ${JSON.stringify(rest[0])}`);
    console.log(topic === undefined || topic.name === 'help' ? usage() : commandUsage(topic));
    return 0;
  }
  if (values.help === true) {
    console.log(commandUsage(command));
    return 0;
  }
  const inapplicable = inapplicableOption(command, Object.keys(values).filter((key) => key !== 'version'));
  if (inapplicable !== undefined) return fail(inapplicable);
  if (values.version === true) return fail(`--version does not take a command (gpuhal --version)`);
  if (rest.length > command.maxArguments) return fail(`unexpected argument ${JSON.stringify(rest[command.maxArguments])}`);

  try {
    return await runCommand(command, rest, values, terminal, fail);
  } catch (error) {
    // Expected conditions (no GPU, a bad file, an unusable option) are HalErrors: one line and status 1. Anything
    // else is a defect in gpuhal and keeps its stack trace, for the bug report.
    if (!HalError.is(error)) throw error;
    console.error(`${paint(terminal, 'red', `gpuhal ${command.name}:`)} ${error.message}`);
    return 1;
  }
}

async function runCommand(
  command: CommandSpec,
  rest: readonly string[],
  values: Record<string, string | boolean | undefined>,
  terminal: Terminal,
  fail: (message: string) => number,
): Promise<number> {
  const string = (key: string): string | undefined => (typeof values[key] === 'string' ? values[key] : undefined);
  const backendOption = string('backend');
  const backend = backendOption?.includes(',') ? backendOption.split(',') : backendOption;
  const seed = integerOption('seed', string('seed'), 0);
  if (typeof seed === 'string') return fail(seed);
  const widthOption = integerOption('width', string('width'), 40, 1000);
  if (typeof widthOption === 'string') return fail(widthOption);
  const width = widthOption ?? Math.min(1000, terminal.columns);
  const json = values.json === true;
  const out = (line: string): void => console.log(line);

  switch (command.name) {
    case 'demo':
      return runDemo({
        backend: backend ?? 'sim',
        seed: seed ?? 1,
        out,
        timeline: values.timeline === true,
        width,
        json,
        color: terminal.color,
        ...(string('trace-out') !== undefined ? { traceOut: string('trace-out')! } : {}),
      });
    case 'step': {
      const scenarios = await stepScenarios();
      if (values.list === true) {
        for (const s of scenarios) out(`${s.id.padEnd(22)} ${s.title}`);
        return 0;
      }
      const id = rest[0] ?? 'demo';
      const scenario = scenarios.find((s) => s.id === id);
      if (scenario === undefined) {
        const guess = closest(id, scenarios.map((s) => s.id));
        return fail(`unknown scenario ${JSON.stringify(id)}${guess === undefined ? '' : ` (did you mean '${guess}'?)`}; scenarios: ${scenarios.map((s) => s.id).join(', ')}`);
      }
      return runStepSession({ scenario, ...(seed !== undefined ? { seed } : {}), width, input: process.stdin, out });
    }
    case 'trace': {
      const [sub, file] = rest;
      if (sub !== 'show') return fail(`unknown trace command ${JSON.stringify(sub ?? '')} (usage: gpuhal trace show <file>)`);
      if (file === undefined) return fail('trace show needs a file: gpuhal trace show <file>');
      return showTraceCommand(file, { width, events: values.events === true, color: terminal.color, json }, out, (line) => console.error(line));
    }
    case 'devices':
      return listDevices(out, { json, columns: terminal.columns });
    case 'playground':
      return startPlaygroundCommand(string('port'), fail);
    default:
      return fail(`unknown command ${JSON.stringify(command.name)}`);
  }
}

/** The playground lives in src/playground/server.ts (its own module, loaded only for this command). */
async function startPlaygroundCommand(rawPort: string | undefined, fail: (message: string) => number): Promise<number> {
  const port = integerOption('port', rawPort, 0, 65535);
  if (typeof port === 'string') return fail(port);
  const { startPlayground } = await import('../playground/server.js');
  const playground = await startPlayground(port === undefined ? {} : { port });
  console.log(`gpuhal playground: open ${playground.url} in a browser (Ctrl+C stops it)`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await playground.close();
  return 0;
}
export { exitQuietlyOnClosedPipe, terminalOf } from './terminal.js';
