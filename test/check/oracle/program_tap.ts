/**
 * A tap on gpuhal's public API, for proving the race checker: while installed it records what a program does —
 * every accepted queue operation with its waits, signals and the bytes it touches, every recorded command, host
 * signals, host waits and awaited reads — as a plain event log for the independent oracle (happens_before_oracle.ts),
 * and it can apply one mutation: drop the n-th semaphore wait (of a queue operation, or a whole host wait) or skip
 * the n-th execution barrier.
 *
 * It is written from the public API and the contract alone and shares no code with the checker (src/core/check/): what a
 * command reads or writes is worked out here again from the arguments the program passed.
 */
import {
  GpuBuffer,
  CommandBuffer,
  Device,
  Queue,
  Semaphore,
  type BindingTable,
  type BufferOrSlot,
  type Executable,
  type PipelineLayout,
  type RaceReport,
  type SemaphoreValue,
} from '../../../src/index.js';

/** A byte range of a buffer (offsets relative to the buffer). */
export interface TapAccess {
  readonly buffer: GpuBuffer;
  readonly start: number;
  readonly end: number;
  readonly write: boolean;
}

/** One command as recorded: its accesses (slots unresolved) or a barrier. */
type RefAccess = { readonly ref: BufferOrSlot; readonly offset: number; readonly length: number | undefined; readonly write: boolean };
type TapCommand = { readonly barrier: true } | { readonly barrier: false; readonly accesses: readonly RefAccess[] };

export interface TapOp {
  readonly index: number;
  readonly kind: string;
  readonly queue: number;
  readonly waits: readonly SemaphoreValue[];
  readonly signals: readonly SemaphoreValue[];
  /** Queue-operation-level accesses (fill, update, copy, read). */
  readonly accesses: readonly TapAccess[];
  /** For executes: per command buffer, per command, its accesses or a barrier (slots resolved). */
  readonly commandBuffers: readonly (readonly ({ barrier: true } | { barrier: false; accesses: readonly TapAccess[] })[])[];
  readonly lifetime: { readonly kind: 'alloca' | 'dealloca'; readonly buffer: GpuBuffer } | undefined;
}

export type TapEvent =
  | { readonly kind: 'op'; readonly op: TapOp }
  | { readonly kind: 'semaphore'; readonly semaphore: Semaphore; readonly initial: bigint }
  | { readonly kind: 'host-signal'; readonly semaphore: Semaphore; readonly value: bigint }
  /** The host saw `semaphore` reach `value` (a wait resolved, a query). */
  | { readonly kind: 'host-observe'; readonly semaphore: Semaphore; readonly value: bigint }
  /** An awaited read or upload resolved. */
  | { readonly kind: 'host-settled'; readonly op: TapOp };

export interface Mutation {
  /** Drop the n-th wait site (0-based): a wait entry of a queue operation, or a whole host wait call. */
  readonly dropWait?: number;
  /** Skip the n-th executionBarrier() call (0-based). */
  readonly dropBarrier?: number;
}

export interface TapResult {
  readonly events: TapEvent[];
  /** Wait sites and barrier sites the program passed (mutation candidates). */
  readonly waitSites: number;
  readonly barrierSites: number;
  /** What the mutation removed, for messages. */
  readonly removed: string | undefined;
  /** The race checker's reports, from every device destroyed during the run. */
  readonly reports: RaceReport[];
}

type AnyFn = (...args: never[]) => unknown;

