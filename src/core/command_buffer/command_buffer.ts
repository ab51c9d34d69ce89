/**
 * Command buffers (docs/design.md, rule 7): recorded once between begin() and end(), executed by Queue.execute.
 * This file is the recording; what end() builds for execution lives in execution_state.ts.
 *
 * Recording validates each command completely before it touches any state, so a rejected command leaves the
 * recording exactly as it was. The result is a command list (commands.ts) that is lowered to the driver according
 * to the device's command-buffer mode:
 * - graph (default): one driver graph, built and instantiated in end() so its errors are end()'s errors. Command
 *   buffers with binding slots are lowered once per distinct binding table at submit time (lowered_tables.ts).
 * - stream: the list is replayed onto the submission's stream at encode time.
 * Slot operands are checked against each execute's binding table at submit time (binding_table_checks.ts).
 *
 * Lifetimes (rules 6 and 9): the command buffer retains every buffer, executable and layout it references until
 * it is destroyed and no submission holds it; `capture()` holds it for one submission.
 */
import { BufferUsage } from '../gpu_buffer.js';
import type { DeviceContext } from '../device_context.js';
import type { DriverStream } from '../driver.js';
import { failedPrecondition, invalidArgument, outOfRange, unimplemented } from '../errors.js';
import { Executable } from '../executable.js';
import { PipelineLayout } from '../layouts.js';
import { checkObject, describe } from '../validation.js';
import { HalObject } from '../lifetime.js';
import { type BindingTable, type BufferOrSlot, resolveBindingTable, resolveCapturedTable } from './binding_table.js';
import { BindingTableChecks } from './binding_table_checks.js';
import type { Command, RangeRef } from './commands.js';
import { DispatchState } from './dispatch_state.js';
import { ExecutionState, TableCapture } from './execution_state.js';
import { type SlotUse, captureBytes, checkNoOverlap, checkOperand, constantWords, nonNegativeInteger } from './validation.js';
import { KnownFields, checkLabel } from '../fields.js';

export type CommandBufferUsageMode = 'one-shot' | 'reusable';

export interface CommandBufferDescriptor {
  /** 'one-shot' command buffers may be executed once; 'reusable' ones any number of times (the default). */
  readonly mode?: CommandBufferUsageMode;
  /** Binding-table slots each execute must supply (0: the commands name buffers directly). */
  readonly bindingCapacity?: number;
  readonly label?: string;
}

export interface FillCommandOptions {
  readonly buffer: BufferOrSlot;
  readonly offset?: number;
  /** Bytes to fill; the rest of the buffer (or binding-table entry) from `offset` when omitted. */
  readonly length?: number;
  /** The pattern as an unsigned integer of `patternLength` bytes (little-endian in memory). */
  readonly pattern: number;
  readonly patternLength: 1 | 2 | 4;
}

export interface UpdateCommandOptions {
  /** Copied when the command is recorded; the caller may reuse it at once. */
  readonly data: ArrayBuffer | ArrayBufferView;
  readonly buffer: BufferOrSlot;
  readonly offset?: number;
}

export interface CopyCommandOptions {
  readonly source: BufferOrSlot;
  readonly sourceOffset?: number;
  readonly target: BufferOrSlot;
  readonly targetOffset?: number;
  readonly length: number;
}

export interface PushConstantsOptions {
  readonly layout: PipelineLayout;
  /** Index of the first constant written (in 32-bit constants). */
  readonly offset?: number;
  readonly values: Uint32Array | Int32Array | Float32Array | readonly number[];
}

export interface DescriptorSetBinding {
  /** Binding index within the set. */
  readonly binding: number;
  readonly buffer: BufferOrSlot;
  readonly offset?: number;
  /** To the end of the buffer (or table entry) when omitted. */
  readonly length?: number;
}

export interface PushDescriptorSetOptions {
  readonly layout: PipelineLayout;
  readonly set: number;
  readonly bindings: readonly DescriptorSetBinding[];
}

export interface DispatchOptions {
  readonly executable: Executable;
  readonly entryPoint: string | number;
  readonly workgroupCount: readonly [number, number, number];
}

