/**
 * What every corpus entry is: a real program from a public tracker, re-expressed in gpuhal, with its fixed twin.
 * The bug corpus (bug_corpus.ts) and the stall corpus (wait_stalls.ts) add what their checker must say.
 */
import type { Device, Queue } from '../../../src/index.js';

export interface TrackerProgram {
  readonly name: string;
  /** The public thread the bug comes from. */
  readonly source: string;
  readonly queueCount: number;
  /** Runs the program on a checked device; `fixed` selects the twin. */
  readonly run: (device: Device, fixed: boolean) => Promise<void>;
}

/** The first two queues of a device created with `queueCount: 2`. */
export const queues = (device: Device): [Queue, Queue] => device.queues as unknown as [Queue, Queue];
