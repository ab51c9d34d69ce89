/**
 * What the race checker reports: plain data (for tools and tests) plus a message (for people), each naming both
 * operations, the memory, and the edge that would order them.
 */

export type RaceKind =
  /** A write, then a read of the same bytes, with nothing ordering them. */
  | 'read-after-write'
  /** A read, then a write of the same bytes, with nothing ordering them. */
  | 'write-after-read'
  /** Two writes of the same bytes with nothing ordering them. */
  | 'write-after-write'
  /** Two signals of one semaphore not ordered with each other: a later value may land first and release a waiter early. */
  | 'value-order'
  /** A use submitted after its buffer's dealloca and not ordered before it. */
  | 'use-after-free'
  /** A use of an alloca'd buffer not ordered after its alloca. */
  | 'use-before-alloca';

/** One side of a report: a queue operation (or one command of an execute), or the host. */
export interface RaceOperation {
  /** The queue's label (e.g. "device-sim#1.queue1"), or "host". */
  readonly queue: string;
  /** The queue's index; -1 for the host. */
  readonly queueIndex: number;
  /** The queue operation: "execute", "fill", "copy", "update", "read", "alloca", "dealloca", "barrier", or "signal" (host). */
  readonly operation: string;
  /** The operation's label when the caller gave one. */
  readonly label: string | undefined;
  /** 1-based submission number on the device (host signals: 0). */
  readonly submission: number;
  /** For commands of an execute: the command buffer's label and the command's index in it (barriers count). */
  readonly commandBuffer: string | undefined;
  readonly command: number | undefined;
  /** What the access was, e.g. "writes copy target" or "reads binding 0 of dispatch of add_i32". */
  readonly access: string | undefined;
  /** Where the user's program submitted the operation, when call sites are captured. */
  readonly callSite: string | undefined;
  /** For commands: where the user's program recorded the command, when call sites are captured. */
  readonly recordedAt: string | undefined;
}

export interface RaceRange {
  /** Byte offset within the buffer. */
  readonly offset: number;
  readonly length: number;
}

export interface RaceReport {
  readonly kind: RaceKind;
  /** The earlier-submitted side (the earlier command, inside one command buffer). */
  readonly first: RaceOperation;
  readonly second: RaceOperation;
  /** The buffer both touch (memory races and lifetimes). */
  readonly buffer: string | undefined;
  /** The overlapping bytes, relative to the buffer. */
  readonly range: RaceRange | undefined;
  /** value-order: the semaphore and the two values. */
  readonly semaphore: string | undefined;
  readonly values: readonly [bigint, bigint] | undefined;
  /** The edge that would order the two, e.g. 'make copy #2 on device.queue1 wait on filled ≥ 1'. */
  readonly fix: string;
  /** The whole report as one sentence. */
  readonly message: string;
}

/** "fill #3 on device.queue0" (plus the command, label and call site when known). */
export function describeOperation(op: RaceOperation): string {
  if (op.queueIndex < 0) return `the host's ${op.operation}${op.callSite ? ` at ${op.callSite}` : ''}`;
  let text = `${op.operation} #${op.submission}`;
  if (op.label !== undefined) text += ` "${op.label}"`;
  text += ` on ${op.queue}`;
  if (op.command !== undefined) text += ` (${op.commandBuffer} command ${op.command}${op.recordedAt ? `, recorded at ${op.recordedAt}` : ''})`;
  if (op.callSite !== undefined) text += ` submitted at ${op.callSite}`;
  return text;
}

/** Short name for fixing edges: "copy #2 on device.queue1". */
export function nameOperation(op: RaceOperation): string {
  if (op.queueIndex < 0) return 'the host';
  return `${op.operation} #${op.submission}${op.label !== undefined ? ` "${op.label}"` : ''} on ${op.queue}`;
}

export function formatReport(report: Omit<RaceReport, 'message'>): string {
  const { kind, first, second } = report;
  const where =
    report.buffer !== undefined && report.range !== undefined
      ? ` on ${report.buffer} bytes [${report.range.offset}, ${report.range.offset + report.range.length})`
      : report.buffer !== undefined
        ? ` on ${report.buffer}`
        : '';
  const a = `${describeOperation(first)}${first.access ? ` ${first.access}` : ''}`;
  const b = `${describeOperation(second)}${second.access ? ` ${second.access}` : ''}`;
  switch (kind) {
    case 'value-order':
      return `value-order race on ${report.semaphore}: ${a} signals ${report.values![0]}n and ${b} signals ${report.values![1]}n, but nothing orders the two signals. Fix: ${report.fix}.`;
    case 'use-after-free':
      return `use-after-free${where}: ${b} was submitted after ${a} and is not ordered before it. Fix: ${report.fix}.`;
    case 'use-before-alloca':
      return `use-before-alloca${where}: ${b} is not ordered after ${a}. Fix: ${report.fix}.`;
    default:
      return `${kind} race${where}: ${a}; ${b}; nothing orders them. Fix: ${report.fix}.`;
  }
}
