/**
 * Schedule sources: who decides what the simulator leaves open, when an explorer drives it.
 *
 * Without a source (the default) the scheduler runs every event at its virtual time and breaks ties between
 * simultaneous starts with the seeded PRNG, exactly as it always has; lessons and tests that rely on a seed keep
 * their order. With a source (`schedule` option) every point the semantics contract leaves open becomes a choice
 * the source makes and can record:
 *
 *   - event:       which enabled event happens next — the start of any stream's ready operation, the completion of
 *                  any operation in flight (so durations are whatever the order needs), the next piece of a running
 *                  operation's writes (one per workgroup of a dispatch, one per 4 KiB chunk of a copy, fill or
 *                  upload, 2 to 16 pieces: an overlapping operation sees it partly done), or the earliest timer;
 *   - graph-order: which topological order a graph launch replays its nodes in;
 *   - kernel-order: once per run, at the first launch of a HIP-C kernel, which seed the run's kernels draw their
 *                  workgroups' thread orders from (so an explorer reaches an intra-workgroup race as it reaches a
 *                  missing semaphore);
 *   - cover:       which in-flight signal a device-side wait follows when several would cover it;
 *   - resume:      which of the host waits one signal releases resumes first (the core asks these two through the
 *                  driver's optional chooseOpen);
 *   - faults:      the seed of a fault plan's random faults, drawn once per schedule by the explorer.
 *
 * Under a source an operation reads its inputs when it starts and its writes land when it completes, so two
 * overlapping operations on one buffer can lose an update (both read, both write) the way real hardware can.
 * Option 0 of every choice is the default order (earliest virtual time first, then completions, starts, timers,
 * then stream creation order): a schedule is described by where it deviates from that.
 */

/** One memory range an event touches, [start, end) in device addresses. */
export interface SimAccess {
  readonly start: number;
  readonly end: number;
  readonly write: boolean;
}

/** What an event touches: two events commute when neither is global and no write of one overlaps the other. */
export interface SimFootprint {
  readonly accesses: readonly SimAccess[];
  /**
   * The host can observe it (a completion event becomes visible, a host function runs, a timer fires) or it
   * touches allocator state: it never commutes with another such event.
   */
  readonly observable: boolean;
}

export type SimEventKind = 'start' | 'complete' | 'part' | 'timer';

/** One option of a choice. */
export interface SimChoiceOption {
  readonly kind: SimEventKind | 'order';
  /** The stream the event belongs to; a timer's is minus its id. PCT treats each as a thread. */
  readonly stream: number;
  /** Stable identity across re-executions of one scenario: kind, stream and the operation's sequence number. */
  readonly key: string;
  /** A sentence fragment for reports, e.g. "stream 2's memset 0x1000 64 B completes". */
  readonly description: string;
  readonly footprint: SimFootprint;
}

export type SimChoiceKind = 'event' | 'graph-order' | 'kernel-order' | 'cover' | 'resume' | 'faults';

export interface SimChoice {
  readonly kind: SimChoiceKind;
  /** At least two; option 0 is the default order. */
  readonly options: readonly SimChoiceOption[];
  /** Virtual ns when the choice is made. */
  readonly time: number;
}

export interface SimScheduleSource {
  /** Returns the index of the option to take, in [0, choice.options.length). */
  choose(choice: SimChoice): number;
}

/** Graph orders offered per launch of a graph with two or more nodes (replay PRNG seeds 0..n-1). */
export const GRAPH_ORDERS = 4;

/**
 * Thread-order seeds a run chooses among (the high word of the device generator's seed). Once per run, not per
 * launch: exhaustive exploration multiplies by it once. More than the graph orders: a race confined to a few
 * workgroups shows only when the seed puts them in the explored sample and picks the racing order.
 */
export const KERNEL_ORDERS = 16;

export function isScheduleSource(value: unknown): value is SimScheduleSource {
  return typeof value === 'object' && value !== null && typeof (value as SimScheduleSource).choose === 'function';
}