export interface DispatchIndirectOptions {
  readonly executable: Executable;
  readonly entryPoint: string | number;
  /** Holds three u32 workgroup counts (x, y, z), read on the device when the dispatch runs. */
  readonly buffer: BufferOrSlot;
  readonly offset?: number;
}

type RecordingState = 'initial' | 'recording' | 'executable' | 'failed';

export { TableCapture } from './execution_state.js';

export class CommandBuffer extends HalObject {
  readonly context: DeviceContext;
  readonly mode: CommandBufferUsageMode;
  readonly bindingCapacity: number;

  private state: RecordingState = 'initial';
  private endError: unknown;
  private executed = false;
  private readonly commands: Command[] = [];
  private readonly tableChecks = new BindingTableChecks();
  private readonly held = new Set<HalObject>();
  private dispatchState: DispatchState;
  private debugGroups: string[] = [];
  private stagingBytes = 0;

  /** Created by end(): what executes run (execution_state.ts). */
  private execution: ExecutionState | undefined;
  /** What a failed device check names (built once: validateSubmit runs on every execute). */
  private readonly executeUse: string;

  constructor(context: DeviceContext, descriptor: CommandBufferDescriptor = {}) {
    context.assertUsable('create a command buffer');
    checkObject('commandBuffer descriptor', descriptor, FIELDS.descriptor);
    checkLabel('commandBuffer label', descriptor.label);
    const mode = descriptor.mode ?? 'reusable';
    if (mode !== 'one-shot' && mode !== 'reusable') {
      throw invalidArgument(`commandBuffer.mode must be 'one-shot' or 'reusable' (got ${describe(mode)})`);
    }
    const bindingCapacity = nonNegativeInteger('commandBuffer.bindingCapacity', descriptor.bindingCapacity ?? 0);
    super('commandBuffer', descriptor.label);
    this.context = context;
    this.mode = mode;
    this.bindingCapacity = bindingCapacity;
    this.dispatchState = new DispatchState(context.limits.maxPushConstants);
    this.executeUse = `execute ${this.label}`;
  }

  /** Number of recorded commands, barriers included (for tests and traces). */
  get commandCount(): number {
    return this.commands.length;
  }

  /** The recorded commands, barriers included (the race checker reads what each touches). */
  get recordedCommands(): readonly Command[] {
    return this.commands;
  }

  /** 'initial', 'recording', 'executable' (ended) or 'failed' (end() threw). */
  get recordingState(): RecordingState {
    return this.state;
  }

  // --- recording ----------------------------------------------------------------------------------------------

  begin(): void {
    this.assertAlive('begin');
    if (this.state !== 'initial') {
      throw failedPrecondition(`${this.label} cannot be re-recorded: begin() was already called (state ${this.state})`);
    }
    this.state = 'recording';
  }

  /**
   * Finishes recording. In graph mode this builds and instantiates the driver graph and allocates the update
   * staging; any driver error (a node or graph the driver rejects, out of memory) is thrown from here and leaves
   * the command buffer in the 'failed' state, in which it cannot be executed.
   */
  end(): void {
    this.assertRecording('end');
    if (this.debugGroups.length > 0) {
      throw failedPrecondition(
        `${this.label}.end(): ${this.debugGroups.length} debug group(s) still open (${this.debugGroups.map((g) => JSON.stringify(g)).join(', ')})`,
      );
    }
    try {
      this.execution = new ExecutionState(this.context, this.commands, this.stagingBytes, this.bindingCapacity);
    } catch (error) {
      this.state = 'failed';
      this.endError = error;
      throw error;
    }
    this.state = 'executable';
  }

