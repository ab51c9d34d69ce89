import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { serializeChromeTrace, toChromeTrace, serializeTrace } from '../../src/trace/chrome_trace.js';
import { bindFlows, chromeTraceSchema, type CheckedChromeEvent } from '../../src/trace/chrome_trace_schema.js';
import { crossQueueWait, failurePropagation, fanOut, rig, SCENARIOS } from '../helpers/trace_scenarios.js';

const checked = (events: ReturnType<typeof crossQueueWait>): CheckedChromeEvent[] => {
  const result = chromeTraceSchema.safeParse(JSON.parse(serializeTrace(events)));
  if (!result.success) throw new Error(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'));
  return result.data.traceEvents;
};

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), 'golden');

describe('Chrome trace export (golden bytes)', () => {
  // Pins the exact bytes: a change to the export format shows up as a reviewable diff
  // (UPDATE_GOLDEN=1 npx vitest run test/trace rewrites them).
  for (const [name, build] of Object.entries(SCENARIOS)) {
    test(name, () => {
      const text = serializeTrace(build());
      const file = join(goldenDir, `${name}.json`);
      if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }
});

describe('Chrome trace export', () => {
  for (const [name, build] of Object.entries(SCENARIOS)) {
    test(`${name}: passes the Trace Event schema and the importer's nesting and flow rules`, () => {
      expect(checked(build()).length).toBeGreaterThan(0);
    });
  }

  test('same input, same bytes; and two recordings of the same run are byte-identical', () => {
    const events = fanOut();
    expect(serializeTrace(events)).toBe(serializeTrace(events));
    expect(serializeTrace(fanOut())).toBe(serializeTrace(fanOut()));
    expect(serializeTrace(failurePropagation())).toBe(serializeTrace(failurePropagation()));
  });

  test('one process per device, named tracks per queue, stream and host, in order', () => {
    const events = checked(crossQueueWait());
    const threads = events.filter((event) => event.ph === 'M' && event.name === 'thread_name').map((event) => (event.args as { name: string }).name);
    expect(threads).toEqual(['queue0', 'queue1', 'stream1', 'stream2', 'host']);
    const processes = events.filter((event) => event.ph === 'M' && event.name === 'process_name');
    expect(processes).toEqual([{ name: 'process_name', ph: 'M', pid: 1, args: { name: 'gpuhal simulated GPU (sim, virtual clock)' } }]);
  });

  test('work is complete events in microseconds from the start of the trace; waiting is an async slice', () => {
    const events = checked(crossQueueWait());
    const slice = (name: string) => events.find((event) => event.ph === 'X' && event.name === name) as { ts: number; dur: number; cat: string };
    expect(slice('fill A')).toMatchObject({ ts: 1, dur: 12, cat: 'submission' });
    expect(slice('copy A→B')).toMatchObject({ ts: 13, dur: 27, cat: 'submission' });
    expect(slice('memcpy 4096B')).toMatchObject({ ts: 13, dur: 27, cat: 'copy' });
    const waiting = events.filter((event) => 'cat' in event && event.cat === 'waiting');
    expect(waiting.map((event) => [event.ph, event.name, (event as { ts: number }).ts, (event as { id: number }).id])).toEqual([
      ['b', 'waiting on queue1', 0, 1],
      ['e', 'waiting on queue1', 13, 1],
    ]);
    expect((waiting[0] as { args?: unknown }).args).toMatchObject({ label: 'copy A→B', waits: 'filled ≥ 1' });
  });

  test('many submissions waiting at once do not multiply the queue tracks', () => {
    const { recorder: r, clock, queue, semaphore } = rig();
    const q = queue('queue0');
    const sem = semaphore('chain');
    const subs = Array.from({ length: 50 }, () => ({}));
    for (let i = subs.length - 1; i >= 0; i--) {
      r.submitted(subs[i]!, q, { op: 'execute', label: `step ${i}`, waits: i === 0 ? [] : [{ semaphore: sem, value: BigInt(i) }], signals: [{ semaphore: sem, value: BigInt(i + 1) }] });
    }
    subs.forEach((sub, i) => {
      r.issued(sub);
      clock.set((i + 1) * 100);
      r.completed(sub);
      r.signaled(sem, BigInt(i + 1), sub);
    });
    const events = checked(r.events);
    expect(events.filter((event) => event.ph === 'M' && event.name === 'thread_name')).toHaveLength(1);
    expect(events.filter((event) => event.ph === 'b')).toHaveLength(49);
    expect(bindFlows(events)).toHaveLength(49);
  });

  test('a counter per semaphore with its value over time', () => {
    const events = checked(fanOut());
    const done = events.filter((event) => event.ph === 'C' && event.name === 'done').map((event) => [(event as { ts: number }).ts, ((event as { args?: unknown }).args as { value: number }).value]);
    expect(done).toEqual([[0, 0], [45, 1], [60, 2], [80, 3]]);
  });

  test('flow arrows go from each signal to every wait it released (fan-out), host signals included', () => {
    const events = checked(fanOut());
    const lane = trackNames(events);
    expect(bindFlows(events).map(({ cat, from, to, fromTrack, toTrack }) => `${cat}: ${from} (${lane(fromTrack)}) → ${to} (${lane(toTrack)})`)).toEqual([
      'dependency: host signal go = 1 (host) → go ≥ 1 reached (queue0)',
      'dependency: signal produced = 1 (queue0) → produced ≥ 1 reached (queue1)',
      'dependency: signal produced = 1 (queue0) → produced ≥ 1 reached (queue2)',
      'dependency: signal produced = 1 (queue0) → produced ≥ 1 reached (queue3)',
    ]);
  });

  test('a cross-queue wait and a host wait each get their arrow', () => {
    const events = checked(crossQueueWait());
    const lane = trackNames(events);
    expect(bindFlows(events).map(({ from, to, name, fromTrack, toTrack }) => `${name}: ${from} (${lane(fromTrack)}) → ${to} (${lane(toTrack)})`)).toEqual([
      'filled ≥ 1: signal filled = 1 (queue0) → filled ≥ 1 reached (queue1)',
      'copied ≥ 1: signal copied = 1 (queue1) → host woke (reached) (host)',
    ]);
    // The arrow's ends sit where the work ends and begins: fill A ends at 13µs, copy starts at 13µs.
    const at = (name: string) => (events.find((event) => event.name === name && event.ph === 'i') as { ts: number }).ts;
    expect([at('signal filled = 1'), at('filled ≥ 1 reached')]).toEqual([13, 13]);
  });

  test('failures are instant markers, and arrows follow the failure from semaphore to submission to semaphore', () => {
    const events = checked(failurePropagation());
    const markers = events.filter((event) => event.ph === 'i' && event.cat === 'failure').map((event) => event.name);
    expect(markers).toEqual(['FAILED ABORTED: kernel X', 'host fail input', 'FAILED CANCELLED: transform', 'FAILED CANCELLED: reduce']);
    const failureFlows = bindFlows(events).filter((flow) => flow.cat === 'failure');
    expect(failureFlows.map(({ from, to }) => `${from} → ${to}`)).toEqual([
      'FAILED ABORTED: kernel X → host woke (failed)',
      'host fail input → FAILED CANCELLED: transform',
      'FAILED CANCELLED: transform → FAILED CANCELLED: reduce',
    ]);
  });

  test('overlapping work on one queue is split over extra tracks so slices nest properly', () => {
    const { recorder: r, clock, queue } = rig();
    const q = queue('queue0');
    const a = { label: 'a' };
    const b = { label: 'b' };
    r.submitted(a, q, { op: 'execute', waits: [], signals: [] });
    r.issued(a);
    clock.set(100);
    r.submitted(b, q, { op: 'execute', label: 'b', waits: [], signals: [] });
    r.issued(b);
    clock.set(200);
    r.completed(a);
    clock.set(300);
    r.completed(b);
    const events = checked(r.events);
    const threads = events.filter((event) => event.ph === 'M' && event.name === 'thread_name').map((event) => (event.args as { name: string }).name);
    expect(threads).toEqual(['queue0', 'queue0 (2)']);
    const tidOf = (name: string) => (events.find((event) => event.ph === 'X' && event.name === name) as { tid: number }).tid;
    expect(tidOf('execute')).not.toBe(tidOf('b'));
  });

  test('the model is embedded; without it the file is plain Chrome JSON', () => {
    const events = crossQueueWait();
    expect(toChromeTrace(events).gpuhal?.events.length).toBe(events.length);
    const plain = serializeChromeTrace(toChromeTrace(events, { embedModel: false }));
    expect(JSON.parse(plain)).not.toHaveProperty('gpuhal');
    expect(chromeTraceSchema.safeParse(JSON.parse(plain)).success).toBe(true);
  });
});

/** "pid:tid" → the track's thread name. */
function trackNames(events: readonly CheckedChromeEvent[]): (track: string) => string {
  const names = new Map<string, string>();
  for (const event of events) {
    if (event.ph === 'M' && event.name === 'thread_name') names.set(`${event.pid}:${event.tid}`, event.args.name);
  }
  return (track) => names.get(track) ?? track;
}

describe('the Trace Event schema rejects what Perfetto would drop or misdraw', () => {
  const base = [
    { name: 'thread_name', ph: 'M', pid: 1, tid: 1001, args: { name: 'queue0' } },
    { name: 'a', ph: 'X', ts: 0, dur: 10, pid: 1, tid: 1001 },
  ];
  const issues = (traceEvents: unknown[]): string[] => {
    const result = chromeTraceSchema.safeParse({ traceEvents });
    return result.success ? [] : result.error.issues.map((issue) => issue.message);
  };

  test('a well-formed minimal trace passes', () => {
    expect(issues(base)).toEqual([]);
  });

  test('missing ts, negative dur, unknown phase', () => {
    expect(issues([{ name: 'a', ph: 'X', dur: 1, pid: 1, tid: 1 }]).length).toBeGreaterThan(0);
    expect(issues([{ name: 'a', ph: 'X', ts: 0, dur: -1, pid: 1, tid: 1 }]).length).toBeGreaterThan(0);
    expect(issues([{ name: 'a', ph: 'Q', ts: 0, pid: 1, tid: 1 }]).length).toBeGreaterThan(0);
  });

  test('slices that overlap without nesting on one track', () => {
    expect(issues([...base, { name: 'b', ph: 'X', ts: 5, dur: 10, pid: 1, tid: 1001 }])).toEqual([
      'slice "b" on track 1:1001 overlaps "a" without nesting in it',
    ]);
  });

  test('a flow with no end, an end before its start, and a flow with no slice to bind to', () => {
    expect(issues([...base, { name: 'f', cat: 'dependency', ph: 's', id: 1, ts: 0, pid: 1, tid: 1001 }])).toEqual([
      'flow "f" (id 1) has a start but no end',
    ]);
    expect(issues([...base, { name: 'f', cat: 'dependency', ph: 'f', bp: 'e', id: 1, ts: 0, pid: 1, tid: 1001 }])).toEqual([
      'flow end "f" (id 1) comes before its start, or has none',
    ]);
    expect(issues([...base, { name: 'f', cat: 'dependency', ph: 's', id: 1, ts: 20, pid: 1, tid: 1001 }])[0]).toMatch(/no open slice to bind to/);
  });

  test("flows bind the way Perfetto processes ties: complete events with a duration first, then file order", () => {
    // In file order the flow follows the slice, but Perfetto takes 'X' events of one timestamp first, so the
    // instant written before the slice is on top of the track when the flow is processed.
    const flows = bindFlows([
      { name: 'instant', ph: 'i', s: 't', ts: 5, pid: 1, tid: 1001 },
      { name: 'work', ph: 'X', ts: 5, dur: 10, pid: 1, tid: 1001 },
      { name: 'f', cat: 'dependency', ph: 's', id: 1, ts: 5, pid: 1, tid: 1001 },
      { name: 'other', ph: 'X', ts: 6, dur: 1, pid: 1, tid: 1002 },
      { name: 'f', cat: 'dependency', ph: 'f', bp: 'e', id: 1, ts: 6, pid: 1, tid: 1002 },
    ]);
    expect(flows.map(({ from, to }) => `${from} → ${to}`)).toEqual(['instant → other']);
  });

  test('a counter without a numeric value', () => {
    expect(issues([{ name: 'sem', ph: 'C', ts: 0, pid: 1, args: {} }]).length).toBeGreaterThan(0);
    expect(issues([{ name: 'sem', ph: 'C', ts: 0, pid: 1, args: { value: 'x' } }]).length).toBeGreaterThan(0);
  });
});

describe('more than one device, and payloads beyond 2^53', () => {
  test('each device is its own process with its own lanes', () => {
    const { recorder: r, queue } = rig('GPU A');
    const other = { label: 'other' };
    r.declareDevice(other, { name: 'GPU B', platform: 'sim', clock: 'virtual' });
    queue('queue0');
    r.declareQueue({ label: 'b0' }, other, 'queue0');
    const events = checked(r.events);
    const processes = events.filter((event) => event.ph === 'M' && event.name === 'process_name').map((event) => [event.pid, (event.args as { name: string }).name]);
    expect(processes).toEqual([[1, 'GPU A (sim, virtual clock)'], [2, 'GPU B (sim, virtual clock)']]);
    const threads = events.filter((event) => event.ph === 'M' && event.name === 'thread_name').map((event) => [event.pid, (event as { tid: number }).tid]);
    expect(threads).toEqual([[1, 1001], [2, 2001]]);
  });

  test('u64 payloads stay exact in text; counters carry the nearest double', () => {
    const { recorder: r, semaphore } = rig();
    const big = (1n << 64n) - 1n;
    const sem = semaphore('big', big - 1n);
    r.signaled(sem, big);
    const text = serializeTrace(r.events);
    expect(text).toContain(`"value":"${big}"`); // the embedded model
    const counters = checked(r.events).filter((event) => event.ph === 'C').map((event) => (event.args as { value: number }).value);
    expect(counters).toEqual([Number(big - 1n), Number(big)]);
  });
});
