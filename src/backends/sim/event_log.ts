/**
 * The sim's log of what ran: one entry per stream operation (graph launches carry their node order when node
 * tracing is on). Two runs with the same seed produce identical logs, which is what determinism tests compare.
 * Bounded: once `limit` entries are kept, the oldest are dropped (and counted).
 */
import type { DriverLogEntry } from '../../core/driver.js';

export type LogStatus = DriverLogEntry['status'];

/** A driver log entry (`GpuDriver.eventLog`; stream ids count from 1 in creation order, times are virtual ns). */
export interface LogEntry extends DriverLogEntry {
  /** Graph launches with node tracing: node indices (creation order) in execution order. */
  readonly nodes?: readonly number[];
}

export class EventLog {
  private entries: LogEntry[] = [];
  private nextSeq = 0;
  private droppedCount = 0;

  constructor(readonly limit: number) {}

  add(entry: Omit<LogEntry, 'seq'>): void {
    if (this.limit === 0) {
      this.nextSeq++;
      this.droppedCount++;
      return;
    }
    this.entries.push({ seq: this.nextSeq++, ...entry });
    // Trim in batches so adding stays O(1) amortized.
    if (this.entries.length >= 2 * this.limit) {
      const excess = this.entries.length - this.limit;
      this.entries.splice(0, excess);
      this.droppedCount += excess;
    }
  }

  /** The kept entries, oldest first (at most `limit`). */
  snapshot(): LogEntry[] {
    const excess = Math.max(0, this.entries.length - this.limit);
    return this.entries.slice(excess);
  }

  get dropped(): number {
    return this.droppedCount + Math.max(0, this.entries.length - this.limit);
  }

  clear(): void {
    this.entries = [];
    this.droppedCount = 0;
  }
}