  fill(options: FillCommandOptions): void {
    this.assertRecording('fill');
    const what = `fill (command ${this.commands.length})`;
    const o = requireObject(options, 'fill options', FIELDS.fill);
    const patternLength: number = o.patternLength;
    if (patternLength !== 1 && patternLength !== 2 && patternLength !== 4) {
      throw invalidArgument(`${what} patternLength must be 1, 2 or 4 (got ${describe(patternLength)})`);
    }
    const pattern = o.pattern;
    const patternLimit = 2 ** (8 * patternLength);
    if (typeof pattern !== 'number' || !Number.isInteger(pattern) || pattern < 0 || pattern >= patternLimit) {
      throw invalidArgument(`${what} pattern must be an integer in [0, ${patternLimit}) for patternLength ${patternLength} (got ${describe(pattern)})`);
    }
    const offset = nonNegativeInteger(`${what} offset`, o.offset ?? 0);
    const length = o.length === undefined ? undefined : nonNegativeInteger(`${what} length`, o.length);
    if (offset % patternLength !== 0) throw invalidArgument(`${what} offset ${offset} is not a multiple of patternLength ${patternLength}`);
    const target = checkOperand(this.context, this.bindingCapacity, o.buffer, offset, length, BufferUsage.TRANSFER_TARGET, patternLength, `${what} buffer`);
    // Known now for buffers (given, or the rest of the buffer); "the rest of a table entry" is checked at submit.
    const filled = target.range.length;
    if (filled !== undefined && filled % patternLength !== 0) {
      throw invalidArgument(`${what} length ${filled} is not a multiple of patternLength ${patternLength}`);
    }

    this.commit({ op: 'fill', target: target.range, pattern, patternLength: patternLength as 1 | 2 | 4 }, [target]);
  }

  update(options: UpdateCommandOptions): void {
    this.assertRecording('update');
    const what = `update (command ${this.commands.length})`;
    const o = requireObject(options, 'update options', FIELDS.update);
    const data = captureBytes(o.data, `${what} data`);
    const offset = nonNegativeInteger(`${what} offset`, o.offset ?? 0);
    const target = checkOperand(this.context, this.bindingCapacity, o.buffer, offset, data.byteLength, BufferUsage.TRANSFER_TARGET, 1, `${what} buffer`);

    const stagingOffset = this.stagingBytes;
    this.commit({ op: 'update', target: target.range, data, stagingOffset }, [target]);
    // Staging chunks stay 16-byte aligned so each memcpy node reads from an aligned source.
    this.stagingBytes += Math.ceil(data.byteLength / 16) * 16;
  }

  copy(options: CopyCommandOptions): void {
    this.assertRecording('copy');
    const what = `copy (command ${this.commands.length})`;
    const o = requireObject(options, 'copy options', FIELDS.copy);
    const length = nonNegativeInteger(`${what} length`, o.length);
    const sourceOffset = nonNegativeInteger(`${what} sourceOffset`, o.sourceOffset ?? 0);
    const targetOffset = nonNegativeInteger(`${what} targetOffset`, o.targetOffset ?? 0);
    const source = checkOperand(this.context, this.bindingCapacity, o.source, sourceOffset, length, BufferUsage.TRANSFER_SOURCE, 1, `${what} source`);
    const target = checkOperand(this.context, this.bindingCapacity, o.target, targetOffset, length, BufferUsage.TRANSFER_TARGET, 1, `${what} target`);
    checkNoOverlap(source.range, target.range, length, what);

    this.commit({ op: 'copy', source: source.range, target: target.range }, [source, target]);
    if (source.slotUse !== undefined || target.slotUse !== undefined) {
      this.tableChecks.addSlotCopy(source.range, target.range, length, what);
    }
  }

  pushConstants(options: PushConstantsOptions): void {
    this.assertRecording('pushConstants');
    const o = requireObject(options, 'pushConstants options', FIELDS.pushConstants);
    const layout = this.checkLayout(o.layout, 'pushConstants layout');
    const offset = nonNegativeInteger('pushConstants offset', o.offset ?? 0);
    const words = constantWords(o.values, 'pushConstants values');
    // An exact fit of all the layout's constants is legal: the bound is `>`, never `>=`.
    if (offset + words.length > layout.pushConstants) {
      throw outOfRange(
        `pushConstants range [${offset}, ${offset + words.length}) exceeds the ${layout.pushConstants} push constants of ${layout.label}`,
      );
    }
    this.dispatchState.writeConstants(offset, words);
    this.hold(layout);
  }

