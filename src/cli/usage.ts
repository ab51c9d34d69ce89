/** The help texts, generated from the command table (commands.ts). */
import { COMMANDS, type CommandSpec, type OptionSpec } from './commands.js';

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
  for (const command of COMMANDS) lines.push(`  ${command.synopsis.padEnd(20)} ${command.summary}`);
  lines.push('', 'options:', '  -h, --help           show help (gpuhal <command> --help: that command\'s options)', '  -v, --version        print the version');
  lines.push('', 'Run "gpuhal <command> --help" for a command\'s options.');
  return lines.join('\n');
}

/** `gpuhal <command> --help`: the command's synopsis, what it does and each of its options. */
export function commandUsage(command: CommandSpec): string {
  const lines = [`usage: gpuhal ${synopsis(command)}`, '', command.summary, ...(command.details ?? [])];
  if (command.options.length > 0) {
    lines.push('', 'options:');
    for (const option of command.options) lines.push(`  ${optionName(option).padEnd(20)} ${option.summary}`);
  }
  return lines.join('\n');
}
