/**
 * The user's call site of a queue operation or a recorded command, captured while race checking is on so a report
 * can say where in the user's program each racing operation was made.
 *
 * Capturing walks the stack (V8 collects the frames), but formatting it is deferred to the first time a report
 * needs the text: most submissions never race, and formatting is the expensive part.
 */

/**
 * The directory of the core (src/core/ or dist/src/core/): frames inside it are gpuhal's own, not the user's. A
 * bundle may leave `import.meta.url` undefined (esbuild's IIFE output for a browser page), and a module that throws
 * while loading would take the whole bundle down; there the core's frames cannot be told apart and none is skipped.
 */
const CORE_MARKERS: readonly string[] = coreMarkers();

function coreMarkers(): string[] {
  const here: unknown = import.meta.url;
  if (typeof here !== 'string') return [];
  const dir = new URL('../', here);
  return [dir.href, decodeURIComponent(dir.pathname)];
}

/**
 * Frames collected: gpuhal adds at most 6 between the user's call and the capture (device.upload → queue.upload →
 * its promise executor → submitUpdate → checker entry → capture), and every collected frame costs time on every
 * submission (it is most of the checker's cost), so only a few beyond those are kept.
 */
const FRAMES = 9;

export class CallSite {
  private text: string | undefined;

  constructor(private readonly error: Error) {}

  /** "functionName (path:line:column)", the first frame outside gpuhal's core; "unknown" if there is none. */
  toString(): string {
    return (this.text ??= userFrame(this.error.stack ?? ''));
  }
}

export function captureCallSite(): CallSite {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = FRAMES;
  const error = new Error('call site');
  Error.stackTraceLimit = limit;
  return new CallSite(error);
}

function userFrame(stack: string): string {
  const lines = stack.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line.startsWith('at ')) continue;
    if (CORE_MARKERS.some((marker) => line.includes(marker))) continue;
    if (line.includes('node:internal') || line.includes('<anonymous>')) continue;
    return shorten(line.slice(3));
  }
  return 'unknown';
}

/** Paths relative to the working directory, when there is one (Node), keep messages short. */
function shorten(frame: string): string {
  const cwd = typeof process !== 'undefined' && typeof process.cwd === 'function' ? process.cwd() : undefined;
  let out = frame.replace('file://', '');
  if (cwd !== undefined) out = out.split(`${cwd}/`).join('');
  return out;
}
