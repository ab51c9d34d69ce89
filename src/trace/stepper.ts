/**
 * Replay step mode: walk a recorded trace one event (or one kind of event) at a time and get, at each position,
 * the plain-English line for the event and the timeline as it stood then, drawn against the whole trace's range
 * with a cursor at the current moment. The interactive CLI and the playground drive this; a live stepped session
 * can drive it too, over a recorder's growing event list.
 */
import type { TraceEvent, TraceEventKind } from './model.js';
import { Narrator } from './narrate.js';
import { renderTimeline, type TimelineRenderOptions } from './timeline_renderer.js';

export interface Step {
  /** Index of the current event (-1 before the first). */
  readonly position: number;
  readonly event: TraceEvent | undefined;
  /** What just happened, in words ('' before the first event). */
  readonly line: string;
}

export class TraceStepper {
  private readonly events: readonly TraceEvent[];
  private readonly lines: string[];
  private position = -1;

  constructor(events: readonly TraceEvent[]) {
    this.events = events;
    const narrator = new Narrator();
    this.lines = events.map((event) => narrator.describe(event));
  }

  get length(): number {
    return this.events.length;
  }

  get current(): Step {
    return { position: this.position, event: this.events[this.position], line: this.lines[this.position] ?? '' };
  }

  get done(): boolean {
    return this.position >= this.events.length - 1;
  }

  /** One event forward (stays at the last). */
  next(): Step {
    if (!this.done) this.position++;
    return this.current;
  }

  /** One event back (stays before the first). */
  previous(): Step {
    if (this.position > -1) this.position--;
    return this.current;
  }

  /** Forward to the next event of one of `kinds` (e.g. 'signal', 'submission-failed'), or to the end. */
  nextOf(...kinds: TraceEventKind[]): Step {
    while (!this.done) {
      this.position++;
      if (kinds.includes(this.events[this.position]!.kind)) break;
    }
    return this.current;
  }

  /** To an absolute position, clamped to [-1, length - 1]. */
  seek(position: number): Step {
    this.position = Math.max(-1, Math.min(this.events.length - 1, Math.trunc(position)));
    return this.current;
  }

  /** The timeline up to and including the current event, on the full trace's axis, cursor at "now". */
  frame(options: Pick<TimelineRenderOptions, 'width' | 'color'> = {}): string {
    const first = this.events[0];
    if (first === undefined) return renderTimeline([], options);
    let start = first.ts;
    let end = first.ts;
    for (const event of this.events) {
      if (event.ts > end) end = event.ts;
      if (event.kind === 'op') {
        if (event.start < start) start = event.start;
        if (event.end > end) end = event.end;
      }
    }
    const shown = this.events.slice(0, this.position + 1);
    const now = this.events[Math.max(0, this.position)]!.ts;
    return renderTimeline(shown.length === 0 ? [first] : shown, { ...options, range: { start, end }, cursor: now });
  }
}
