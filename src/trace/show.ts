/**
 * `gpuhal trace show <file>`: what the command prints, given the file's text. The CLI only reads the file and
 * prints the result (or the HalError's message); keeping this here makes it testable without a process.
 */
import { narrate } from './narrate.js';
import { renderTimeline } from './timeline_renderer.js';
import { parseTraceFile } from './trace_file.js';

export interface ShowOptions {
  readonly width?: number;
  readonly color?: boolean;
  /** Also list every event in plain English after the timeline. */
  readonly events?: boolean;
}

/** Throws HalError INVALID_ARGUMENT (or UNIMPLEMENTED for a newer format) naming `source` and the bad field. */
export function showTraceFile(text: string, source: string, options: ShowOptions = {}): string {
  const events = parseTraceFile(text, source);
  const timeline = renderTimeline(events, { width: options.width ?? 100, color: options.color ?? false });
  if (options.events !== true) return timeline;
  return `${timeline}\nEvents:\n${narrate(events).join('\n')}\n`;
}
