import { describe, expect, test } from 'vitest';
import { HalError, StatusCode } from '../../src/core/errors.js';
import type { TraceRecorder } from '../../src/trace/hooks.js';
import { MemoryTraceRecorder } from '../../src/trace/recorder.js';
import { buildTimeline } from '../../src/trace/timeline.js';
import { ofKind } from '../helpers/trace_events.js';
import { rig } from '../helpers/trace_scenarios.js';


describe('MemoryTraceRecorder', () => {
  test('ids come from first use, not from object identity or global counters', () => {
    const a = rig();
    const b = rig();
    a.semaphore('x');
    b.semaphore('x');
    const qa = a.queue('q');
    const qb = b.queue('q');
    a.recorder.submitted({}, qa, { op: 'fill', waits: [], signals: [] });
    b.recorder.submitted({}, qb, { op: 'fill', waits: [], signals: [] });
    expect(a.recorder.events).toEqual(b.recorder.events);
    expect(ofKind(a.recorder.events, 'submit')[0]).toMatchObject({ submission: 1, lane: 1, label: 'fill' });
  });

  test('every event is stamped with the supplied clock and a seq equal to its index', () => {
    const { recorder, clock, semaphore } = rig();
    const sem = semaphore('s');
    clock.set(7_500);
    recorder.signaled(sem, 4n);
    recorder.events.forEach((event, index) => expect(event.seq).toBe(index));
    expect(ofKind(recorder.events, 'signal')[0]).toMatchObject({ ts: 7_500n, value: 4n, submission: null });
  });

  test('wait-before-signal: the wait is satisfied by the first signal that reaches it, and says which', () => {
    const { recorder: r, clock, queue, semaphore } = rig();
    const q = queue('q');
    const sem = semaphore('s');
    const waiter = {};
    r.submitted(waiter, q, { op: 'execute', waits: [{ semaphore: sem, value: 3n }], signals: [] });
    clock.set(10);
    r.signaled(sem, 2n);
    expect(ofKind(r.events, 'wait-satisfied')).toEqual([]);
    clock.set(20);
    r.signaled(sem, 5n);
    const signal = ofKind(r.events, 'signal')[1]!;
    expect(ofKind(r.events, 'wait-satisfied')).toEqual([
      { kind: 'wait-satisfied', submission: 1, semaphore: 1, value: 3n, signal: signal.seq, seq: signal.seq + 1, ts: 20n },
    ]);
  });

  test('a wait already reached at submit names the signal that reached it, or null for the initial value', () => {
    const { recorder: r, queue, semaphore } = rig();
    const q = queue('q');
    const started = semaphore('started', 2n);
    const sem = semaphore('s');
    r.signaled(sem, 1n);
    r.signaled(sem, 4n);
    const signals = ofKind(r.events, 'signal');
    r.submitted({}, q, { op: 'execute', waits: [{ semaphore: sem, value: 2n }, { semaphore: sem, value: 1n }, { semaphore: started, value: 2n }], signals: [] });
    expect(ofKind(r.events, 'wait-satisfied').map((event) => event.signal)).toEqual([signals[1]!.seq, signals[0]!.seq, null]);
  });

  test('IREE-style parallel lists are accepted as well as pairs', () => {
    const { recorder: r, queue, semaphore } = rig();
    const a = semaphore('a');
    const b = semaphore('b');
    r.submitted({}, queue('q'), { op: 'execute', waits: { semaphores: [a, b], values: [1n, 2n] }, signals: [{ semaphore: b, value: 3n }] });
    expect(ofKind(r.events, 'submit')[0]).toMatchObject({ waits: [{ semaphore: 1, value: 1n }, { semaphore: 2, value: 2n }], signals: [{ semaphore: 2, value: 3n }] });
  });

  test('signals that do not raise the value are not value changes', () => {
    const { recorder: r, semaphore } = rig();
    const sem = semaphore('s', 5n);
    r.signaled(sem, 5n);
    r.signaled(sem, 3n);
    expect(ofKind(r.events, 'signal')).toEqual([]);
  });

  test('a submission failed by a failed wait names that semaphore even when the caller does not', () => {
    const { recorder: r, queue, semaphore } = rig();
    const ok = semaphore('ok');
    const bad = semaphore('bad');
    const sub = {};
    r.submitted(sub, queue('q'), { op: 'execute', waits: [{ semaphore: ok, value: 1n }, { semaphore: bad, value: 1n }], signals: [] });
    const error = new HalError(StatusCode.ABORTED, 'upstream fault');
    r.semaphoreFailed(bad, error);
    r.submissionFailed(sub, error);
    expect(ofKind(r.events, 'submission-failed')[0]).toMatchObject({ error: { code: 'ABORTED', message: 'upstream fault' }, cause: { semaphore: 2 } });
    // Its pending wait on `ok` is dropped: a later signal releases nothing.
    r.signaled(ok, 1n);
    expect(ofKind(r.events, 'wait-satisfied')).toEqual([]);
  });

  test('a fault while running has no cause; non-HalErrors are recorded as UNKNOWN', () => {
    const { recorder: r, queue } = rig();
    const sub = {};
    r.submitted(sub, queue('q'), { op: 'execute', waits: [], signals: [] });
    r.submissionFailed(sub, new Error('boom'));
    expect(ofKind(r.events, 'submission-failed')[0]).toMatchObject({ error: { code: 'UNKNOWN', message: 'boom' }, cause: null });
  });

  test('objects used before declaration are declared on the fly from their label', () => {
    const { recorder: r } = rig();
    r.submitted({}, { label: 'late queue' }, { op: 'fill', waits: [{ semaphore: { label: 'late sem' }, value: 1n }], signals: [] });
    expect(ofKind(r.events, 'lane')[0]).toMatchObject({ name: 'late queue', laneKind: 'queue', device: 1 });
    expect(ofKind(r.events, 'semaphore')[0]).toMatchObject({ name: 'late sem', initial: 0n });
  });

  test('lifecycle calls for submissions it never saw are ignored; their signals are kept without a source', () => {
    const { recorder: r, semaphore } = rig();
    const sem = semaphore('s');
    const before = r.events.length;
    const stranger = {};
    r.issued(stranger);
    r.completed(stranger);
    r.submissionFailed(stranger, new Error('x'));
    expect(r.events.length).toBe(before);
    r.signaled(sem, 1n, stranger);
    expect(ofKind(r.events, 'signal')[0]).toMatchObject({ submission: null });
  });

  test('subscribe sees each event as it is recorded, until unsubscribed', () => {
    const { recorder: r, semaphore } = rig();
    const seen: string[] = [];
    const unsubscribe = r.subscribe((event) => seen.push(event.kind));
    const sem = semaphore('s');
    r.signaled(sem, 1n);
    unsubscribe();
    r.signaled(sem, 2n);
    expect(seen).toEqual(['semaphore', 'lane', 'signal']);
  });

  test('the nullable hook pattern evaluates nothing when tracing is off', () => {
    let built = 0;
    const info = () => {
      built++;
      return { op: 'fill', waits: [], signals: [] };
    };
    const off: TraceRecorder | undefined = undefined as TraceRecorder | undefined;
    off?.submitted({}, {}, info());
    expect(built).toBe(0);
    const on: TraceRecorder | undefined = new MemoryTraceRecorder(() => 0n);
    on?.submitted({}, {}, info());
    expect(built).toBe(1);
  });
});