  pushDescriptorSet(options: PushDescriptorSetOptions): void {
    this.assertRecording('pushDescriptorSet');
    const o = requireObject(options, 'pushDescriptorSet options', FIELDS.pushDescriptorSet);
    const layout = this.checkLayout(o.layout, 'pushDescriptorSet layout');
    const set = nonNegativeInteger('pushDescriptorSet set', o.set);
    const maxSets = this.context.limits.maxDescriptorSets;
    // The device limit is checked on its own, before the layout's own set count.
    if (set >= maxSets) throw outOfRange(`pushDescriptorSet set ${set} is past this device's limit of ${maxSets} descriptor sets`);
    const setLayout = layout.setLayouts[set];
    if (setLayout === undefined) {
      throw outOfRange(`pushDescriptorSet set ${set} is not in ${layout.label} (it has ${layout.setLayouts.length} sets)`);
    }
    if (!Array.isArray(o.bindings)) throw invalidArgument(`pushDescriptorSet bindings must be an array (got ${describe(o.bindings)})`);
    if (o.bindings.length > setLayout.bindingCount) {
      throw outOfRange(
        `pushDescriptorSet bindings has ${o.bindings.length} entries; set ${set} of ${layout.label} has ${setLayout.bindingCount} bindings`,
      );
    }
    const ranges = new Map<number, RangeRef>();
    const operands: { range: RangeRef; slotUse: SlotUse | undefined }[] = [];
    o.bindings.forEach((b: DescriptorSetBinding, i) => {
      const what = `pushDescriptorSet bindings[${i}]`;
      requireObject(b, what, FIELDS.binding);
      const binding = nonNegativeInteger(`${what}.binding`, b.binding);
      if (binding >= setLayout.bindingCount) {
        throw outOfRange(`${what}.binding ${binding} is not in set ${set} of ${layout.label} (it has ${setLayout.bindingCount} bindings)`);
      }
      if (ranges.has(binding)) throw invalidArgument(`${what}.binding ${binding} appears twice`);
      const offset = nonNegativeInteger(`${what}.offset`, b.offset ?? 0);
      const length = b.length === undefined ? undefined : nonNegativeInteger(`${what}.length`, b.length);
      const operand = checkOperand(this.context, this.bindingCapacity, b.buffer, offset, length, BufferUsage.DISPATCH_STORAGE, 1, `${what}.buffer`);
      ranges.set(binding, operand.range);
      operands.push(operand);
    });

    this.dispatchState.pushSet(set, setLayout, ranges);
    this.hold(layout);
    this.holdOperands(operands);
  }

  dispatch(options: DispatchOptions): void {
    this.assertRecording('dispatch');
    const o = requireObject(options, 'dispatch options', FIELDS.dispatch);
    const { executable, entry, fn } = this.checkEntryPoint(o.executable, o.entryPoint, 'dispatch');
    const what = `dispatch of ${entry.name} (command ${this.commands.length})`;
    const workgroupCount = this.checkWorkgroupCount(o.workgroupCount, what);
    const args = this.dispatchState.argumentsFor(entry.layout, what);

    this.commit({ op: 'dispatch', executable, entry, fn, workgroupCount, ...args, indirect: undefined }, []);
    this.hold(executable);
  }

  dispatchIndirect(options: DispatchIndirectOptions): void {
    this.assertRecording('dispatchIndirect');
    const info = this.context.driver.info;
    if (!info.indirectDispatch) {
      throw unimplemented(`dispatchIndirect is not supported by the ${info.platform} backend (${info.name})`);
    }
    const o = requireObject(options, 'dispatchIndirect options', FIELDS.dispatchIndirect);
    const { executable, entry, fn } = this.checkEntryPoint(o.executable, o.entryPoint, 'dispatchIndirect');
    const what = `dispatchIndirect of ${entry.name} (command ${this.commands.length})`;
    const offset = nonNegativeInteger(`${what} offset`, o.offset ?? 0);
    if (offset % 4 !== 0) throw invalidArgument(`${what} offset ${offset} is not a multiple of 4`);
    const params = checkOperand(this.context, this.bindingCapacity, o.buffer, offset, 12, 0, 4, `${what} buffer`);
    const args = this.dispatchState.argumentsFor(entry.layout, what);

    this.commit({ op: 'dispatch', executable, entry, fn, workgroupCount: [0, 0, 0], ...args, indirect: params.range }, [params]);
    this.hold(executable);
  }

