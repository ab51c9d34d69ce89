/**
 * The graphs of a graph-mode command buffer with binding slots, one per distinct binding table.
 *
 * Such a command buffer cannot be lowered at end(): its slots only get device addresses from each execute's table.
 * Lowering is a driver graph build and instantiate, far too slow for every execute, so each distinct table (by
 * bindingTableKey) is lowered once, at the first submit that uses it, and kept. The cache is bounded: beyond
 * MAX_LOWERED_TABLES the least recently used graphs are destroyed, except those a submission still holds (pinned
 * between capture and release), whose graph may not have been launched yet.
 */
import type { DevicePtr, DriverGraphExec, GpuDriver } from '../driver.js';
import { type ResolvedEntry, bindingTableKey } from './binding_table.js';
import type { Command } from './commands.js';
import { lowerToGraph } from './graph_lowering.js';
import type { DeviceContext } from '../device_context.js';

/** The graph lowered for one binding table (undefined: the commands do no device work with it). */
export interface LoweredTable {
  readonly exec: DriverGraphExec | undefined;
  /** Submissions holding this graph; it is only evicted at zero. */
  pins: number;
  lastUse: number;
}

/** Per-table graphs kept for reuse; older unpinned ones are destroyed beyond this. */
const MAX_LOWERED_TABLES = 16;

export class LoweredTables {
  private readonly byKey = new Map<string, LoweredTable>();
  private useClock = 0;

  /**
   * `commands` is the ended (no longer growing) command list and `staging` the device address of its update
   * staging (0 when it has no updates).
   */
  private readonly driver: GpuDriver;

  constructor(
    private readonly context: DeviceContext,
    private readonly commands: readonly Command[],
    private readonly staging: DevicePtr,
  ) {
    this.driver = context.driver;
  }

  /**
   * The graph for this table, lowered on first use and kept. Driver errors from lowering are thrown to the caller
   * (submit validation), and a table that failed to lower is not cached.
   */
  lowerFor(entries: readonly ResolvedEntry[]): LoweredTable {
    const key = bindingTableKey(entries);
    let lowered = this.byKey.get(key);
    if (lowered === undefined) {
      const exec = lowerToGraph(this.context, this.commands, entries, this.staging);
      lowered = { exec, pins: 0, lastUse: 0 };
      this.byKey.set(key, lowered);
      this.evictIdle(lowered);
    }
    lowered.lastUse = ++this.useClock;
    return lowered;
  }

  /**
   * Holds the graph already lowered for this table against eviction, for one submission; undefined if there is
   * none. Each pin is ended by exactly one `unpin`.
   */
  pin(entries: readonly ResolvedEntry[]): LoweredTable | undefined {
    const lowered = this.byKey.get(bindingTableKey(entries));
    if (lowered !== undefined) lowered.pins++;
    return lowered;
  }

  unpin(lowered: LoweredTable): void {
    lowered.pins--;
  }

  /** Destroys every graph, pinned or not: only for the command buffer's own destruction. */
  destroyAll(): void {
    for (const lowered of this.byKey.values()) if (lowered.exec !== undefined) this.driver.graphExecDestroy(lowered.exec);
    this.byKey.clear();
  }

  /** Destroys the least recently used idle graphs beyond the cache size; never `keep` or a pinned one. */
  private evictIdle(keep: LoweredTable): void {
    if (this.byKey.size <= MAX_LOWERED_TABLES) return;
    const idle = [...this.byKey.entries()]
      .filter(([, l]) => l.pins === 0 && l !== keep)
      .sort((a, b) => a[1].lastUse - b[1].lastUse);
    for (const [key, lowered] of idle) {
      if (this.byKey.size <= MAX_LOWERED_TABLES) break;
      if (lowered.exec !== undefined) this.driver.graphExecDestroy(lowered.exec);
      this.byKey.delete(key);
    }
  }
}
