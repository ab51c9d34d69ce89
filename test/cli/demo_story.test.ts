/** The demo's story, told from a trace: names, waits, signals, what each signal let start, failures. */
import { expect, it } from 'vitest';
import { tellStory } from '../../src/cli/demo_story.js';
import { createDevice, HalError, StatusCode } from '../../src/index.js';

it('tells submissions, completions, host signals, releases and a propagated failure in order', async () => {
  const device = await createDevice({ backend: 'sim', seed: 1, queueCount: 2, trace: true });
  const go = device.createSemaphore(0n, { label: 'go' });
  const mid = device.createSemaphore(0n, { label: 'mid' });
  const bad = device.createSemaphore(0n, { label: 'bad' });
  const lost = device.createSemaphore(0n, { label: 'lost' });
  device.queues[1]!.barrier({ waits: [{ semaphore: mid, value: 1n }], signals: [{ semaphore: mid, value: 2n }] });
  device.queues[0]!.barrier({ waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: mid, value: 1n }] });
  device.queues[0]!.barrier({ waits: [{ semaphore: bad, value: 1n }], signals: [{ semaphore: lost, value: 1n }] });
  go.signal(1n);
  await mid.wait(2n);
  bad.fail(new HalError(StatusCode.DATA_LOSS, 'tile lost'));
  await lost.wait(1n).catch(() => undefined);
  expect(tellStory(device.trace!.events, ['second', 'first', 'doomed'])).toEqual([
    '      0ns  queue 1: second submitted — waits for "mid" ≥ 1; will signal "mid" = 2',
    '      0ns  queue 0: first submitted — waits for "go" ≥ 1; will signal "mid" = 1',
    '      0ns  queue 0: doomed submitted — waits for "bad" ≥ 1; will signal "lost" = 1',
    '      0ns  the host signals "go" = 1',
    expect.stringMatching(/^ +\S+  queue 0: first done → "mid" = 1 → second may start$/),
    expect.stringMatching(/^ +\S+  queue 1: second done → "mid" = 2$/),
    expect.stringMatching(/^ +\S+  queue 0: doomed FAILED \(DATA_LOSS: tile lost\) → "lost" fails$/),
  ]);
  await device[Symbol.asyncDispose]();
});
