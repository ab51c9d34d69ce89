/**
 * Device-side work from a driver's own log, as stream lanes: a driver that logs every stream operation with its
 * start and end (`GpuDriver.eventLog`, a modelled device keeps one) gives the device's view of the schedule next to
 * the core's queue-level view. A device's own trace follows its driver's log by itself (`followDriverLog`, pulled
 * whenever the trace is read); importing a log by hand needs no hook inside the driver either.
 */
import type { DriverLogEntry, GpuDriver } from '../core/driver.js';
import type { OpKind } from './model.js';
import type { TraceRecorder } from './hooks.js';
import type { MemoryTraceRecorder } from './recorder.js';

export type { DriverLogEntry };

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
    if (entry.seq <= state.lastSeq) continue;
    state.lastSeq = entry.seq;
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

/**
 * Makes `recorder` pull `driver`'s log (as `device`'s stream lanes) whenever its events are read, so a traced
 * device's trace shows the device-side work without a second call. Returns the function that stops following
 * (after one last pull), which the device calls before it destroys the driver; a driver without a log is not
 * followed.
 */
export function followDriverLog(recorder: MemoryTraceRecorder, device: object, driver: Pick<GpuDriver, 'eventLog'>): () => void {
  if (driver.eventLog === undefined) return () => {};
  return recorder.addSource(() => importDriverLog(recorder, device, driver.eventLog!()));
}

/** What importDeviceLog needs of a device: gpuhal's Device has all three. */
export interface DeviceWithTrace {
  readonly trace?: TraceRecorder | undefined;
  readonly driver: Pick<GpuDriver, 'eventLog'>;
  readonly destroyed: boolean;
}

/**
 * Adds the device's own view to its trace now: on the simulator, every stream operation with its virtual start and
 * end becomes a stream lane next to the core's queue lanes. gpuhal's devices already do this whenever their trace is
 * read (and one last time when destroyed), so this call is needed only for a recorder that is read without going
 * through `events`, e.g. one whose subscribers must see the stream lanes now. Backends that keep no device log (hip)
 * are left as they are, as is a device without a trace or already destroyed. Safe to call repeatedly: only entries
 * not imported yet are added.
 */
export function importDeviceLog(device: DeviceWithTrace): void {
  const driver = device.driver;
  if (device.trace === undefined || device.destroyed || driver.eventLog === undefined) return;
  importDriverLog(device.trace, device, driver.eventLog());
}
