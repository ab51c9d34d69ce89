/**
 * Queues and their operations (docs/design.md rules 4–6).
 *
 * Every operation validates all of its arguments first (a rejected call changes nothing), then captures what it
 * uses — update data is copied, buffers and command buffers are retained until the submission finishes — and hands
 * a SubmissionWork to the scheduler. Nothing here blocks or waits: each call returns at once (a Promise for reads),
 * and ordering comes only from the wait and signal lists.
 */
import { inspectAs, inspectCustom } from '../inspect.js';
import { GpuBuffer, BufferUsage } from '../gpu_buffer.js';
import { CommandBuffer, type TableCapture } from '../command_buffer/command_buffer.js';
import type { BindingTable } from '../command_buffer/binding_table.js';
import type { DeviceContext } from '../device_context.js';
import type { DevicePtr, DriverReadback, DriverStream } from '../driver.js';
import { HalError, failedPrecondition, invalidArgument, outOfRange } from '../errors.js';
import type { HalObject } from '../lifetime.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Lane } from '../scheduler/lane.js';
import type { Submission, SubmissionWork } from '../scheduler/submission.js';
import type { SyncList } from '../scheduler/sync_list.js';
import type { SemaphoreValue } from '../semaphore/host_wait.js';
import { describe } from '../validation.js';
import type { SemaphoreOwner } from '../semaphore/semaphore.js';
import { checkBuffer, checkInteger, checkObject, checkSyncList, copyBytes } from './validation.js';
import { bufferAccess } from '../check/accesses.js';
import type { CheckedOp } from '../check/race_checker.js';
import { KnownFields, checkLabel } from '../fields.js';

/** The wait and signal lists every queue operation takes. */
export interface QueueSync {
  /**
   * Names this operation wherever it is shown: the trace and its Perfetto export, the terminal timeline, step mode,
   * race reports (default: the operation's kind, e.g. 'execute'). For alloca it also labels the new buffer.
   */
  readonly label?: string;
  /** The operation starts only after every semaphore reaches its value. */
  readonly waits?: readonly SemaphoreValue[];
  /** Signaled after the operation completes (or failed with its error). */
  readonly signals?: readonly SemaphoreValue[];
}

export interface ExecuteOperation extends QueueSync {
  readonly commandBuffers: readonly CommandBuffer[];
  /** One table (or undefined) per command buffer, for command buffers with binding slots. */
  readonly bindingTables?: readonly (BindingTable | undefined)[];
}

export interface FillOperation extends QueueSync {
  readonly buffer: GpuBuffer;
  readonly offset?: number;
  /** Bytes to fill; the rest of the buffer from `offset` when omitted. */
  readonly length?: number;
  /** The pattern as an unsigned integer of `patternLength` bytes (little-endian in memory). */
  readonly pattern: number;
  readonly patternLength: 1 | 2 | 4;
}

export interface UpdateOperation extends QueueSync {
  /** Copied at call time: the caller may reuse it as soon as the call returns. */
  readonly data: ArrayBuffer | ArrayBufferView;
  readonly buffer: GpuBuffer;
  readonly offset?: number;
}

export interface CopyOperation extends QueueSync {
  readonly source: GpuBuffer;
  readonly sourceOffset?: number;
  readonly target: GpuBuffer;
  readonly targetOffset?: number;
  readonly length: number;
}

export interface ReadOperation extends QueueSync {
  readonly buffer: GpuBuffer;
  readonly offset?: number;
  /** The rest of the buffer from `offset` when omitted. */
  readonly length?: number;
}

export interface AllocaOperation extends QueueSync {
  readonly byteLength: number;
}

export interface DeallocaOperation extends QueueSync {
  readonly buffer: GpuBuffer;
}

