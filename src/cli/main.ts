/**
 * The `gpuhal` command line: `demo` (the main job), `step`, `trace show`, `devices`, `playground`, `help`.
 * Argument parsing uses node:util's parseArgs; each command lives in its own module.
 */
import { parseArgs } from 'node:util';
import { HalError } from '../core/errors.js';
import { runDemo } from './demo.js';
import { exploreCommand } from './explore.js';
import { listDevices } from './devices.js';
import { stepScenarios } from './scenarios.js';
import { runStepSession } from './step_session.js';
import { showTraceCommand } from './trace_show.js';

const USAGE = `usage: gpuhal <command> [options]

commands:
  demo [--backend <name>] [--seed <n>] [--timeline] [--trace-out <file>] [--width <n>]
                       run a small two-queue pipeline (upload, a compute kernel, read back), check the result,
                       and explain what ran when and how each semaphore moved
  step [scenario] [--seed <n>] [--width <n>]
                       walk through a scenario on the simulator one event at a time (default: demo);
                       commands on stdin: n next event, s to next signal, c continue, i inspect, t timeline, q quit
  step --list          list the scenarios
  trace show <file> [--width <n>] [--events]
                       draw a trace file (from demo --trace-out) as a terminal timeline
  explore <file> [--scenario <name>] [--schedules <n>] [--strategy pct --depth <d>] [--replay <token>] [--json]
                       explore the schedules of the scenarios a module exports; shrink and replay a failure
                       (gpuhal explore --help for every option)
  devices              list the backends, whether each can be used here (and why not), and their devices
  playground [--port <n>]
                       serve the browser playground (timelines and lessons) on localhost
  help                 show this text

options (each only with the commands named; any other use is a usage error):
  --backend <name>     demo: sim (default), hip, auto, or a comma-separated preference list
  --seed <n>           demo, step: the simulator's scheduling seed (demo: default 1; step: the scenario's own)
  --timeline           demo: draw the timeline of what ran (lanes per queue and stream, semaphore values)
  --trace-out <file>   demo: write the trace as Chrome Trace Event JSON (open it at https://ui.perfetto.dev)
  --width <n>          demo, step, trace show: timeline columns (default 100)
  --events             trace show: also list every event in plain English
  --list               step: list the scenarios
  --port <n>           playground: the port to listen on
  -h, --help           any command: show this text
`;

/** The options each command reads; every other option given to it is rejected rather than silently ignored. */
const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  demo: ['backend', 'seed', 'timeline', 'trace-out', 'width'],
  step: ['seed', 'width', 'list'],
  trace: ['width', 'events'],
  devices: [],
  playground: ['port'],
};

/** The usage error for an option the command does not read, or undefined when every option applies. */
function inapplicableOption(command: string, given: readonly string[]): string | undefined {
  const accepted = COMMAND_OPTIONS[command];
  if (accepted === undefined) return undefined;
  const name = given.find((option) => option !== 'help' && !accepted.includes(option));
  if (name === undefined) return undefined;
  const label = command === 'trace' ? 'trace show' : command;
  const options = accepted.length === 0 ? 'it takes no options' : `its options: ${accepted.map((o) => `--${o}`).join(', ')}`;
  return `--${name} does not apply to '${label}' (${options})`;
}

function fail(message: string): number {
  console.error(`gpuhal: ${message}`);
  return 2;
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

export async function main(argv: readonly string[]): Promise<number> {
  // explore has options of its own (src/cli/explore.ts parses them).
  if (argv[0] === 'explore') return exploreCommand(argv.slice(1), (line) => console.log(line), (line) => console.error(line));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        backend: { type: 'string' },
        seed: { type: 'string' },
        timeline: { type: 'boolean' },
        'trace-out': { type: 'string' },
        width: { type: 'string' },
        events: { type: 'boolean' },
        list: { type: 'boolean' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`gpuhal: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const [command = 'help', ...rest] = parsed.positionals;
  const values = parsed.values;
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const inapplicable = inapplicableOption(command, Object.keys(values));
  if (inapplicable !== undefined) return fail(`${inapplicable}\n\n${USAGE}`);
  const maxArgs = command === 'trace' ? 2 : command === 'step' ? 1 : 0;
  if (rest.length > maxArgs) return fail(`unexpected argument ${JSON.stringify(rest[maxArgs])}\n\n${USAGE}`);
  const backend = values.backend?.includes(',') ? values.backend.split(',') : values.backend;
  const seed = integerOption('seed', values.seed, 0);
  if (typeof seed === 'string') return fail(seed);
  const width = integerOption('width', values.width, 40, 1000);
  if (typeof width === 'string') return fail(width);
  const out = (line: string): void => console.log(line);

  switch (command) {
    case 'demo':
      return runDemo({
        backend: backend ?? 'sim',
        seed: seed ?? 1,
        out,
        timeline: values.timeline === true,
        ...(width !== undefined ? { width } : {}),
        ...(values['trace-out'] !== undefined ? { traceOut: values['trace-out'] } : {}),
      });
    case 'step': {
      const scenarios = await stepScenarios();
      if (values.list) {
        for (const s of scenarios) out(`${s.id.padEnd(22)} ${s.title}`);
        return 0;
      }
      const id = rest[0] ?? 'demo';
      const scenario = scenarios.find((s) => s.id === id);
      if (scenario === undefined) return fail(`unknown scenario ${JSON.stringify(id)} (scenarios: ${scenarios.map((s) => s.id).join(', ')})`);
      return runStepSession({ scenario, ...(seed !== undefined ? { seed } : {}), ...(width !== undefined ? { width } : {}), input: process.stdin, out });
    }
    case 'trace': {
      const [sub, file] = rest;
      if (sub !== 'show') return fail(`unknown trace command ${JSON.stringify(sub ?? '')} (usage: gpuhal trace show <file> [--width N] [--events])`);
      if (file === undefined) return fail('trace show needs a file: gpuhal trace show <file> [--width N] [--events]');
      return showTraceCommand(file, { ...(width !== undefined ? { width } : {}), events: values.events === true }, out, (line) => console.error(line));
    }
    case 'devices':
      return listDevices(out);
    case 'playground':
      return startPlaygroundCommand(values.port);
    default:
      return fail(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  }
}

/** The playground lives in src/playground/server.ts (its own module, loaded only for this command). */
async function startPlaygroundCommand(rawPort: string | undefined): Promise<number> {
  const port = integerOption('port', rawPort, 0, 65535);
  if (typeof port === 'string') return fail(port);
  const { startPlayground } = await import('../playground/server.js');
  let playground;
  try {
    playground = await startPlayground(port === undefined ? {} : { port });
  } catch (error) {
    if (!HalError.is(error)) throw error;
    console.error(`gpuhal playground: ${error.message}`);
    return 1;
  }
  console.log(`gpuhal playground: open ${playground.url} in a browser (Ctrl+C stops it)`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await playground.close();
  return 0;
}
