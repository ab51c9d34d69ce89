/** The demo's story, told from a trace: labels, waits, signals, what each signal let start, failures. */
import { expect, it } from 'vitest';
import { tellStory } from '../../src/cli/demo_story.js';
import { createDevice, HalError, StatusCode, trace } from '../../src/index.js';

it('tells submissions, completions, host signals, releases and a propagated failure in order', async () => {
  const device = await createDevice({ backend: 'sim', seed: 1, queueCount: 2, trace: true });
  const go = device.createSemaphore(0n, { label: 'go' });
  const mid = device.createSemaphore(0n, { label: 'mid' });
  const bad = device.createSemaphore(0n, { label: 'bad' });
  const lost = device.createSemaphore(0n, { label: 'lost' });
  device.queues[1]!.barrier({ label: 'second', waits: [{ semaphore: mid, value: 1n }], signals: [{ semaphore: mid, value: 2n }] });
  device.queues[0]!.barrier({ label: 'first', waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: mid, value: 1n }] });
  device.queues[0]!.barrier({ waits: [{ semaphore: bad, value: 1n }], signals: [{ semaphore: lost, value: 1n }] });
  go.signal(1n);
  await mid.wait(2n);
  bad.fail(new HalError(StatusCode.DATA_LOSS, 'tile lost'));
  await lost.wait(1n).catch(() => undefined);
  expect(tellStory(device.trace!.events)).toEqual([
    '      0ns  queue 1: second submitted — waits for "mid" ≥ 1; will signal "mid" = 2',
    '      0ns  queue 0: first submitted — waits for "go" ≥ 1; will signal "mid" = 1',
    '      0ns  queue 0: barrier submitted — waits for "bad" ≥ 1; will signal "lost" = 1',
    '      0ns  the host signals "go" = 1',
    expect.stringMatching(/^ +\S+  queue 0: first done → "mid" = 1 → second may start$/),
    expect.stringMatching(/^ +\S+  queue 1: second done → "mid" = 2$/),
    expect.stringMatching(/^ +\S+  queue 0: barrier FAILED \(DATA_LOSS: tile lost\) → "lost" fails$/),
  ]);
  await device[Symbol.asyncDispose]();
});

it('a label names the submission in the terminal timeline and the Perfetto export too', async () => {
  const device = await createDevice({ backend: 'sim', seed: 1, trace: true });
  const done = device.createSemaphore(0n, { label: 'done' });
  device.queue.barrier({ label: 'relay point', signals: [{ semaphore: done, value: 1n }] });
  await done.wait(1n);
  const events = device.trace!.events;
  expect(trace.renderTimeline(events, { width: 100 })).toContain('relay point');
  const slices = trace.toChromeTrace(events).traceEvents.filter((e) => e.ph === 'X' && e.cat === 'submission');
  expect(slices.map((e) => e.name)).toEqual(['relay point']);
  await device[Symbol.asyncDispose]();
});

it('a label that is not a string is rejected before anything is submitted', async () => {
  const device = await createDevice({ backend: 'sim', seed: 1, trace: true });
  const before = device.trace!.events.length;
  expect(() => device.queue.barrier({ label: 7 as unknown as string })).toThrow('barrier label must be a string (got 7)');
  expect(() => device.queue.barrier({ lable: 'x' } as never)).toThrow('did you mean "label"?');
  expect(device.trace!.events.length).toBe(before);
  await device[Symbol.asyncDispose]();
});
