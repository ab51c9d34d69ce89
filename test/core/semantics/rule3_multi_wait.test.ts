/**
 * DESIGN.md rule 3 — multi-wait: `all` or `any` over a list; an empty list resolves at once; `any` resolves when
 * one entry is reached and leaves the others untouched; a failed entry rejects.
 */
import { describe, expect, it } from 'vitest';
import { HalError, StatusCode } from '../../../src/index.js';
import { SEEDS, expectRejects, testDevice, track } from '../../helpers/device.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe.each(SEEDS)('rule 3: multi-wait (seed %i)', (seed) => {
  it('empty lists resolve at once in both modes, even as a poll', async () => {
    const device = await testDevice({ seed });
    await expect(device.waitSemaphores('all', [])).resolves.toBeUndefined();
    await expect(device.waitSemaphores('any', [])).resolves.toBeUndefined();
    await expect(device.waitSemaphores('any', [], { timeoutMs: 0 })).resolves.toBeUndefined();
  });

  it('all: resolves only once every entry is reached', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n);
    const b = device.createSemaphore(0n);
    const both = track(device.waitSemaphores('all', [{ semaphore: a, value: 1n }, { semaphore: b, value: 2n }]));
    a.signal(1n);
    await tick();
    expect(both.settled).toBe(false);
    b.signal(2n);
    await tick();
    expect(both.settled && both.error === undefined).toBe(true);
  });

  it('any: resolves when one entry is reached and leaves the others untouched', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n);
    const b = device.createSemaphore(0n);
    const either = track(device.waitSemaphores('any', [{ semaphore: a, value: 1n }, { semaphore: b, value: 1n }]));
    b.signal(1n);
    await tick();
    expect(either.settled && either.error === undefined).toBe(true);
    expect(a.query()).toBe(0n);
    expect(a.counts.hostWaiters).toBe(0); // its registration was withdrawn
    expect(b.query()).toBe(1n);
  });

  it('any resolves at once when one entry is already reached', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(3n);
    const b = device.createSemaphore(0n);
    await expect(device.waitSemaphores('any', [{ semaphore: b, value: 1n }, { semaphore: a, value: 3n }], { timeoutMs: 0 })).resolves.toBeUndefined();
    expect(b.counts.hostWaiters).toBe(0);
  });

  it('multi-wait where one entry fails: rejects with that failure; the other semaphore is untouched', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n);
    const b = device.createSemaphore(0n);
    const all = device.waitSemaphores('all', [{ semaphore: a, value: 1n }, { semaphore: b, value: 1n }]);
    const any = device.waitSemaphores('any', [{ semaphore: a, value: 1n }, { semaphore: b, value: 1n }]);
    a.fail(new HalError(StatusCode.OUT_OF_RANGE, 'index 9 past the end'));
    await expectRejects(all, StatusCode.OUT_OF_RANGE, 'index 9 past the end');
    await expectRejects(any, StatusCode.OUT_OF_RANGE, 'index 9 past the end');
    expect(b.query()).toBe(0n);
    expect(b.counts.hostWaiters).toBe(0);
    b.signal(1n);
    expect(b.query()).toBe(1n);
  });

  it('timeouts: poll and finite timeouts reject with DEADLINE_EXCEEDED naming every entry', async () => {
    const device = await testDevice({ seed });
    const a = device.createSemaphore(0n, { label: 'alpha' });
    const b = device.createSemaphore(1n, { label: 'beta' });
    const list = [{ semaphore: a, value: 1n }, { semaphore: b, value: 2n }];
    await expectRejects(device.waitSemaphores('any', list, { timeoutMs: 0 }), StatusCode.DEADLINE_EXCEEDED, 'alpha ≥ 1n', 'beta ≥ 2n');
    await expectRejects(device.waitSemaphores('all', list, { timeoutMs: 3 }), StatusCode.DEADLINE_EXCEEDED, 'timed out after 3 ms');
    expect(a.counts.hostWaiters + b.counts.hostWaiters).toBe(0);
    expect([a.query(), b.query()]).toEqual([0n, 1n]);
  });

  it('bad input is INVALID_ARGUMENT naming the field and value', async () => {
    const device = await testDevice({ seed });
    const other = await testDevice({ seed });
    const a = device.createSemaphore(0n);
    await expectRejects(device.waitSemaphores('some' as 'all', []), StatusCode.INVALID_ARGUMENT, 'mode', '"some"');
    await expectRejects(device.waitSemaphores('all', {} as never), StatusCode.INVALID_ARGUMENT, 'list', 'array');
    await expectRejects(device.waitSemaphores('all', [{ semaphore: a, value: 1 as unknown as bigint }]), StatusCode.INVALID_ARGUMENT, 'list[0].value', 'got 1');
    await expectRejects(device.waitSemaphores('all', [{ semaphore: {} as never, value: 1n }]), StatusCode.INVALID_ARGUMENT, 'list[0].semaphore');
    await expectRejects(
      device.waitSemaphores('all', [{ semaphore: other.createSemaphore(0n), value: 1n }]),
      StatusCode.INVALID_ARGUMENT,
      'another device',
    );
    await expectRejects(device.waitSemaphores('all', [], { timeoutMs: -3 }), StatusCode.INVALID_ARGUMENT, 'timeoutMs', '-3');
    expect(a.counts.hostWaiters).toBe(0);
  });
});
