/** The page's SVG timeline, drawn in Node from a live session: only what happened up to "now", waits as waits. */
import { describe, expect, it } from 'vitest';
import { findLesson, LessonSession } from '../../src/lessons/index.js';
import { renderTimelineSvg } from '../../src/playground/page/timeline_svg.js';
import type { TraceEvent } from '../../src/trace/model.js';

const attr = (svg: string, pattern: RegExp): string[] => [...svg.matchAll(pattern)].map((match) => match[1]!);

describe('renderTimelineSvg', () => {
  it('mid-run: an issued submission whose wait is not reached is drawn waiting, running work only up to now', async () => {
    const lesson = findLesson('wait-before-signal')!;
    const session = await LessonSession.start(lesson.run, { seed: 1, queueCount: 2 });
    try {
      await session.step(); // the fill's memset starts: its end is known to the simulator, not yet to the reader
      const svg = renderTimelineSvg(session.events, { now: session.now, width: 900 });
      expect(svg.startsWith('<svg')).toBe(true);
      // #1 copy waits for filled ≥ 1 (issued to the device ahead of its signal): outlined, no running bar.
      expect(attr(svg, /<g class="submission" data-submission="1" data-outcome="(\w+)"/g)).toEqual(['waiting']);
      expect(svg).toContain('<rect class="waiting" data-submission="1"');
      // #2 fill runs: a bar starting at now, so no wider than the 3px minimum.
      const fill = /<g class="submission" data-submission="2" data-outcome="running"[^>]*><rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"/.exec(svg);
      expect(fill).not.toBeNull();
      expect(Number(fill![1])).toBeLessThanOrEqual(3);
      expect(attr(svg, /<g class="semaphore" data-semaphore="[^"]+" data-value="(\d+)"/g)).toEqual(['1', '0', '0']);

      await session.runToEnd();
      const done = renderTimelineSvg(session.events, { now: session.now, width: 900 });
      expect(attr(done, /<g class="submission" data-submission="\d+" data-outcome="(\w+)"/g)).toEqual(['completed', 'completed', 'completed']);
      expect(attr(done, /<g class="semaphore" data-semaphore="[^"]+" data-value="(\d+)"/g)).toEqual(['1', '1', '1']);
      expect(attr(done, /<path class="dependency"[^>]*><title>([^<]+)</g)).toEqual([
        'go = 1 released the wait for ≥ 1',
        'filled = 1 released the wait for ≥ 1',
        'copied = 1 released the wait for ≥ 1',
      ]);
    } finally {
      session.close();
    }
  });

  it('the axis starts at the first work, not at the declarations before it (setup on a real clock)', async () => {
    const lesson = findLesson('wait-before-signal')!;
    const session = await LessonSession.start(lesson.run, { seed: 1, queueCount: 2 });
    try {
      await session.runToEnd();
      const events = session.events;
      // The same run with a second of setup between the declarations and the first work, as compiling kernels on a
      // real clock would leave: every time of a work event moves, the declarations stay.
      const setup = 1_000_000_000n;
      const declaration = (e: TraceEvent): boolean => e.kind === 'device' || e.kind === 'lane' || e.kind === 'semaphore';
      const shifted = events.map((e): TraceEvent => {
        if (declaration(e)) return e;
        if (e.kind === 'op') return { ...e, ts: e.ts + setup, start: e.start + setup, end: e.end + setup };
        return { ...e, ts: e.ts + setup };
      });
      expect(shifted.some(declaration)).toBe(true);
      const plain = renderTimelineSvg(events, { now: session.now, width: 900 });
      const delayed = renderTimelineSvg(shifted, { now: session.now + setup, width: 900 });
      expect(attr(delayed, /<g class="submission" data-submission="\d+" data-outcome="(\w+)"/g)).toEqual(['completed', 'completed', 'completed']);
      // Drawn from the first work on, the delayed run looks exactly like the plain one: no empty second up front.
      expect(delayed).toBe(plain);
    } finally {
      session.close();
    }
  });

  it('an empty trace draws an empty frame', () => {
    const svg = renderTimelineSvg([], { now: 0n });
    expect(svg).toContain('<svg');
    expect(svg).not.toContain('class="submission"');
  });
});