/** What a queue needs from its device. */
export interface QueueHost extends SemaphoreOwner {
  readonly context: DeviceContext;
  readonly scheduler: Scheduler;
  /** Lets the device free the object at teardown even if the user never destroys it. */
  track(object: HalObject): void;
  /**
   * Frees buffer memory once nothing uses it (called on the buffer's last release; see memory_reclaim.ts);
   * with `stream`, stream-ordered there, for memory whose stream-ordered allocation may not have run yet.
   */
  freeMemory(ptr: DevicePtr, byteLength: number, stream?: DriverStream): void;
  /** Runs a device allocation; on RESOURCE_EXHAUSTED frees deferred memory (if any) and runs it once more. */
  retryAfterReclaim<T>(allocate: () => T): T;
}

/** A shallow copy of a binding table (entries copied too); anything else passes through to validateSubmit. */
function copyTable(table: unknown): BindingTable | undefined {
  if (!Array.isArray(table)) return table as BindingTable | undefined;
  return table.map((entry: unknown) => (entry !== null && typeof entry === 'object' ? { ...entry } : entry)) as BindingTable;
}

const OPERATION_KINDS = ['execute', 'barrier', 'fill', 'update', 'copy', 'read', 'alloca', 'dealloca'] as const;
type OperationKind = (typeof OPERATION_KINDS)[number];

/** The fields each operation accepts; anything else is a misspelling the call must not silently ignore. */
const SYNC_FIELDS = ['label', 'waits', 'signals'];
const OPERATION_FIELDS: Readonly<Record<OperationKind, KnownFields>> = {
  execute: new KnownFields([...SYNC_FIELDS, 'commandBuffers', 'bindingTables']),
  barrier: new KnownFields(SYNC_FIELDS),
  fill: new KnownFields([...SYNC_FIELDS, 'buffer', 'offset', 'length', 'pattern', 'patternLength']),
  update: new KnownFields([...SYNC_FIELDS, 'buffer', 'offset', 'data']),
  copy: new KnownFields([...SYNC_FIELDS, 'source', 'sourceOffset', 'target', 'targetOffset', 'length']),
  read: new KnownFields([...SYNC_FIELDS, 'buffer', 'offset', 'length']),
  alloca: new KnownFields([...SYNC_FIELDS, 'byteLength']),
  dealloca: new KnownFields([...SYNC_FIELDS, 'buffer']),
};

interface OperationNames {
  readonly use: string;
  readonly operation: string;
  readonly waits: string;
  readonly signals: string;
  readonly label: string;
}

/** A barrier has no device work and captures nothing, so every barrier shares one work object. */
const BARRIER_WORK: SubmissionWork = Object.freeze({ kind: 'barrier', encode: () => {}, finish: () => {} });

/**
 * An execute's work. A class rather than closures: thousands of executes may be pending at once, and one object
 * per submission instead of three keeps the garbage collector's share of wait-before-signal small.
 */
class ExecuteWork implements SubmissionWork {
  readonly kind = 'execute';

  constructor(
    private readonly commandBuffers: readonly CommandBuffer[],
    private readonly tables: readonly (BindingTable | undefined)[] | undefined,
    private readonly captures: readonly (TableCapture | undefined)[],
  ) {}

  encode(stream: DriverStream): void {
    for (let i = 0; i < this.commandBuffers.length; i++) this.commandBuffers[i]!.encode(stream, this.tables?.[i]);
  }

  finish(): void {
    for (let i = 0; i < this.commandBuffers.length; i++) this.commandBuffers[i]!.releaseCapture(this.captures[i]);
  }
}

/** An execute of one command buffer: the common case, one small object (no capture object without a table). */
class SingleExecuteWork implements SubmissionWork {
  readonly kind = 'execute';

  constructor(
    private readonly commandBuffer: CommandBuffer,
    private readonly table: BindingTable | undefined,
    private readonly captured: TableCapture | undefined,
  ) {}

  encode(stream: DriverStream): void {
    this.commandBuffer.encode(stream, this.table);
  }

  finish(): void {
    this.commandBuffer.releaseCapture(this.captured);
  }
}