  /** Everything recorded before the barrier happens before everything recorded after it. */
  executionBarrier(): void {
    this.assertRecording('executionBarrier');
    // Consecutive barriers order nothing more than one does.
    if (this.commands.at(-1)?.op === 'barrier') return;
    this.commands.push({ op: 'barrier' });
    this.context.checker?.commandRecorded(this, this.commands.length - 1);
  }

  beginDebugGroup(label: string): void {
    this.assertRecording('beginDebugGroup');
    if (typeof label !== 'string') throw invalidArgument(`beginDebugGroup label must be a string (got ${describe(label)})`);
    this.debugGroups.push(label);
  }

  endDebugGroup(): void {
    this.assertRecording('endDebugGroup');
    if (this.debugGroups.length === 0) throw failedPrecondition(`endDebugGroup() without an open debug group in ${this.label}`);
    this.debugGroups.pop();
  }

  // --- execution (internal; called by Queue.execute) ------------------------------------------------------------

  /**
   * @internal
   * Throws (INVALID_ARGUMENT / OUT_OF_RANGE / FAILED_PRECONDITION) if this command buffer cannot be executed with
   * `table`: not ended, end() failed, a one-shot already executed, or a table that does not fit its slots. Changes
   * nothing: an execute validates every command buffer of its list before `prepareSubmit` lowers any of them.
   */
  validateSubmit(table: BindingTable | undefined): void {
    this.assertAlive('execute');
    this.context.assertUsable(this.executeUse);
    if (this.state === 'failed') {
      throw failedPrecondition(`${this.label} cannot be executed: its end() failed (${errorText(this.endError)})`);
    }
    if (this.state !== 'executable') throw failedPrecondition(`${this.label} cannot be executed before end() (state ${this.state})`);
    if (this.mode === 'one-shot' && this.executed) {
      throw failedPrecondition(`${this.label} is one-shot and was already executed`);
    }
    // Without slots there are no slot uses or per-table graphs to check: nothing is left but a stray table.
    if (table === undefined && this.bindingCapacity === 0) return;
    const entries = resolveBindingTable(this.context, table, this.bindingCapacity, this.label);
    this.tableChecks.check(entries);
  }

  /**
   * After `validateSubmit` accepted `table` (for every command buffer of the execute): in graph mode with slots,
   * lowers (or finds) this table's graph now, so its driver errors are the execute's errors rather than surfacing when it is issued.
   */
  prepareSubmit(table: BindingTable | undefined): void {
    this.execution?.prepareTable(resolveCapturedTable(table));
  }

  /**
   * @internal
   * Marks a one-shot buffer used and holds this command buffer (and the table's buffers) for one submission;
   * `releaseCapture` lets go. Without a binding table nothing is allocated and `undefined` comes back: the
   * command buffer already holds everything its commands use (retained while recording), so holding the
   * command buffer is the whole capture — the hot path of every plain execute.
   */
  capture(table: BindingTable | undefined): TableCapture | undefined {
    if (this.mode === 'one-shot') this.executed = true;
    this.retain();
    if (table === undefined || table.length === 0) return undefined;
    const entries = resolveCapturedTable(table);
    const buffers: HalObject[] = [];
    for (const { buffer } of entries) {
      if (buffers.includes(buffer)) continue; // a table is small (its capacity): a scan beats a Set
      buffer.retain();
      buffers.push(buffer);
    }
    return new TableCapture(buffers, this.execution!.pin(entries));
  }

  /**
   * @internal
   * Ends what `capture` returned. Call it exactly once per capture (for a TableCapture, repeats are no-ops);
   * the command buffer's resources go once no submission holds it and the user destroyed it.
   */
  releaseCapture(captured: TableCapture | undefined): void {
    if (captured !== undefined) {
      if (captured.released) return;
      captured.released = true;
      if (captured.lowered !== undefined) this.execution!.unpin(captured.lowered);
      for (const buffer of captured.buffers) buffer.release();
    }
    this.release();
  }