/** Installs the tap, runs `program`, uninstalls it (always) and returns the log. */
export async function tapProgram(program: () => Promise<void>, mutation: Mutation = {}): Promise<TapResult & { readonly error: unknown }> {
  const events: TapEvent[] = [];
  const restore: (() => void)[] = [];
  let waitSites = 0;
  let barrierSites = 0;
  let removed: string | undefined;
  let opIndex = 0;
  const commandBuffers = new WeakMap<CommandBuffer, { commands: TapCommand[]; sets: Map<number, { layoutKey: string; bindings: Map<number, RefAccess> }> }>();

  const patch = <T extends object>(proto: T, name: keyof T & string, make: (original: AnyFn) => AnyFn): void => {
    const original = proto[name] as unknown as AnyFn;
    (proto as Record<string, unknown>)[name] = make(original);
    restore.push(() => {
      (proto as Record<string, unknown>)[name] = original;
    });
  };

  /** Drops the mutated wait from a wait list (counting every wait entry seen). */
  const mutateWaits = (waits: readonly SemaphoreValue[] | undefined, what: string): readonly SemaphoreValue[] | undefined => {
    if (!Array.isArray(waits)) return waits;
    const kept: SemaphoreValue[] = [];
    for (const w of waits) {
      if (waitSites++ === mutation.dropWait) removed = `wait on ${w.semaphore.label} ≥ ${w.value} of ${what} (operation ${opIndex + 1})`;
      else kept.push(w);
    }
    return kept;
  };

  const record = (kind: string, queue: Queue, op: { waits?: readonly SemaphoreValue[]; signals?: readonly SemaphoreValue[] }, extra: Partial<TapOp>): TapOp => {
    const tapOp: TapOp = {
      index: opIndex++,
      kind,
      queue: queue.index,
      waits: [...(op.waits ?? [])],
      signals: [...(op.signals ?? [])],
      accesses: [],
      commandBuffers: [],
      lifetime: undefined,
      ...extra,
    };
    events.push({ kind: 'op', op: tapOp });
    return tapOp;
  };

  const range = (buffer: GpuBuffer, offset: number | undefined, length: number | undefined, write: boolean): TapAccess[] => {
    const start = offset ?? 0;
    const end = start + (length ?? buffer.byteLength - start);
    return end > start ? [{ buffer, start, end, write }] : [];
  };

  const byteLengthOf = (data: ArrayBuffer | ArrayBufferView): number => data.byteLength;

  // --- queue operations ---------------------------------------------------------------------------------------------
  const queueOp = (name: 'fill' | 'update' | 'copy' | 'barrier' | 'dealloca', accesses: (op: never) => TapAccess[], lifetime?: (op: never) => TapOp['lifetime']) =>
    patch(Queue.prototype, name, (original) =>
      function (this: Queue, operation: never) {
        const op = { ...(operation as object), waits: mutateWaits((operation as { waits?: SemaphoreValue[] })?.waits, name) } as never;
        const result = original.call(this, op);
        record(name, this, op, { accesses: accesses(op), lifetime: lifetime?.(op) });
        return result;
      });
  queueOp('fill', (op: { buffer: GpuBuffer; offset?: number; length?: number }) => range(op.buffer, op.offset, op.length, true));
  queueOp('update', (op: { buffer: GpuBuffer; offset?: number; data: ArrayBuffer | ArrayBufferView }) => range(op.buffer, op.offset, byteLengthOf(op.data), true));
  queueOp('copy', (op: { source: GpuBuffer; sourceOffset?: number; target: GpuBuffer; targetOffset?: number; length: number }) => [
    ...range(op.source, op.sourceOffset, op.length, false),
    ...range(op.target, op.targetOffset, op.length, true),
  ]);
  queueOp('barrier', () => []);
  queueOp('dealloca', () => [], (op: { buffer: GpuBuffer }) => ({ kind: 'dealloca', buffer: op.buffer }));

  patch(Queue.prototype, 'alloca', (original) =>
    function (this: Queue, operation: { waits?: SemaphoreValue[] }) {
      const op = { ...operation, waits: mutateWaits(operation?.waits, 'alloca') };
      const buffer = original.call(this, op as never) as GpuBuffer;
      record('alloca', this, op, { lifetime: { kind: 'alloca', buffer } });
      return buffer;
    });

  const awaited = (name: 'read' | 'upload', accesses: (op: never) => TapAccess[]) =>
    patch(Queue.prototype, name, (original) =>
      function (this: Queue, operation: never) {
        const op = { ...(operation as object), waits: mutateWaits((operation as { waits?: SemaphoreValue[] })?.waits, name) } as never;
        const promise = original.call(this, op) as Promise<unknown>;
        // Recorded in call order; a call rejected by validation would leave a phantom read here, which the mutation
        // scenarios never make (they only remove waits).
        const tapOp = record(name === 'upload' ? 'update' : 'read', this, op, { accesses: accesses(op) });
        const settled = promise.then((value) => {
          events.push({ kind: 'host-settled', op: tapOp });
          return value;
        });
        return settled;
      });
  awaited('read', (op: { buffer: GpuBuffer; offset?: number; length?: number }) => range(op.buffer, op.offset, op.length, false));
  awaited('upload', (op: { buffer: GpuBuffer; offset?: number; data: ArrayBuffer | ArrayBufferView }) => range(op.buffer, op.offset, byteLengthOf(op.data), true));

  patch(Queue.prototype, 'execute', (original) =>
    function (this: Queue, operation: { commandBuffers: CommandBuffer[]; bindingTables?: (BindingTable | undefined)[]; waits?: SemaphoreValue[] }) {
      const op = { ...operation, waits: mutateWaits(operation?.waits, 'execute') };
      const result = original.call(this, op as never);
      const lists = op.commandBuffers.map((cb, i) => resolveCommands(commandBuffers.get(cb)?.commands ?? [], op.bindingTables?.[i]));
      record('execute', this, op, { commandBuffers: lists });
      return result;
    });

  // --- command buffers ------------------------------------------------------------------------------------------------
  const state = (cb: CommandBuffer) => {
    let s = commandBuffers.get(cb);
    if (s === undefined) commandBuffers.set(cb, (s = { commands: [], sets: new Map() }));
    return s;
  };
  const command = (name: 'fill' | 'update' | 'copy', accesses: (o: never) => RefAccess[]) =>
    patch(CommandBuffer.prototype, name, (original) =>
      function (this: CommandBuffer, options: never) {
        const result = original.call(this, options);
        state(this).commands.push({ barrier: false, accesses: accesses(options) });
        return result;
      });
  command('fill', (o: { buffer: BufferOrSlot; offset?: number; length?: number }) => [{ ref: o.buffer, offset: o.offset ?? 0, length: o.length, write: true }]);
  command('update', (o: { buffer: BufferOrSlot; offset?: number; data: ArrayBuffer | ArrayBufferView }) => [
    { ref: o.buffer, offset: o.offset ?? 0, length: byteLengthOf(o.data), write: true },
  ]);
  command('copy', (o: { source: BufferOrSlot; sourceOffset?: number; target: BufferOrSlot; targetOffset?: number; length: number }) => [
    { ref: o.source, offset: o.sourceOffset ?? 0, length: o.length, write: false },
    { ref: o.target, offset: o.targetOffset ?? 0, length: o.length, write: true },
  ]);
  patch(CommandBuffer.prototype, 'pushDescriptorSet', (original) =>
    function (this: CommandBuffer, options: { layout: PipelineLayout; set: number; bindings: { binding: number; buffer: BufferOrSlot; offset?: number; length?: number }[] }) {
      const result = original.call(this, options as never);
      const setLayout = options.layout.setLayouts[options.set]!;
      const layoutKey = setLayout.bindings.map((b) => (b.readOnly ? 'r' : 'w')).join('');
      const sets = state(this).sets;
      const current = sets.get(options.set);
      const bindings = current !== undefined && current.layoutKey === layoutKey ? new Map(current.bindings) : new Map<number, RefAccess>();
      for (const b of options.bindings) {
        bindings.set(b.binding, { ref: b.buffer, offset: b.offset ?? 0, length: b.length, write: !setLayout.bindings[b.binding]!.readOnly });
      }
      sets.set(options.set, { layoutKey, bindings });
      return result;
    });
  const dispatch = (name: 'dispatch' | 'dispatchIndirect') =>
    patch(CommandBuffer.prototype, name, (original) =>
      function (this: CommandBuffer, options: { executable: Executable; entryPoint: string | number; workgroupCount?: number[]; buffer?: BufferOrSlot; offset?: number }) {
        const result = original.call(this, options as never);
        const accesses: RefAccess[] = [];
        const empty = name === 'dispatch' && options.workgroupCount!.some((n) => n === 0);
        if (!empty) {
          if (name === 'dispatchIndirect') accesses.push({ ref: options.buffer!, offset: options.offset ?? 0, length: 12, write: false });
          const layout = options.executable.entryPoint(options.entryPoint).layout;
          layout.setLayouts.forEach((setLayout, set) => {
            for (let b = 0; b < setLayout.bindingCount; b++) {
              const bound = state(this).sets.get(set)!.bindings.get(b)!;
              accesses.push({ ...bound, write: !setLayout.bindings[b]!.readOnly });
            }
          });
        }
        state(this).commands.push({ barrier: false, accesses });
        return result;
      });
  dispatch('dispatch');
  dispatch('dispatchIndirect');
  patch(CommandBuffer.prototype, 'executionBarrier', (original) =>
    function (this: CommandBuffer) {
      if (barrierSites++ === mutation.dropBarrier) {
        removed = `execution barrier ${barrierSites - 1} (in ${this.label} after ${state(this).commands.length} commands)`;
        return undefined;
      }
      const result = original.call(this);
      state(this).commands.push({ barrier: true });
      return result;
    });

  // --- semaphores and the host ----------------------------------------------------------------------------------------
  patch(Device.prototype, 'createSemaphore', (original) =>
    function (this: Device, initial?: bigint, options?: unknown) {
      const semaphore = original.call(this, initial as never, options as never) as Semaphore;
      events.push({ kind: 'semaphore', semaphore, initial: initial ?? 0n });
      return semaphore;
    });
  patch(Semaphore.prototype, 'signal', (original) =>
    function (this: Semaphore, value: bigint) {
      const result = original.call(this, value as never);
      events.push({ kind: 'host-signal', semaphore: this, value });
      return result;
    });
  patch(Semaphore.prototype, 'query', (original) =>
    function (this: Semaphore) {
      const value = original.call(this) as bigint;
      events.push({ kind: 'host-observe', semaphore: this, value });
      return value;
    });
  patch(Semaphore.prototype, 'wait', (original) =>
    function (this: Semaphore, value: bigint, options?: { timeoutMs?: number }) {
      // A timed wait is control flow (poll, timeout), not just ordering: deleting it changes what the program does.
      if (options?.timeoutMs === undefined && waitSites++ === mutation.dropWait) {
        removed = `host wait on ${this.label} ≥ ${value}`;
        return Promise.resolve();
      }
      return (original.call(this, value as never, options as never) as Promise<void>).then(() => {
        events.push({ kind: 'host-observe', semaphore: this, value });
      });
    });
  patch(Device.prototype, 'waitSemaphores', (original) =>
    function (this: Device, mode: 'all' | 'any', list: readonly SemaphoreValue[], options?: { timeoutMs?: number }) {
      if (options?.timeoutMs === undefined && waitSites++ === mutation.dropWait) {
        removed = `host waitSemaphores(${mode}) on ${list.map((e) => `${e.semaphore.label} ≥ ${e.value}`).join(', ')}`;
        return Promise.resolve();
      }
      return (original.call(this, mode as never, list as never, options as never) as Promise<void>).then(() => {
        for (const e of list) if (e.semaphore.currentValue >= e.value) events.push({ kind: 'host-observe', semaphore: e.semaphore, value: e.value });
      });
    });

  const reports: RaceReport[] = [];
  patch(Device.prototype, 'destroy', (original) =>
    function (this: Device) {
      if (!this.destroyed) reports.push(...(this.checker?.reports ?? []));
      return original.call(this);
    });

  let error: unknown;
  try {
    await program();
  } catch (e) {
    error = e;
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return { events, waitSites, barrierSites, removed, reports, error };
}

/** Resolves a command list's slot operands through the execute's binding table. */
function resolveCommands(commands: readonly TapCommand[], table: BindingTable | undefined): ({ barrier: true } | { barrier: false; accesses: TapAccess[] })[] {
  return commands.map((c) => {
    if (c.barrier) return { barrier: true };
    const accesses: TapAccess[] = [];
    for (const a of c.accesses) {
      let buffer: GpuBuffer;
      let base = 0;
      let size: number;
      if (a.ref instanceof GpuBuffer) {
        buffer = a.ref;
        size = buffer.byteLength;
      } else {
        const entry = table![a.ref.slot]!;
        buffer = entry.buffer;
        base = entry.offset ?? 0;
        size = entry.length ?? buffer.byteLength - base;
      }
      const start = base + a.offset;
      const end = a.length !== undefined ? start + a.length : base + size;
      if (end > start) accesses.push({ buffer, start, end, write: a.write });
    }
    return { barrier: false, accesses };
  });
}
