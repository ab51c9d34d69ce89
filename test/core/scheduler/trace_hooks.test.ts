/**
 * The scheduling stack's trace hooks (docs/trace-format.md): a device created with `trace: true` records its
 * queues, semaphores, submissions (submit → issue → complete / failed), signals with the submission that made them,
 * failures with their cause, and host waits; a device without it records nothing.
 */
import { describe, expect, it } from 'vitest';
import type { SimDriver } from '../../../src/backends/sim/index.js';
import { HalError, StatusCode, trace as traces } from '../../../src/index.js';
import { expectRejects, simOnly, testDevice } from '../../helpers/device.js';

type Event = { kind: string; [key: string]: unknown };

describe('trace hooks', () => {
  it('records wait-before-signal across queues, failure propagation and host waits', async () => {
    const device = await testDevice({ seed: 4, queueCount: 2, trace: true });
    const trace = device.trace!;
    const gate = device.createSemaphore(0n, { label: 'gate' });
    const mid = device.createSemaphore(0n, { label: 'mid' });
    const bad = device.createSemaphore(0n, { label: 'bad' });
    const out = device.createSemaphore(0n, { label: 'out' });
    device.queues[1]!.barrier({ waits: [{ semaphore: mid, value: 1n }], signals: [{ semaphore: mid, value: 2n }] });
    device.queues[0]!.barrier({ waits: [{ semaphore: gate, value: 1n }], signals: [{ semaphore: mid, value: 1n }] });
    device.queue.barrier({ waits: [{ semaphore: bad, value: 1n }], signals: [{ semaphore: out, value: 1n }] });
    const waited = mid.wait(2n);
    gate.signal(1n);
    await waited;
    bad.fail(new HalError(StatusCode.DATA_LOSS, 'lost tile'));
    await expectRejects(out.wait(1n), StatusCode.DATA_LOSS);

    const events = trace.events as unknown as readonly Event[];
    const kinds = (kind: string) => events.filter((e) => e.kind === kind);
    expect(kinds('device')).toHaveLength(1);
    expect(kinds('lane').filter((e) => e.laneKind === 'queue').map((e) => e.name)).toEqual(['queue0', 'queue1']);
    expect(kinds('semaphore').map((e) => e.name)).toEqual(['gate', 'mid', 'bad', 'out']);
    expect(kinds('submit')).toHaveLength(3);
    expect(kinds('issue')).toHaveLength(2);
    expect(kinds('complete')).toHaveLength(2);
    // Device signals name the submission that made them; the host's name none.
    const signals = kinds('signal');
    expect(signals.map((e) => [e.value, e.submission === null])).toEqual([[1n, true], [1n, false], [2n, false]]);
    const failed = kinds('submission-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.cause).toEqual({ semaphore: 3 }); // the wait on 'bad'
    expect(kinds('semaphore-failed')).toHaveLength(2); // 'bad' by the host, 'out' by the failed submission
    expect(kinds('host-wait')).toHaveLength(2);
    expect(kinds('host-wait-end').map((e) => e.outcome)).toEqual(['reached', 'failed']);
    // Every signal is recorded before anything it released was issued.
    const seqOf = (e: Event) => e.seq as number;
    const firstSignalOfMid = signals[1]!;
    const issueOfConsumer = kinds('issue')[1]!;
    expect(seqOf(firstSignalOfMid)).toBeLessThan(seqOf(kinds('complete')[1]!));
    expect(seqOf(issueOfConsumer)).toBeGreaterThan(seqOf(signals[0]!));
  });

  simOnly.it('a recording with the simulator\'s device-side ops exports to a trace file and reads back', async () => {
    const device = await testDevice({ seed: 2, queueCount: 2, trace: true, label: 'exported' });
    const s = device.createSemaphore(0n);
    const buffer = device.createBuffer({ byteLength: 1024 });
    device.queues[1]!.copy({ source: buffer, target: buffer, sourceOffset: 0, targetOffset: 512, length: 512, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
    device.queues[0]!.fill({ buffer, pattern: 7, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
    await s.wait(2n);
    traces.importDriverLog(device.trace!, device, (device.driver as SimDriver).eventLog());
    const events = device.trace!.events;
    expect(events.some((e) => e.kind === 'op')).toBe(true);
    const text = traces.serializeTrace(events);
    expect(traces.parseTraceFile(text)).toEqual(events);
    expect(traces.renderTimeline(events, { width: 80 })).toContain('queue1');
  });

  it('is off by default', async () => {
    const device = await testDevice({ seed: 4 });
    expect(device.trace).toBeUndefined();
  });

  simOnly.it('the same seed records the same trace', async () => {
    const run = async () => {
      const device = await testDevice({ seed: 11, queueCount: 2, trace: true, label: 'traced' });
      const s = device.createSemaphore(0n);
      const buffer = device.createBuffer({ byteLength: 4096 });
      device.queues[1]!.fill({ buffer, pattern: 1, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
      device.queues[0]!.fill({ buffer, pattern: 2, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
      await s.wait(2n, { timeoutMs: 1000 });
      return JSON.stringify(device.trace!.events, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    };
    expect(await run()).toBe(await run());
  });
});
