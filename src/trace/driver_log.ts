/**
 * Device-side work from a driver's own log, as stream lanes: the simulator logs every stream operation with its
 * virtual start and end (src/backends/sim/event_log.ts), which is the device's view of the schedule next to the
 * core's queue-level view. Importing the log after a run needs no hook inside the driver.
 *
 * The entry type is structural, so this module does not depend on the simulator.
 */
import type { OpKind, OpStatus } from './model.js';
import type { TraceRecorder } from './recorder.js';

/** One logged stream operation (the simulator's LogEntry has this shape). */
export interface DriverLogEntry {
  /** The stream's id within its driver. */
  readonly stream: number;
  /** memset, memcpy, htod, dtoh, kernel, graph, alloc, free, wait, record, host. */
  readonly op: string;
  readonly label: string;
  /** Device ns (virtual on the simulator). */
  readonly start: number;
  readonly end: number;
  readonly status: OpStatus;
  readonly error?: string;
}

export interface DriverLogImportOptions {
  /** Lane name for a stream id; default "stream <id>". */
  readonly streamName?: (stream: number) => string;
}

const KINDS: Readonly<Record<string, OpKind>> = {
  memset: 'fill',
  memcpy: 'copy',
  htod: 'update',
  dtoh: 'read',
  kernel: 'kernel',
  graph: 'graph',
  alloc: 'alloc',
  free: 'free',
  wait: 'wait',
  host: 'host',
};

/** Stream lane keys per device: ids repeat across drivers, so each device gets its own. */
const laneKeys = new WeakMap<object, Map<number, object>>();

/**
 * Adds each entry as an `op` on the lane of its stream (declared on first use). Event recordings ('record') are
 * bookkeeping with no duration and are left out. Unknown operation names become 'other'.
 */
export function importDriverLog(recorder: TraceRecorder, device: object, entries: readonly DriverLogEntry[], options: DriverLogImportOptions = {}): void {
  let keys = laneKeys.get(device);
  if (keys === undefined) laneKeys.set(device, (keys = new Map()));
  for (const entry of entries) {
    if (entry.op === 'record') continue;
    let key = keys.get(entry.stream);
    if (key === undefined) {
      key = { stream: entry.stream };
      keys.set(entry.stream, key);
      recorder.declareStream(key, device, options.streamName?.(entry.stream) ?? `stream ${entry.stream}`);
    }
    recorder.streamOp(key, {
      kind: KINDS[entry.op] ?? 'other',
      name: entry.label === '' ? entry.op : `${entry.op} ${entry.label}`,
      start: BigInt(Math.round(entry.start)),
      end: BigInt(Math.round(entry.end)),
      status: entry.status,
      ...(entry.error === undefined ? {} : { error: entry.error }),
    });
  }
}