/**
 * The work of executing one command buffer without a binding table is the same for every such execute: one shared
 * object per command buffer, so a plain execute allocates no work object at all.
 */
const plainExecuteWork = new WeakMap<CommandBuffer, SubmissionWork>();

function plainWorkFor(cb: CommandBuffer): SubmissionWork {
  let work = plainExecuteWork.get(cb);
  if (work === undefined) {
    work = new SingleExecuteWork(cb, undefined, undefined);
    plainExecuteWork.set(cb, work);
  }
  return work;
}

/**
 * Buffers made by alloca: whether a dealloca was submitted for them, and whether the alloca completed (so its
 * stream ran the allocation).
 */
const transients = new WeakMap<GpuBuffer, { deallocaSubmitted: boolean; allocated: boolean }>();

export class Queue {
  readonly index: number;
  readonly label: string;
  private readonly host: QueueHost;
  private readonly context: DeviceContext;
  /** Field names for messages, built once: the valid path then allocates no strings. */
  private readonly names: Readonly<Record<OperationKind, OperationNames>>;

  /** @internal Devices create their queues (a factory, so the shipped declarations keep QueueHost to themselves). */
  static create(host: QueueHost, index: number): Queue {
    return new Queue(host, index);
  }

  private constructor(host: QueueHost, index: number) {
    this.host = host;
    this.context = host.context;
    this.index = index;
    this.label = `${host.context.label}.queue${index}`;
    const names = {} as Record<OperationKind, OperationNames>;
    for (const kind of OPERATION_KINDS) {
      names[kind] = { use: `${kind} on ${this.label}`, operation: `${kind} operation`, waits: `${kind} waits`, signals: `${kind} signals`, label: `${kind} label` };
    }
    this.names = names;
  }

  /** `Queue "demo.queue0"`. */
  toString(): string {
    return `Queue ${JSON.stringify(this.label)}`;
  }

  [inspectCustom](_depth: number, options: unknown, inspect?: (value: unknown, options?: unknown) => string): string {
    return inspectAs('Queue', { label: this.label, index: this.index }, options, inspect);
  }

  /**
   * Runs command buffers in order of the list (each with its binding table), after the waits. Like every queue
   * operation it is ordered against other submissions only by its waits and signals (rule 4).
   */
  execute(operation: ExecuteOperation): void {
    const op = this.begin<ExecuteOperation>('execute', operation);
    const sync = this.sync('execute', op);
    const list: unknown = op.commandBuffers;
    if (!Array.isArray(list)) throw invalidArgument(`execute commandBuffers must be an array of CommandBuffer (got ${describe(list)})`);
    const tablesIn: unknown = op.bindingTables;
    if (tablesIn !== undefined && (!Array.isArray(tablesIn) || tablesIn.length !== list.length)) {
      throw invalidArgument(
        `execute bindingTables must be an array with one entry per command buffer (${list.length}) (got ${describe(tablesIn)})`,
      );
    }
    const count = list.length;
    for (let i = 0; i < count; i++) this.checkListed(list, i);
    // A private copy of each table: edits the caller makes after this call change nothing.
    const tables: (BindingTable | undefined)[] | undefined = tablesIn === undefined ? undefined : (tablesIn as unknown[]).map(copyTable);
    for (let i = 0; i < count; i++) (list[i] as CommandBuffer).validateSubmit(tables?.[i]);
    // Only once the whole list is valid: a rejected execute lowers (and caches) nothing.
    for (let i = 0; i < count; i++) (list[i] as CommandBuffer).prepareSubmit(tables?.[i]);

    const checker = this.context.checker;
    if (count === 1) {
      // The common case, kept small: pending executes can number in the thousands. Without a table the work object
      // is shared and the capture allocates nothing.
      const cb = list[0] as CommandBuffer;
      const table = tables?.[0];
      const checked = checker && this.checkExecute([cb], tables, sync, op);
      const captured = cb.capture(table);
      this.submit(sync, table === undefined ? plainWorkFor(cb) : new SingleExecuteWork(cb, table, captured), undefined, checked, op.label);
      return;
    }
    const commandBuffers = list.slice() as CommandBuffer[];
    const checked = checker && this.checkExecute(commandBuffers, tables, sync, op);
    const captures: (TableCapture | undefined)[] = new Array(count);
    for (let i = 0; i < count; i++) captures[i] = commandBuffers[i]!.capture(tables?.[i]);
    this.submit(sync, new ExecuteWork(commandBuffers, tables, captures), undefined, checked, op.label);
  }