describe('buildTimeline', () => {
  test('a submission starts when it is issued and every wait is reached, whichever is later', () => {
    const { recorder: r, clock, queue, semaphore } = rig();
    const sem = semaphore('s');
    const sub = {};
    r.submitted(sub, queue('q'), { op: 'execute', waits: [{ semaphore: sem, value: 1n }], signals: [] });
    clock.set(100);
    r.issued(sub); // issued early: the device-side wait is still outstanding (as on hip)
    clock.set(300);
    r.signaled(sem, 1n);
    clock.set(500);
    r.completed(sub);
    const [timelineSub] = buildTimeline(r.events).submissions;
    expect(timelineSub).toMatchObject({ enqueued: 0n, issued: 100n, started: 300n, ended: 500n, outcome: 'completed' });
  });

  test('a host wait of mode any is released by the earliest of its targets', () => {
    const { recorder: r, clock, semaphore } = rig();
    const a = semaphore('a');
    const b = semaphore('b');
    const wait = {};
    r.hostWaitBegin(wait, { mode: 'any', targets: [{ semaphore: a, value: 1n }, { semaphore: b, value: 1n }] });
    clock.set(10);
    r.signaled(b, 1n);
    r.hostWaitEnd(wait, 'reached');
    clock.set(20);
    r.signaled(a, 1n);
    const timeline = buildTimeline(r.events);
    expect(timeline.dependencies).toHaveLength(1);
    expect(timeline.dependencies[0]).toMatchObject({ semaphore: 2, ts: 10n, to: { hostWait: 1 } });
  });

  test('pending work extends to the end of the trace', () => {
    const { recorder: r, clock, queue } = rig();
    const sub = {};
    r.submitted(sub, queue('q'), { op: 'execute', waits: [], signals: [] });
    r.issued(sub);
    clock.set(900);
    r.signaled({ label: 'other' }, 1n);
    const timeline = buildTimeline(r.events);
    expect(timeline.submissions[0]).toMatchObject({ started: 0n, ended: null, outcome: 'pending' });
    expect(timeline.end).toBe(900n);
  });
});

describe('larger traces', () => {
  test('a 3000-long chain submitted in reverse (wait-before-signal) records every release once, in order', () => {
    const { recorder: r, clock, queue, semaphore } = rig();
    const q = queue('q');
    const sem = semaphore('chain');
    const n = 3000;
    const subs = Array.from({ length: n }, () => ({}));
    for (let i = n - 1; i >= 0; i--) {
      r.submitted(subs[i]!, q, { op: 'execute', waits: i === 0 ? [] : [{ semaphore: sem, value: BigInt(i) }], signals: [{ semaphore: sem, value: BigInt(i + 1) }] });
    }
    subs.forEach((sub, i) => {
      clock.set((i + 1) * 10);
      r.issued(sub);
      r.completed(sub);
      r.signaled(sem, BigInt(i + 1), sub);
    });
    const released = ofKind(r.events, 'wait-satisfied');
    expect(released).toHaveLength(n - 1);
    expect(released.map((event) => event.value)).toEqual(Array.from({ length: n - 1 }, (_, i) => BigInt(i + 1)));
    const timeline = buildTimeline(r.events);
    expect(timeline.dependencies).toHaveLength(n - 1);
    expect(timeline.submissions.every((sub) => sub.outcome === 'completed')).toBe(true);
  });
});
