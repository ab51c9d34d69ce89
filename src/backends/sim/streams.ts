/**
 * Streams: in-order queues of operations. Each operation records when it was enqueued and, once the scheduler
 * (scheduler.ts) picks it, its virtual start and end and its error. A stream has at most one operation in flight:
 * the next one cannot start before the previous one ends.
 *
 * Failure (docs/design.md rule 5): an operation that fails poisons its stream. Until the next event record on that
 * stream, later operations are skipped and carry the same error; the record takes the error into its capture
 * (eventQuery throws it) and heals the stream. Stream-ordered allocations and frees still run on a poisoned
 * stream: a fault never leaks memory, and never leaves an allocation that work after the next record could not use.
 */
import type { HalError } from '../../core/errors.js';
import type { Allocation } from './allocations.js';
import type { GraphExec } from './graph_exec.js';
import type { PreparedLaunch } from './kernel_launch.js';
import type { SimReadback } from './readback.js';

export type OpPayload =
  | { readonly kind: 'memset'; readonly dst: number; readonly pattern: number; readonly byteLength: number; readonly allocation: Allocation }
  | { readonly kind: 'memcpy'; readonly dst: number; readonly src: number; readonly byteLength: number; readonly allocations: readonly Allocation[] }
  | { readonly kind: 'htod'; readonly dst: number; readonly data: Uint8Array; readonly allocation: Allocation }
  | { readonly kind: 'dtoh'; readonly src: number; readonly byteLength: number; readonly allocation: Allocation; readonly readback: SimReadback }
  | { readonly kind: 'kernel'; readonly launch: PreparedLaunch }
  | { readonly kind: 'graph'; readonly exec: GraphExec }
  | { readonly kind: 'record' }
  | { readonly kind: 'wait'; readonly capture: StreamOp }
  | { readonly kind: 'alloc'; readonly allocation: Allocation }
  | { readonly kind: 'free'; readonly allocation: Allocation }
  | { readonly kind: 'host'; readonly fn: () => void };

export type OpKind = OpPayload['kind'];
export type OpState = 'queued' | 'running' | 'complete';

export class StreamOp {
  state: OpState = 'queued';
  /** Virtual ns; valid once running. */
  start = 0;
  end = 0;
  /** This operation's fault, or the poison it was skipped with. */
  error: HalError | null = null;
  /** How it ran: 'skipped' when its stream was poisoned. */
  status: 'ok' | 'failed' | 'skipped' = 'ok';
  /** Graph node order, when node tracing is on. */
  trace: number[] | undefined;
  /** streamSynchronize promises waiting for this operation. */
  waiters: { resolve: () => void; reject: (e: HalError) => void }[] | undefined;

  constructor(
    readonly stream: SimStream,
    readonly payload: OpPayload,
    readonly label: string,
    /** Virtual time of the enqueue: the operation cannot start earlier. */
    readonly enqueuedAt: number,
  ) {}

  get kind(): OpKind {
    return this.payload.kind;
  }
}

export class SimStream {
  private queue: StreamOp[] = [];
  private head = 0;
  /** When the last started operation ends. */
  freeAt = 0;
  inFlight: StreamOp | null = null;
  /** The error that skips work until the next event record. */
  poison: HalError | null = null;
  /** The last operation enqueued (what streamSynchronize waits for). */
  lastOp: StreamOp | null = null;
  /** The handle was destroyed; the stream lives on until its queued work has run. */
  retired = false;

  constructor(readonly id: number) {}

  enqueue(op: StreamOp): void {
    this.queue.push(op);
    this.lastOp = op;
  }

  /** The next operation to start, if any. */
  peek(): StreamOp | undefined {
    return this.queue[this.head];
  }

  /** Removes the operation peek() returned. */
  shift(): void {
    this.queue[this.head++] = undefined as unknown as StreamOp;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** The operations waiting to start, in order (read-only view for step-mode inspection). */
  queued(): readonly StreamOp[] {
    return this.queue.slice(this.head);
  }

  /** Nothing queued and nothing in flight. */
  get idle(): boolean {
    return this.inFlight === null && this.head === this.queue.length;
  }

  /** Drops queued work (driver destroy). */
  drain(): StreamOp[] {
    const rest = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    return rest;
  }
}
