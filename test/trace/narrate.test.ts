import { expect, test } from 'vitest';
import { narrate, Narrator } from '../../src/trace/narrate.js';
import { crossQueueWait, failurePropagation, rig } from '../helpers/trace_scenarios.js';

test('the cross-queue example, told step by step', () => {
  expect(narrate(crossQueueWait())).toEqual([
    '     0ns  device "gpuhal simulated GPU" (sim, virtual clock)',
    '     0ns  queue queue0 is traced',
    '     0ns  queue queue1 is traced',
    '     0ns  stream stream1 is traced',
    '     0ns  stream stream2 is traced',
    '     0ns  semaphore filled created with value 0',
    '     0ns  semaphore copied created with value 0',
    '     0ns  queue1: submitted "copy A→B" (copy); it waits for filled ≥ 1 and will signal copied = 1',
    '     1µs  queue0: submitted "fill A" (fill); it waits for nothing and will signal filled = 1',
    '     1µs  queue0: "fill A" handed to the device',
    '     1µs  the host lane is traced',
    '     1µs  host waits for copied ≥ 1',
    '    13µs  stream1: memset 4096B (fill) ran for 12µs',
    '    13µs  queue0: "fill A" completed',
    '    13µs  filled = 1, signaled by "fill A"',
    '    13µs  "copy A→B": its wait for filled ≥ 1 is met',
    '    13µs  queue1: "copy A→B" handed to the device',
    '    40µs  stream2: memcpy 4096B (copy) ran for 27µs',
    '    40µs  queue1: "copy A→B" completed',
    '    40µs  copied = 1, signaled by "copy A→B"',
    '    40µs  host wait for copied ≥ 1 is over',
  ]);
});

test('failures say what failed and why', () => {
  const lines = narrate(failurePropagation());
  expect(lines).toContain('     8µs  queue1: "kernel X" FAILED while running: ABORTED: kernel X: out-of-bounds store at binding 0 offset 4096 (buffer of 4096 bytes)');
  expect(lines).toContain('    10µs  queue0: "transform" will not run: input failed (CANCELLED)');
  expect(lines).toContain('    10µs  mid FAILED (CANCELLED), by "transform"');
  expect(lines).toContain('     8µs  host wait for out ≥ 1 failed (ABORTED)');
});

test('a narrator follows a live recorder', () => {
  const { recorder, clock, semaphore } = rig();
  const narrator = new Narrator();
  for (const event of recorder.events) narrator.describe(event);
  const live: string[] = [];
  recorder.subscribe((event) => live.push(narrator.describe(event)));
  const sem = semaphore('ready');
  clock.set(2_500);
  recorder.signaled(sem, 3n);
  expect(live).toEqual(['     0ns  semaphore ready created with value 0', '   2.5µs  the host lane is traced', '   2.5µs  ready = 3, signaled by the host']);
});
