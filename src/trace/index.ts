/**
 * gpuhal traces: record what a device did (opt-in), export it for Perfetto, draw it in a terminal, read it back.
 * See hooks.ts for the hook pattern the core and backends use, and docs/trace-format.md.
 */
export * from './model.js';
export { MemoryTraceRecorder, traceError } from './recorder.js';
// The recorder interface and what its hooks take (hooks.ts declares types only).
export type * from './hooks.js';
export { buildTimeline } from './timeline.js';
export type { Timeline } from './timeline.js';
export { toChromeTrace, serializeChromeTrace, serializeTrace, writeTraceFile } from './chrome_trace.js';
export type { ChromeTrace, ChromeTraceEvent, ChromeTraceOptions } from './chrome_trace.js';
export { chromeTraceSchema, bindFlows } from './chrome_trace_schema.js';
export { parseTraceFile } from './trace_file.js';
export { renderTimeline } from './timeline_renderer.js';
export type { TimelineRenderOptions } from './timeline_renderer.js';
export { formatDuration } from './time_format.js';
export { Narrator, narrate } from './narrate.js';
export { recordDevice } from './attach.js';
export { importDeviceLog, importDriverLog } from './driver_log.js';
export type { DeviceWithTrace, DriverLogEntry, DriverLogImportOptions } from './driver_log.js';
export { TraceStepper } from './stepper.js';
export type { Step } from './stepper.js';
export { showTraceFile } from './show.js';
export type { ShowOptions } from './show.js';