  /** @internal Enqueues the recorded work on `stream` (at issue time, after validateSubmit and capture). */
  encode(stream: DriverStream, table: BindingTable | undefined): void {
    this.execution?.encode(stream, table);
  }

  // --- internals ----------------------------------------------------------------------------------------------

  protected freeResources(): void {
    this.execution?.destroy();
    for (const object of this.held) object.release();
    this.held.clear();
    this.commands.length = 0;
  }

  private assertRecording(use: string): void {
    this.assertAlive(use);
    if (this.state !== 'recording') {
      throw failedPrecondition(
        this.state === 'initial'
          ? `${this.label}.${use}() outside recording: call begin() first`
          : `${this.label}.${use}() outside recording: end() was already called (state ${this.state})`,
      );
    }
  }

  /** Appends a validated command and holds its buffers; the only place recording state grows. */
  private commit(command: Command, operands: readonly { range: RangeRef; slotUse: SlotUse | undefined }[]): void {
    this.commands.push(command);
    this.context.checker?.commandRecorded(this, this.commands.length - 1);
    this.holdOperands(operands);
  }

  private holdOperands(operands: readonly { range: RangeRef; slotUse: SlotUse | undefined }[]): void {
    for (const { range, slotUse } of operands) {
      if (range.ref.kind === 'buffer') this.hold(range.ref.buffer);
      if (slotUse !== undefined) this.tableChecks.addSlotUse(slotUse);
    }
  }

  private hold(object: HalObject): void {
    if (this.held.has(object)) return;
    object.retain();
    this.held.add(object);
  }

  private checkLayout(layout: unknown, what: string): PipelineLayout {
    if (!(layout instanceof PipelineLayout)) throw invalidArgument(`${what} must be a PipelineLayout (got ${describe(layout)})`);
    if (layout.context !== this.context) throw invalidArgument(`${what} ${layout.label} belongs to another device (${layout.context.label})`);
    layout.assertAlive(`use ${what}`);
    return layout;
  }

  private checkEntryPoint(executable: unknown, entryPoint: string | number, what: string) {
    if (!(executable instanceof Executable)) throw invalidArgument(`${what} executable must be an Executable (got ${describe(executable)})`);
    executable.assertUsableOn(this.context, `${what} executable`);
    const entry = executable.entryPoint(entryPoint);
    return { executable, entry, fn: executable.driverFunction(entry) };
  }

  private checkWorkgroupCount(count: unknown, what: string): [number, number, number] {
    if (!Array.isArray(count) || count.length !== 3) {
      throw invalidArgument(`${what} workgroupCount must be [x, y, z] (got ${describe(count)})`);
    }
    const max = this.context.limits.maxWorkgroupCount;
    return count.map((n: unknown, d) => {
      const value = nonNegativeInteger(`${what} workgroupCount[${d}]`, n);
      if (value > max[d]!) throw outOfRange(`${what} workgroupCount[${d}] is ${value}; this device allows at most ${max[d]}`);
      return value;
    }) as [number, number, number];
  }
}

/** The fields each descriptor and command accepts; anything else is a misspelling, never silently ignored. */
const FIELDS = {
  descriptor: new KnownFields(['mode', 'bindingCapacity', 'label']),
  fill: new KnownFields(['buffer', 'offset', 'length', 'pattern', 'patternLength']),
  update: new KnownFields(['data', 'buffer', 'offset']),
  copy: new KnownFields(['source', 'sourceOffset', 'target', 'targetOffset', 'length']),
  pushConstants: new KnownFields(['layout', 'offset', 'values']),
  pushDescriptorSet: new KnownFields(['layout', 'set', 'bindings']),
  binding: new KnownFields(['binding', 'buffer', 'offset', 'length']),
  dispatch: new KnownFields(['executable', 'entryPoint', 'workgroupCount']),
  dispatchIndirect: new KnownFields(['executable', 'entryPoint', 'buffer', 'offset']),
} as const;

function requireObject<T>(value: T, what: string, known: KnownFields): T {
  return checkObject<T & object>(what, value, known);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
