/** `gpuhal trace show <file>`: reads the file and prints src/trace/show.ts's rendering, or a clear error (exit 1). */
import { readFile } from 'node:fs/promises';
import { HalError } from '../core/errors.js';
import { showTraceFile, type ShowOptions } from '../trace/show.js';
import { parseTraceFile } from '../trace/trace_file.js';
import { narrate } from '../trace/narrate.js';

export interface TraceShowOptions extends ShowOptions {
  /** The file's events as JSON (each with its plain-English line) instead of the drawing. */
  readonly json?: boolean;
}

export async function showTraceCommand(path: string, options: TraceShowOptions, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
    err(`gpuhal trace show: cannot read ${path}: ${why}`);
    return 1;
  }
  try {
    if (options.json === true) {
      const events = parseTraceFile(text, path);
      out(JSON.stringify({ file: path, eventCount: events.length, events, narration: narrate(events) }, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2));
      return 0;
    }
    out(showTraceFile(text, path, options).trimEnd());
    return 0;
  } catch (error) {
    if (!HalError.is(error)) throw error;
    err(`gpuhal trace show: ${error.message}`);
    return 1;
  }
}
