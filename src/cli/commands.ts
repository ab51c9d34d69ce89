/**
 * The `gpuhal` commands and their options, stated once: the parser, the usage text, per-command help and the
 * did-you-mean suggestions all read this table, so a new option cannot be documented in one place and missing in
 * another.
 */
export interface OptionSpec {
  readonly name: string;
  /** The value's placeholder, e.g. '<n>'; absent for a boolean flag. */
  readonly value?: string;
  readonly summary: string;
}

export interface CommandSpec {
  /** The word typed after `gpuhal` ('trace' for `trace show`). */
  readonly name: string;
  /** How it is typed, without the options. */
  readonly synopsis: string;
  readonly summary: string;
  /** Further lines of help shown by `gpuhal <command> --help`. */
  readonly details?: readonly string[];
  readonly options: readonly OptionSpec[];
  /** How many positional arguments may follow the command word. */
  readonly maxArguments: number;
}

const json: OptionSpec = { name: 'json', summary: 'print the result as one JSON document on stdout instead of text' };
const width: OptionSpec = { name: 'width', value: '<n>', summary: 'timeline columns, 40 to 1000 (default: the terminal width on a terminal, else 100)' };

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'demo',
    synopsis: 'demo',
    summary: 'run a small two-queue pipeline (upload, a compute kernel, read back), check the result, and explain what ran when and how each semaphore moved',
    details: ['Exit status 1 when the result differs from the reference.'],
    options: [
      { name: 'backend', value: '<name>', summary: 'sim (default), hip, auto, or a comma-separated preference list' },
      { name: 'seed', value: '<n>', summary: "the simulator's scheduling seed (default 1)" },
      { name: 'timeline', summary: 'draw the timeline of what ran (lanes per queue and stream, semaphore values)' },
      { name: 'trace-out', value: '<file>', summary: 'write the trace as Chrome Trace Event JSON (open it at https://ui.perfetto.dev)' },
      width,
      json,
    ],
    maxArguments: 0,
  },
  {
    name: 'step',
    synopsis: 'step [scenario]',
    summary: 'walk through a scenario on the simulator one event at a time (default: demo)',
    details: ['Commands on stdin: n next event, s to next signal, c continue, i inspect, t timeline, q quit.'],
    options: [
      { name: 'seed', value: '<n>', summary: "the simulator's scheduling seed (default: the scenario's own)" },
      width,
      { name: 'list', summary: 'list the scenarios' },
    ],
    maxArguments: 1,
  },
  {
    name: 'trace',
    synopsis: 'trace show <file>',
    summary: 'draw a trace file (from demo --trace-out) as a terminal timeline',
    options: [width, { name: 'events', summary: 'also list every event in plain English' }, json],
    maxArguments: 2,
  },
  {
    name: 'explore',
    synopsis: 'explore <file>',
    summary: 'explore the schedules of the scenarios a module exports (gpuhal/testing); shrink a failure and print its replay token',
    details: ['Exit status 1 when a schedule failed (or a replayed one fails).'],
    options: [
      { name: 'scenario', value: '<name>', summary: 'only this scenario (default: every one the module exports)' },
      { name: 'schedules', value: '<n>', summary: 'schedules per scenario (default 1000)' },
      { name: 'strategy', value: '<s>', summary: 'random (default), pct, or exhaustive' },
      { name: 'depth', value: '<d>', summary: 'pct: the bug depth (default 3)' },
      { name: 'seed', value: '<n>', summary: "the exploration's seed (default 1)" },
      { name: 'time-budget', value: '<ms>', summary: "stop each scenario's exploration after this many milliseconds" },
      { name: 'replay', value: '<token>', summary: 'run one schedule from a failure\'s replay token (needs one scenario)' },
      json,
    ],
    maxArguments: 1,
  },
  {
    name: 'devices',
    synopsis: 'devices',
    summary: 'list the backends, whether each can be used here (and why not), and their devices',
    options: [json],
    maxArguments: 0,
  },
  {
    name: 'playground',
    synopsis: 'playground',
    summary: 'serve the browser playground (timelines and lessons) on localhost',
    options: [{ name: 'port', value: '<n>', summary: 'the port to listen on (default: a free one)' }],
    maxArguments: 0,
  },
  {
    name: 'help',
    synopsis: 'help [command]',
    summary: 'show this text, or one command\'s options',
    options: [],
    maxArguments: 1,
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** Every option of every command, once each, for the parser (the per-command check comes after parsing). */
export function allOptions(): OptionSpec[] {
  const seen = new Map<string, OptionSpec>();
  for (const command of COMMANDS) for (const option of command.options) if (!seen.has(option.name)) seen.set(option.name, option);
  return [...seen.values()];
}
