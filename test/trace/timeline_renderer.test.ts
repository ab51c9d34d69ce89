import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { renderTimeline } from '../../src/trace/timeline_renderer.js';
import { crossQueueWait, SCENARIOS } from '../helpers/trace_scenarios.js';

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), 'golden');
/** UPDATE_GOLDEN=1 npx vitest run test/trace rewrites the golden files; review the diff before committing. */
const update = process.env['UPDATE_GOLDEN'] === '1';

const codePoints = (line: string): number => Array.from(line).length;
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

describe('terminal timeline (golden output, 100 columns)', () => {
  for (const [name, build] of Object.entries(SCENARIOS)) {
    test(name, () => {
      const text = renderTimeline(build(), { width: 100, color: false });
      const file = join(goldenDir, `${name}.txt`);
      if (update || !existsSync(file)) writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, 'utf8'));
      for (const line of text.split('\n')) expect(codePoints(line)).toBeLessThanOrEqual(100);
    });
  }
});

describe('terminal timeline', () => {
  test('the same events render identically', () => {
    expect(renderTimeline(crossQueueWait())).toBe(renderTimeline(crossQueueWait()));
  });

  test('shows lanes, the cross-queue release and the semaphore steps', () => {
    const text = renderTimeline(crossQueueWait());
    const lines = text.split('\n');
    const lane = (name: string): string => lines.find((line) => line.startsWith(`${name} `))!;
    // queue1 waits (dots) until fill A completes at 13µs, then runs. 13µs lies inside one column (≈434ns each),
    // so fill's last column is copy's first.
    expect(lane('queue1')).toMatch(/^queue1 +·+\[copy A→B=+\]$/);
    expect(lane('queue0').indexOf(']')).toBe(lane('queue1').indexOf('['));
    expect(text).toContain('"fill A" on queue0 signaled filled = 1, releasing "copy A→B" on queue1 (needed ≥ 1)');
    expect(text).toContain('filled: 0 →1 @13µs');
  });

  test('narrower widths keep every line within the width', () => {
    for (const build of Object.values(SCENARIOS)) {
      for (const width of [40, 60, 80, 132]) {
        const text = renderTimeline(build(), { width });
        for (const line of text.split('\n')) expect(codePoints(line)).toBeLessThanOrEqual(width);
      }
    }
  });

  test('color adds ANSI styles only: stripped, it is the plain rendering', () => {
    for (const build of Object.values(SCENARIOS)) {
      const colored = renderTimeline(build(), { color: true });
      expect(colored).toMatch(/\u001b\[/);
      expect(stripAnsi(colored)).toBe(renderTimeline(build(), { color: false }));
    }
  });

  test('a submission that never ran gets a row of its own when one is free', () => {
    const lines = renderTimeline(SCENARIOS['failure-propagation']()).split('\n');
    const queue0 = lines.findIndex((line) => line.startsWith('queue0 '));
    expect(lines[queue0]).toMatch(/^queue0 +\[unrelated=+\]$/);
    expect(lines[queue0 + 1]).toMatch(/^ +·+✗$/);
  });

  test('step mode: a prefix drawn against the full range, with the cursor at the last event (golden)', () => {
    const events = crossQueueWait();
    const full = { start: events[0]!.ts, end: events[events.length - 1]!.ts };
    // Stop right after fill A signaled: copy is released but has not finished.
    const upTo = events.findIndex((event) => event.kind === 'issue' && event.submission === 1);
    const prefix = events.slice(0, upTo + 1);
    const text = renderTimeline(prefix, { range: full, cursor: prefix[prefix.length - 1]!.ts });
    const file = join(goldenDir, 'step-frame.txt');
    if (update || !existsSync(file)) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
    // The axis is the full trace's, and copy (released at 13µs) is open-ended at the cursor.
    expect(text).toContain(' · 40µs · now 13µs · ');
    expect(text.split('\n').find((line) => line.startsWith('queue1 '))).toMatch(/·+>$/);
  });

  test('a window shows only what touches it, cut at the edges', () => {
    const text = renderTimeline(crossQueueWait(), { range: { start: 20_000n, end: 30_000n } });
    const lines = text.split('\n');
    const lane = (name: string) => lines.find((line) => line.startsWith(`${name} `)) ?? `${name} (no line)`;
    expect(lane('queue0').trim()).toBe('queue0'); // fill A ended at 13µs
    expect(lane('queue1')).toMatch(/^queue1 +\[copy A→B=+>$/); // runs 13–40µs: cut on both sides
    expect(text.split('\n')[0]).toContain(' · 10µs · ');
  });

  test('an empty trace says so', () => {
    expect(renderTimeline([])).toBe('gpuhal timeline: empty trace (no events were recorded)\n');
  });
});
