/** The help texts, generated from the command table (commands.ts). */
import { COMMANDS, type CommandSpec, type OptionSpec } from './commands.js';
import { wrap } from './terminal.js';

/** Help is wrapped at 100 columns, a width every terminal shows and piped output keeps readable. */
const WIDTH = 100;

/** `  name                 summary`, the summary wrapped under itself. */
function entry(name: string, summary: string): string[] {
  return wrap(summary, WIDTH - 23, 0).map((line, i) => (i === 0 ? `  ${name.padEnd(20)} ${line}` : `${' '.repeat(23)}${line}`));
}

function optionName(option: OptionSpec): string {
  return option.value === undefined ? `--${option.name}` : `--${option.name} ${option.value}`;
}

function synopsis(command: CommandSpec): string {
  const options = command.options.map((o) => `[${optionName(o)}]`).join(' ');
  return `${command.synopsis}${options === '' ? '' : ` ${options}`}`;
}

/** `gpuhal --help`: every command with its summary. */
export function usage(): string {
  const lines = ['usage: gpuhal <command> [options]', '', 'commands:'];
  for (const command of COMMANDS) lines.push(...entry(command.synopsis, command.summary));
  lines.push('', 'options:', '  -h, --help           show help (gpuhal <command> --help: that command\'s options)', '  -v, --version        print the version');
  lines.push('', 'Run "gpuhal <command> --help" for a command\'s options.');
  return lines.join('\n');
}

/** `gpuhal <command> --help`: the command's synopsis, what it does and each of its options. */
export function commandUsage(command: CommandSpec): string {
  const lines = [...wrap(`usage: gpuhal ${synopsis(command)}`, WIDTH, 13), '', ...wrap(command.summary, WIDTH, 0), ...(command.details ?? []).flatMap((d) => wrap(d, WIDTH, 0))];
  if (command.options.length > 0) {
    lines.push('', 'options:');
    for (const option of command.options) lines.push(...entry(optionName(option), option.summary));
  }
  return lines.join('\n');
}
