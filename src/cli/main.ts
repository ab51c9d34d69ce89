/**
 * The `gpuhal` command line: `demo` (the main job), `devices`, `help`.
 * Argument parsing uses node:util's parseArgs; each command lives in its own module.
 */
import { parseArgs } from 'node:util';
import { runDemo } from './demo.js';
import { listDevices } from './devices.js';

const USAGE = `usage: gpuhal <command> [options]

commands:
  demo       run a small two-queue pipeline (upload, a compute kernel, read back), check the result,
             and explain what ran when and how each semaphore moved
  devices    list the backends, whether each can be used here (and why not), and their devices
  help       show this text

options:
  --backend <name>   sim (default for demo), hip, auto, or a comma-separated preference list
  --seed <n>         the simulator's scheduling seed (default 1)
`;

export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        backend: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`gpuhal: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const [command = 'help', ...rest] = parsed.positionals;
  if (parsed.values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (rest.length > 0) {
    console.error(`gpuhal: unexpected argument ${JSON.stringify(rest[0])}\n\n${USAGE}`);
    return 2;
  }
  const backend = parsed.values.backend?.includes(',') ? parsed.values.backend.split(',') : parsed.values.backend;
  let seed: number | undefined;
  if (parsed.values.seed !== undefined) {
    seed = Number(parsed.values.seed);
    if (!Number.isSafeInteger(seed) || seed < 0) {
      console.error(`gpuhal: --seed must be a non-negative integer (got ${JSON.stringify(parsed.values.seed)})`);
      return 2;
    }
  }
  switch (command) {
    case 'demo':
      return runDemo({ backend: backend ?? 'sim', seed: seed ?? 1, out: (line) => console.log(line) });
    case 'devices':
      return listDevices((line) => console.log(line));
    default:
      console.error(`gpuhal: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}