  /** Hands an execute's accesses (every command of every command buffer) to the race checker. */
  private checkExecute(
    commandBuffers: readonly CommandBuffer[],
    tables: readonly (BindingTable | undefined)[] | undefined,
    sync: SyncList,
    op: ExecuteOperation,
  ): CheckedOp | undefined {
    const checker = this.context.checker!;
    const { accesses, conflicts } = checker.executeAccesses(commandBuffers, tables);
    return checker.submitted(this.index, this.label, 'execute', op.label, sync, accesses, conflicts);
  }

  /** Checks entry `i` of an execute's command buffer list. */
  private checkListed(list: readonly unknown[], i: number): void {
    const cb = list[i];
    if (!(cb instanceof CommandBuffer)) throw invalidArgument(`execute commandBuffers[${i}] must be a CommandBuffer (got ${describe(cb)})`);
    if (cb.context !== this.context) throw invalidArgument(`execute commandBuffers[${i}] ${cb.label} belongs to another device`);
    if (cb.destroyed) cb.assertAlive(`execute commandBuffers[${i}]`);
    if (cb.mode === 'one-shot' && list.indexOf(cb) !== i) {
      throw failedPrecondition(`execute commandBuffers[${i}] ${cb.label} is one-shot and already listed at [${list.indexOf(cb)}]`);
    }
  }

  /** Orders nothing but its own waits before its signals (a semaphore relay point). */
  barrier(operation: QueueSync = {}): void {
    const op = this.begin<QueueSync>('barrier', operation);
    const sync = this.sync('barrier', op);
    const checked = this.context.checker?.submitted(this.index, this.label, 'barrier', op.label, sync, []);
    this.submit(sync, BARRIER_WORK, undefined, checked, op.label);
  }

  /** Fills a range with a repeating 1-, 2- or 4-byte pattern. */
  fill(operation: FillOperation): void {
    const op = this.begin<FillOperation>('fill', operation);
    const sync = this.sync('fill', op);
    const buffer = checkBuffer('fill buffer', op.buffer, this.context, BufferUsage.TRANSFER_TARGET);
    const patternLength = op.patternLength;
    if (patternLength !== 1 && patternLength !== 2 && patternLength !== 4) {
      throw invalidArgument(`fill patternLength must be 1, 2 or 4 (got ${describe(patternLength)})`);
    }
    const maxPattern = 2 ** (8 * patternLength) - 1;
    if (typeof op.pattern !== 'number' || !Number.isInteger(op.pattern) || op.pattern < 0 || op.pattern > maxPattern) {
      throw invalidArgument(`fill pattern must be an integer in [0, ${maxPattern}] for patternLength ${patternLength} (got ${describe(op.pattern)})`);
    }
    const offset = checkInteger('fill offset', op.offset ?? 0);
    const length = checkInteger('fill length', op.length ?? Math.max(0, buffer.byteLength - offset));
    if (offset % patternLength !== 0) throw invalidArgument(`fill offset ${offset} must be a multiple of patternLength ${patternLength}`);
    if (length % patternLength !== 0) throw invalidArgument(`fill length ${length} must be a multiple of patternLength ${patternLength}`);
    buffer.checkRange('fill', offset, length);

    const pattern = op.pattern;
    const checked = this.context.checker?.submitted(this.index, this.label, 'fill', op.label, sync, [bufferAccess(buffer, offset, length, true, 'the filled range')]);
    this.submitWith(sync, 'fill', [buffer], (stream) => {
      if (length === 0) return;
      this.context.driver.memsetAsync({ dst: buffer.devicePtr + offset, value: pattern, elementSize: patternLength, count: length / patternLength }, stream);
    }, undefined, undefined, checked, op.label);
  }

