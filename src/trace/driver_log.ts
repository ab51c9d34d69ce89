/**
 * Device-side work from a driver's own log, as stream lanes: a driver that logs every stream operation with its
 * start and end (a modelled device's event log) gives the device's view of the schedule next to the core's
 * queue-level view. Importing the log after a run needs no hook inside the driver.
 *
 * The entry type is structural, so this module depends on no backend.
 */
import type { OpKind, OpStatus } from './model.js';
import type { TraceRecorder } from './hooks.js';

/** One logged stream operation (a driver log entry of this shape). */
export interface DriverLogEntry {
  /** Position in the driver's log (0, 1, 2, ...): entries already imported for this device are skipped. */
  readonly seq?: number;
  /** The stream's id within its driver. */
  readonly stream: number;
  /** memset, memcpy, htod, dtoh, kernel, graph, alloc, free, wait, record, host. */
  readonly op: string;
  readonly label: string;
  /** Device ns (virtual with a virtual clock). */
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

/** Per recorder and device: stream lane keys (ids repeat across drivers) and the last imported log seq. */
interface ImportState {
  readonly lanes: Map<number, object>;
  lastSeq: number;
}
const imports = new WeakMap<TraceRecorder, WeakMap<object, ImportState>>();

function importState(recorder: TraceRecorder, device: object): ImportState {
  let perDevice = imports.get(recorder);
  if (perDevice === undefined) imports.set(recorder, (perDevice = new WeakMap()));
  let state = perDevice.get(device);
  if (state === undefined) perDevice.set(device, (state = { lanes: new Map(), lastSeq: -1 }));
  return state;
}

/**
 * Adds each entry as an `op` on the lane of its stream (declared on first use). Event recordings ('record') are
 * bookkeeping with no duration and are left out. Unknown operation names become 'other'. Calling it again with a
 * later snapshot of the same log adds only the new entries (by `seq`), so a live view can import after each step.
 */
export function importDriverLog(recorder: TraceRecorder, device: object, entries: readonly DriverLogEntry[], options: DriverLogImportOptions = {}): void {
  const state = importState(recorder, device);
  const keys = state.lanes;
  for (const entry of entries) {
    if (entry.seq !== undefined) {
      if (entry.seq <= state.lastSeq) continue;
      state.lastSeq = entry.seq;
    }
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

/** What importDeviceLog needs of a device: gpuhal's Device has all three. */
export interface DeviceWithTrace {
  readonly trace?: TraceRecorder | undefined;
  readonly driver: object;
  readonly destroyed: boolean;
}

/**
 * Adds the device's own view to its trace: on the simulator, every stream operation with its virtual start and end
 * becomes a stream lane next to the core's queue lanes. Backends that keep no device log (hip) are left as they are,
 * as is a device without a trace or already destroyed (read the log before destroying the device). Safe to call
 * repeatedly: only entries not imported yet are added.
 *
 *   const device = await createDevice({ backend: 'sim', trace: true });
 *   ... work ...
 *   trace.importDeviceLog(device);
 *   writeFile('run.json', trace.serializeTrace(device.trace.events));
 */
export function importDeviceLog(device: DeviceWithTrace): void {
  const driver = device.driver as { eventLog?: () => readonly DriverLogEntry[] };
  if (device.trace === undefined || device.destroyed || typeof driver.eventLog !== 'function') return;
  importDriverLog(device.trace, device, driver.eventLog());
}
