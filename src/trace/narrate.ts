/**
 * One plain-English line per trace event: what step mode prints after each step, what the playground shows next
 * to the timeline, and a readable log for `gpuhal trace show --events`.
 *
 * A Narrator learns names (queues, semaphores, submission labels) from the events it has seen, so it can follow a
 * live recorder (`recorder.subscribe(event => print(narrator.describe(event)))`) or a whole list.
 */
import type { TraceEvent, TraceTime, ValueRef } from './model.js';
import { formatDuration } from './time_format.js';

export class Narrator {
  private readonly lanes = new Map<number, { name: string; kind: string }>();
  private readonly semaphores = new Map<number, string>();
  private readonly submissions = new Map<number, { label: string; lane: number }>();
  private readonly hostWaits = new Map<number, string>();
  private origin: TraceTime | null = null;

  /** "<time>  <what happened>", time relative to the first event described. */
  describe(event: TraceEvent): string {
    this.origin ??= event.ts;
    return `${formatDuration(event.ts - this.origin).padStart(8)}  ${this.what(event)}`;
  }

  private what(event: TraceEvent): string {
    switch (event.kind) {
      case 'device':
        return `device "${event.name}" (${event.platform}, ${event.clock} clock)`;
      case 'lane':
        this.lanes.set(event.lane, { name: event.name, kind: event.laneKind });
        return event.laneKind === 'host' ? 'the host lane is traced' : `${event.laneKind} ${event.name} is traced`;
      case 'semaphore':
        this.semaphores.set(event.semaphore, event.name);
        return `semaphore ${event.name} created with value ${event.initial}`;
      case 'submit': {
        this.submissions.set(event.submission, { label: event.label, lane: event.lane });
        const waits = event.waits.length === 0 ? 'waits for nothing' : `waits for ${this.refs(event.waits, '≥')}`;
        const signals = event.signals.length === 0 ? 'signals nothing' : `will signal ${this.refs(event.signals, '=')}`;
        return `${this.lane(event.lane)}: submitted ${this.sub(event.submission)} (${event.op}); it ${waits} and ${signals}`;
      }
      case 'issue':
        return `${this.where(event.submission)}: ${this.sub(event.submission)} handed to the device`;
      case 'wait-satisfied':
        return `${this.sub(event.submission)}: its wait for ${this.sem(event.semaphore)} ≥ ${event.value} is met${event.signal === null ? ' (already at that value)' : ''}`;
      case 'complete':
        return `${this.where(event.submission)}: ${this.sub(event.submission)} completed`;
      case 'submission-failed':
        return event.cause === null
          ? `${this.where(event.submission)}: ${this.sub(event.submission)} FAILED while running: ${event.error.code}: ${event.error.message}`
          : `${this.where(event.submission)}: ${this.sub(event.submission)} will not run: ${this.sem(event.cause.semaphore)} failed (${event.error.code})`;
      case 'signal':
        return `${this.sem(event.semaphore)} = ${event.value}, signaled by ${event.submission === null ? 'the host' : this.sub(event.submission)}`;
      case 'semaphore-failed':
        return `${this.sem(event.semaphore)} FAILED (${event.error.code}), by ${event.submission === null ? 'the host' : this.sub(event.submission)}`;
      case 'op':
        return `${this.lane(event.lane)}: ${event.name} (${event.opKind}) ran for ${formatDuration(event.end - event.start)}`;
      case 'host-wait': {
        const targets = this.refs(event.targets, '≥', event.mode === 'all' ? ' and ' : ' or ');
        this.hostWaits.set(event.wait, targets);
        const timeout = event.timeout === null ? '' : event.timeout === 0n ? ' (poll)' : ` (timeout ${formatDuration(event.timeout)})`;
        return `host waits for ${targets}${timeout}`;
      }
      case 'host-wait-end': {
        const targets = this.hostWaits.get(event.wait) ?? `wait ${event.wait}`;
        const how = event.outcome === 'reached' ? 'is over' : event.outcome === 'timeout' ? 'timed out' : `failed (${event.error?.code ?? 'UNKNOWN'})`;
        return `host wait for ${targets} ${how}`;
      }
      case 'race': {
        const side = (id: number | null): string => (id === null ? 'the host' : this.sub(id));
        return `RACE (${event.race}): ${side(event.first)} and ${side(event.second)} are not ordered; fix: ${event.fix}`;
      }
    }
  }

  private lane(id: number): string {
    const lane = this.lanes.get(id);
    return lane === undefined ? `lane ${id}` : lane.name;
  }

  private where(submission: number): string {
    const sub = this.submissions.get(submission);
    return sub === undefined ? 'queue' : this.lane(sub.lane);
  }

  private sub(id: number): string {
    const sub = this.submissions.get(id);
    return sub === undefined ? `submission ${id}` : `"${sub.label}"`;
  }

  private sem(id: number): string {
    return this.semaphores.get(id) ?? `semaphore ${id}`;
  }

  private refs(refs: readonly ValueRef[], op: string, join = ', '): string {
    return refs.map((ref) => `${this.sem(ref.semaphore)} ${op} ${ref.value}`).join(join);
  }
}

/** Every event described, in order. */
export function narrate(events: readonly TraceEvent[]): string[] {
  const narrator = new Narrator();
  return events.map((event) => narrator.describe(event));
}