  /** Writes host bytes into a buffer; the bytes are copied now. */
  update(operation: UpdateOperation): void {
    this.submitUpdate(operation, undefined);
  }

  /** Copies between buffer ranges (ranges within one buffer may not overlap). */
  copy(operation: CopyOperation): void {
    const op = this.begin<CopyOperation>('copy', operation);
    const sync = this.sync('copy', op);
    const source = checkBuffer('copy source', op.source, this.context, BufferUsage.TRANSFER_SOURCE);
    const target = checkBuffer('copy target', op.target, this.context, BufferUsage.TRANSFER_TARGET);
    const sourceOffset = checkInteger('copy sourceOffset', op.sourceOffset ?? 0);
    const targetOffset = checkInteger('copy targetOffset', op.targetOffset ?? 0);
    const length = checkInteger('copy length', op.length);
    source.checkRange('copy source', sourceOffset, length);
    target.checkRange('copy target', targetOffset, length);
    if (source === target && length > 0 && sourceOffset < targetOffset + length && targetOffset < sourceOffset + length) {
      throw invalidArgument(
        `copy source [${sourceOffset}, ${sourceOffset + length}) and target [${targetOffset}, ${targetOffset + length}) overlap in ${source.label}`,
      );
    }
    const checked = this.context.checker?.submitted(this.index, this.label, 'copy', op.label, sync, [
      bufferAccess(source, sourceOffset, length, false, 'copy source'),
      bufferAccess(target, targetOffset, length, true, 'copy target'),
    ]);
    this.submitWith(sync, 'copy', [source, target], (stream) => {
      if (length === 0) return;
      this.context.driver.memcpyDtoDAsync({ dst: target.devicePtr + targetOffset, src: source.devicePtr + sourceOffset, byteLength: length }, stream);
    }, undefined, undefined, checked, op.label);
  }

  /** Reads a buffer range back to the host once the read completes (after its waits). */
  read(operation: ReadOperation): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const op = this.begin<ReadOperation>('read', operation);
      const sync = this.sync('read', op);
      const buffer = checkBuffer('read buffer', op.buffer, this.context, BufferUsage.TRANSFER_SOURCE);
      const offset = checkInteger('read offset', op.offset ?? 0);
      const length = checkInteger('read length', op.length ?? Math.max(0, buffer.byteLength - offset));
      buffer.checkRange('read', offset, length);

