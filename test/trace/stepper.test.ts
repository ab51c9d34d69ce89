import { expect, test } from 'vitest';
import { renderTimeline } from '../../src/trace/timeline_renderer.js';
import { TraceStepper } from '../../src/trace/stepper.js';
import { crossQueueWait, failurePropagation } from '../helpers/trace_scenarios.js';

test('steps forward and back one event at a time, with the narration of each', () => {
  const events = crossQueueWait();
  const stepper = new TraceStepper(events);
  expect(stepper.current).toEqual({ position: -1, event: undefined, line: '' });
  expect(stepper.previous().position).toBe(-1);
  expect(stepper.next()).toMatchObject({ position: 0, line: '     0ns  device "gpuhal simulated GPU" (sim, virtual clock)' });
  expect(stepper.next().event).toBe(events[1]);
  expect(stepper.previous().position).toBe(0);
});

test('jumps to the next event of a kind, and stays at the end', () => {
  const stepper = new TraceStepper(crossQueueWait());
  expect(stepper.nextOf('signal').line).toBe('    13µs  filled = 1, signaled by "fill A"');
  expect(stepper.nextOf('signal').line).toBe('    40µs  copied = 1, signaled by "copy A→B"');
  expect(stepper.nextOf('submission-failed').position).toBe(stepper.length - 1);
  expect(stepper.done).toBe(true);
  expect(stepper.next().position).toBe(stepper.length - 1);
});

test('frames grow in place on the full axis; the last frame is the whole timeline plus the cursor', () => {
  const events = failurePropagation();
  const stepper = new TraceStepper(events);
  stepper.nextOf('semaphore-failed');
  const early = stepper.frame();
  expect(early).toContain(' · 30µs · now 8µs · ');
  expect(early).not.toContain('"transform" on queue0 did not run');
  stepper.seek(Number.MAX_SAFE_INTEGER);
  const last = stepper.frame();
  expect(last).toContain('"transform" on queue0 did not run');
  // The lanes and semaphore rows are those of the plain rendering; only the cursor's guide line is added.
  const rows = (text: string) => text.split('\n').slice(3, 12).map((line) => line.replace(/│/g, ' ').trimEnd());
  expect(rows(last)).toEqual(rows(renderTimeline(events)));
});

test('seek clamps', () => {
  const stepper = new TraceStepper(crossQueueWait());
  expect(stepper.seek(-10).position).toBe(-1);
  expect(stepper.seek(3.7).position).toBe(3);
  expect(new TraceStepper([]).frame()).toBe('gpuhal timeline: empty trace (no events were recorded)\n');
});
