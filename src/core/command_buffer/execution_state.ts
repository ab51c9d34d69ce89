/**
 * The execution state of an ended command buffer, kept apart from its recording (command_buffer.ts): what
 * end() built from the command list and what each execute holds and enqueues.
 *
 * - graph mode: the update staging (device memory plus its host image) and either the one driver graph of a
 *   command buffer without slots, or the per-binding-table graphs of one with slots (lowered_tables.ts);
 * - stream mode: nothing is built; each execute replays the command list onto its stream.
 */
import type { DeviceContext } from '../device_context.js';
import type { DevicePtr, DriverGraphExec, DriverStream } from '../driver.js';
import type { HalObject } from '../lifetime.js';
import { type BindingTable, type ResolvedEntry, resolveCapturedTable } from './binding_table.js';
import type { Command } from './commands.js';
import { lowerToGraph } from './graph_lowering.js';
import { type LoweredTable, LoweredTables } from './lowered_tables.js';
import { replayOnStream } from './stream_lowering.js';

const NO_ENTRIES: readonly ResolvedEntry[] = Object.freeze([]);

/**
 * What one execute with a binding table holds beyond the command buffer itself: the table's buffers (each once)
 * and, in graph mode, the graph lowered for the table (pinned against eviction). Released once; later releases
 * of the same capture are no-ops.
 */
export class TableCapture {
  released = false;

  constructor(
    readonly buffers: readonly HalObject[],
    readonly lowered: LoweredTable | undefined,
  ) {}
}

export class ExecutionState {
  private graphExec: DriverGraphExec | undefined;
  private tableGraphs: LoweredTables | undefined;
  private stagingPtr: DevicePtr = 0;
  private stagingHost: Uint8Array | undefined;

  /**
   * Builds what the device's command-buffer mode needs. `commands` is the ended (no longer growing) list and
   * `stagingBytes` the size of its update staging. A driver error (a node or graph the driver rejects, out of
   * memory) is thrown with nothing left allocated.
   */
  constructor(
    private readonly context: DeviceContext,
    private readonly commands: readonly Command[],
    stagingBytes: number,
    bindingCapacity: number,
  ) {
    if (context.commandBufferMode !== 'graph') return;
    const driver = context.driver;
    try {
      if (stagingBytes > 0) {
        this.stagingPtr = context.retryAfterReclaim(() => driver.memAlloc(stagingBytes));
        this.stagingHost = buildStagingImage(commands, stagingBytes);
      }
      if (bindingCapacity === 0) this.graphExec = lowerToGraph(context, commands, [], this.stagingPtr);
      else this.tableGraphs = new LoweredTables(context, commands, this.stagingPtr);
    } catch (error) {
      this.freeStaging();
      throw error;
    }
  }

  /** Graph mode with slots: lowers (or finds) the graph for this table, so its driver errors are the submit's. */
  prepareTable(entries: readonly ResolvedEntry[]): void {
    this.tableGraphs?.lowerFor(entries);
  }

  /** Pins the graph of a captured table (graph mode with slots) until `unpin`. */
  pin(entries: readonly ResolvedEntry[]): LoweredTable | undefined {
    return this.tableGraphs?.pin(entries);
  }

  unpin(lowered: LoweredTable): void {
    this.tableGraphs!.unpin(lowered);
  }

  /** Enqueues the recorded work on `stream`. */
  encode(stream: DriverStream, table: BindingTable | undefined): void {
    const driver = this.context.driver;
    if (this.context.commandBufferMode === 'stream') {
      replayOnStream(driver, this.commands, table === undefined ? NO_ENTRIES : resolveCapturedTable(table), stream);
      return;
    }
    const exec = this.tableGraphs === undefined ? this.graphExec : this.tableGraphs.lowerFor(resolveCapturedTable(table)).exec;
    if (exec === undefined) return;
    // The staging bytes never change, so re-uploading them before every launch is idempotent; doing it on the
    // launch's stream orders it before the graph's memcpy nodes without any other synchronization.
    if (this.stagingHost !== undefined) driver.memcpyHtoDAsync(this.stagingPtr, this.stagingHost, stream);
    driver.graphLaunch(exec, stream);
  }

  destroy(): void {
    if (this.graphExec !== undefined) this.context.driver.graphExecDestroy(this.graphExec);
    this.graphExec = undefined;
    this.tableGraphs?.destroyAll();
    this.freeStaging();
  }

  private freeStaging(): void {
    if (this.stagingPtr !== 0) this.context.driver.memFree(this.stagingPtr);
    this.stagingPtr = 0;
    this.stagingHost = undefined;
  }
}

function buildStagingImage(commands: readonly Command[], stagingBytes: number): Uint8Array {
  const image = new Uint8Array(stagingBytes);
  for (const c of commands) if (c.op === 'update') image.set(c.data, c.stagingOffset);
  return image;
}