      const checked = this.context.checker?.submitted(this.index, this.label, 'read', op.label, sync, [bufferAccess(buffer, offset, length, false, 'the range read back')]);
      buffer.retain();
      let readback: DriverReadback | undefined;
      const watch = this.host.stallWatch;
      watch?.promiseStarted();
      this.submit(sync, {
        kind: 'read',
        awaited: true,
        encode: (stream) => {
          if (length > 0) readback = this.context.driver.memcpyDtoHAsync(buffer.devicePtr + offset, length, stream);
        },
        finish: (error) => {
          buffer.release();
          watch?.promiseSettled();
          try {
            if (error) reject(error);
            else {
              // The host awaits the bytes: what it does next is ordered after this read.
              if (checked !== undefined) this.context.checker?.hostSettled(checked);
              resolve(readback ? readback.take() : new Uint8Array(0));
            }
          } catch (takeError) {
            reject(takeError);
          } finally {
            readback?.release();
          }
        },
      }, undefined, checked, op.label);
    });
  }

  /**
   * Allocates a buffer whose memory is usable by work ordered after this operation's signals. Returns the buffer
   * at once; the allocation is stream-ordered on this queue, so the call never blocks (blocking
   * on the waits would deadlock a caller that signals them next). The
   * memory is reserved at call time: when it cannot be, the call throws RESOURCE_EXHAUSTED and submits nothing.
   */
  alloca(operation: AllocaOperation): GpuBuffer {
    const op = this.begin<AllocaOperation>('alloca', operation);
    const sync = this.sync('alloca', op);
    const byteLength = op.byteLength;
    if (typeof byteLength !== 'number' || !Number.isSafeInteger(byteLength) || byteLength <= 0) {
      throw invalidArgument(`alloca byteLength must be a positive integer (got ${describe(byteLength)})`);
    }
    if (byteLength > this.context.limits.maxBufferBytes) {
      throw outOfRange(`alloca byteLength ${byteLength} exceeds the device's maxBufferBytes ${this.context.limits.maxBufferBytes}`);
    }

    // The allocation is enqueued now, on the lane the alloca will be issued to: its completion then follows the
    // allocation on that stream, and everything ordered after its signals finds the memory allocated. The lane is
    // only peeked: submit takes it, so an allocation that throws leaves the lane rotation untouched (rule 10).
    const lane = this.host.scheduler.peekLane(this.index);
    const stream = lane.stream;
    const driver = this.context.driver;
    const ptr = this.host.retryAfterReclaim(() => driver.memAllocAsync(byteLength, stream));
    const transient = { deallocaSubmitted: false, allocated: false };
    // Until the alloca completed, its allocation may still be queued on the lane's stream (the alloca failed
    // before it was issued, or was aborted): a synchronous free could overtake it, so the free is stream-ordered
    // on that stream, after the allocation. Once it completed the allocation ran and any free is safe.
    const buffer = GpuBuffer.wrap(this.context, { byteLength, label: op.label }, ptr,
      (p) => this.host.freeMemory(p, byteLength, transient.allocated ? undefined : stream));
    transients.set(buffer, transient);
    this.host.track(buffer);
    this.submitLifetime('alloca', op, sync, lane, buffer, (error) => {
      if (!error) transient.allocated = true;
    });
    return buffer;
  }

  /**
   * Returns an alloca'd buffer's memory once the waits are reached. Submissions that still use the buffer keep it
   * alive until they complete; later uses throw FAILED_PRECONDITION. A dealloca that fails (a wait failed) leaves
   * the buffer allocated, and another dealloca may be submitted for it.
   */
  dealloca(operation: DeallocaOperation): void {
    const op = this.begin<DeallocaOperation>('dealloca', operation);
    const sync = this.sync('dealloca', op);
    const buffer = op.buffer;
    if (!(buffer instanceof GpuBuffer)) throw invalidArgument(`dealloca buffer must be a GpuBuffer (got ${describe(buffer)})`);
    buffer.assertUsableOn(this.context, 'dealloca buffer');
    const transient = transients.get(buffer);
    if (transient === undefined) throw invalidArgument(`dealloca buffer ${buffer.label} was not allocated by queue.alloca`);
    if (transient.deallocaSubmitted) throw failedPrecondition(`dealloca buffer ${buffer.label} already has a dealloca submitted`);

    transient.deallocaSubmitted = true;
    this.submitLifetime('dealloca', op, sync, undefined, buffer, (error) => {
      // On success the queue's ownership ends: the memory goes when the last in-flight user finishes. A failed
      // dealloca did not run (rule 5), so the buffer stays allocated and a later dealloca may free it.
      if (!error) buffer.destroy();
      else transient.deallocaSubmitted = false;
    });
  }

  /**
   * Submits an alloca or dealloca: no device work of its own, the race checker told which buffer's lifetime it
   * starts or ends. The submission holds `buffer` until it completes or fails, so every free happens once no
   * submission uses it; `settled` runs first, then the hold is released.
   */
  private submitLifetime(
    kind: 'alloca' | 'dealloca',
    op: QueueSync,
    sync: SyncList,
    lane: Lane<Submission> | undefined,
    buffer: GpuBuffer,
    settled: (error: HalError | undefined) => void,
  ): void {
    buffer.retain();
    const checked = this.context.checker?.submitted(this.index, this.label, kind, op.label, sync, [], [], { kind, buffer });
    this.submit(sync, {
      kind,
      encode: () => {},
      finish: (error) => {
        settled(error);
        buffer.release();
      },
    }, lane, checked, op.label);
  }

  // --- device-level helpers -----------------------------------------------------------------------------------------

  /** `update` that also resolves once the bytes are in device memory (device.upload builds on it). */
  upload(operation: UpdateOperation): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.submitUpdate(operation, (error) => (error ? reject(error) : resolve()));
    });
  }

  // --- internals ----------------------------------------------------------------------------------------------------

  private submitUpdate(operation: UpdateOperation, settle: ((error: HalError | undefined) => void) | undefined): void {
    const op = this.begin<UpdateOperation>('update', operation);
    const sync = this.sync('update', op);
    const buffer = checkBuffer('update buffer', op.buffer, this.context, BufferUsage.TRANSFER_TARGET);
    const offset = checkInteger('update offset', op.offset ?? 0);
    const data = copyBytes('update data', op.data);
    buffer.checkRange('update', offset, data.byteLength);
    const checked = this.context.checker?.submitted(this.index, this.label, 'update', op.label, sync, [bufferAccess(buffer, offset, data.byteLength, true, 'the updated range')]);
    // An upload's promise is awaited by the host: what it does after is ordered after the update.
    const settled = settle !== undefined && checked !== undefined
      ? (error: HalError | undefined) => {
          if (error === undefined) this.context.checker?.hostSettled(checked);
          settle(error);
        }
      : settle;
    this.submitWith(sync, 'update', [buffer], (stream) => {
      if (data.byteLength > 0) this.context.driver.memcpyHtoDAsync(buffer.devicePtr + offset, data, stream);
    }, settled, undefined, checked, op.label);
  }

  /** Common prologue: the device is usable and the operation is an object. */
  private begin<T extends object>(kind: OperationKind, operation: unknown): T {
    const names = this.names[kind];
    this.context.assertUsable(names.use);
    return checkObject<T>(names.operation, operation, OPERATION_FIELDS[kind]);
  }

  /** Checks the operation's label, waits and signals (the parts every queue operation shares). */
  private sync(kind: OperationKind, op: QueueSync): SyncList {
    const names = this.names[kind];
    checkLabel(names.label, op.label);
    return checkSyncList(names.waits, op.waits, names.signals, op.signals, this.host);
  }

  /** Retains `captured` until the submission finishes, then releases it. */
  private submitWith(
    sync: SyncList,
    kind: string,
    captured: readonly HalObject[],
    encode: (stream: DriverStream) => void,
    settle?: (error: HalError | undefined) => void,
    lane?: Lane<Submission>,
    checked?: CheckedOp,
    label?: string,
  ): void {
    for (const object of captured) object.retain();
    const watch = settle === undefined ? undefined : this.host.stallWatch;
    watch?.promiseStarted();
    this.submit(sync, {
      kind,
      encode,
      awaited: settle !== undefined,
      finish: (error) => {
        for (const object of captured) object.release();
        watch?.promiseSettled();
        settle?.(error);
      },
    }, lane, checked, label);
  }

  /**
   * `checked`: the race checker's record of the operation (strict mode may have rejected it); `label`: the caller's
   * name for it, shown in traces.
   */
  private submit(
    sync: SyncList,
    work: SubmissionWork,
    lane?: Lane<Submission>,
    checked?: CheckedOp,
    label?: string,
  ): void {
    const submission = this.host.scheduler.submit(this.index, sync, work, lane, checked?.failure, label);
    if (checked !== undefined) this.context.checker?.attach(checked, submission);
  }
}
