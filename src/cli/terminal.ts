/**
 * What the CLI knows about where its output goes: how wide the terminal is and whether to colour. Piped output is
 * plain and 100 columns wide, so files and golden tests see the same bytes on every machine.
 */
import type { WriteStream } from 'node:tty';

export interface Terminal {
  /** Columns available; 100 when the output is not a terminal. */
  readonly columns: number;
  /** ANSI colours: only on a terminal that supports them, never with NO_COLOR set (tty's hasColors() reads it). */
  readonly color: boolean;
}

export const PLAIN_TERMINAL: Terminal = { columns: 100, color: false };

export function terminalOf(stream: NodeJS.WriteStream = process.stdout): Terminal {
  if (stream.isTTY !== true) return PLAIN_TERMINAL;
  const tty = stream as WriteStream;
  return { columns: Math.max(40, tty.columns || 100), color: typeof tty.hasColors === 'function' && tty.hasColors() };
}

const codes = { red: [31, 39], green: [32, 39], bold: [1, 22], dim: [2, 22] } as const;

export function paint(terminal: Terminal, style: keyof typeof codes, text: string): string {
  if (!terminal.color) return text;
  const [on, off] = codes[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

/** Words of `text` on lines of at most `width` columns, each continuation line indented by `indent` spaces. */
export function wrap(text: string, width: number, indent: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * A reader that closes the pipe early (`gpuhal demo | head -1`) is not an error: stop writing and exit quietly
 * instead of crashing with an unhandled EPIPE.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
