/**
 * Seeded random schedules driven through the recorder the way the scheduler would (wait-before-signal, several
 * queues, host signals and fails, failure propagation, host waits, stream ops), then checked end to end: the export
 * passes the schema and the importer's rules, every dependency and failure edge becomes exactly one bound arrow,
 * the file reads back to the same events, and the terminal rendering fits its width.
 */
import { describe, expect, test } from 'vitest';
import { HalError, StatusCode } from '../../src/core/errors.js';
import { serializeTrace } from '../../src/trace/chrome_trace.js';
import { bindFlows, chromeTraceSchema } from '../../src/trace/chrome_trace_schema.js';
import type { TraceEvent } from '../../src/trace/model.js';
import { buildTimeline } from '../../src/trace/timeline.js';
import { renderTimeline } from '../../src/trace/timeline_renderer.js';
import { parseTraceFile } from '../../src/trace/trace_file.js';
import { rig } from '../helpers/trace_scenarios.js';
import { seededRandom } from '../../src/util/seeded_random.js';

interface Sub {
  readonly key: object;
  readonly waits: { sem: number; value: bigint }[];
  readonly signals: { sem: number; value: bigint }[];
  state: 'pending' | 'running' | 'done';
}

function randomTrace(seed: number): TraceEvent[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const { recorder: r, clock, queue, stream, semaphore } = rig();
  const queues = [queue('queue0'), queue('queue1'), queue('queue2')];
  const streams = queues.map((_, i) => stream(`stream${i + 1}`));
  const sems = Array.from({ length: 4 }, (_, i) => ({ key: semaphore(`s${i}`), value: 0n, planned: 0n, failed: null as HalError | null }));
  const subs: Sub[] = [];
  const hostWaits: { key: object; sem: number; value: bigint }[] = [];
  let now = 0;
  const tick = () => clock.set((now += 1 + Math.floor(random() * 500)));

  const failSub = (sub: Sub, error: HalError, cause: number | undefined) => {
    sub.state = 'done';
    r.submissionFailed(sub.key, error, cause === undefined ? undefined : sems[cause]!.key);
    for (const signal of sub.signals) failSem(signal.sem, error, sub);
  };
  const failSem = (index: number, error: HalError, by: Sub | undefined) => {
    const sem = sems[index]!;
    if (sem.failed !== null) return;
    sem.failed = error;
    r.semaphoreFailed(sem.key, error, by?.key);
    for (const sub of subs) {
      if (sub.state === 'pending' && sub.waits.some((wait) => wait.sem === index && sem.value < wait.value)) failSub(sub, error, index);
    }
    for (const wait of [...hostWaits]) {
      if (wait.sem !== index) continue;
      hostWaits.splice(hostWaits.indexOf(wait), 1);
      r.hostWaitEnd(wait.key, 'failed', error);
    }
  };
  const advance = (index: number, value: bigint, by: Sub | undefined) => {
    const sem = sems[index]!;
    if (sem.failed !== null || value <= sem.value) return;
    sem.value = value;
    r.signaled(sem.key, value, by?.key);
    for (const wait of [...hostWaits]) {
      if (wait.sem !== index || sem.value < wait.value) continue;
      hostWaits.splice(hostWaits.indexOf(wait), 1);
      r.hostWaitEnd(wait.key, 'reached');
    }
  };
  const issueReady = () => {
    for (const sub of subs) {
      if (sub.state === 'pending' && sub.waits.every((wait) => sems[wait.sem]!.value >= wait.value)) {
        sub.state = 'running';
        r.issued(sub.key);
      }
    }
  };

  for (let step = 0; step < 120; step++) {
    tick();
    const roll = random();
    if (roll < 0.35) {
      const waits = Array.from({ length: Math.floor(random() * 3) }, () => {
        const sem = Math.floor(random() * sems.length);
        return { sem, value: sems[sem]!.value + BigInt(Math.floor(random() * 3)) + 1n };
      });
      const signals = Array.from({ length: Math.floor(random() * 3) }, () => {
        const sem = Math.floor(random() * sems.length);
        sems[sem]!.planned = (sems[sem]!.planned > sems[sem]!.value ? sems[sem]!.planned : sems[sem]!.value) + 1n;
        return { sem, value: sems[sem]!.planned };
      });
      const sub: Sub = { key: {}, waits, signals, state: 'pending' };
      subs.push(sub);
      r.submitted(sub.key, pick(queues), {
        op: pick(['execute', 'fill', 'copy']), label: `op${subs.length}`,
        waits: waits.map((wait) => ({ semaphore: sems[wait.sem]!.key, value: wait.value })),
        signals: signals.map((signal) => ({ semaphore: sems[signal.sem]!.key, value: signal.value })),
      });
      const failedWait = waits.find((wait) => sems[wait.sem]!.failed !== null);
      if (failedWait !== undefined) failSub(sub, sems[failedWait.sem]!.failed!, failedWait.sem);
      else issueReady();
    } else if (roll < 0.7) {
      const running = subs.filter((sub) => sub.state === 'running');
      if (running.length === 0) continue;
      const sub = pick(running);
      const start = BigInt(Math.max(0, now - 1 - Math.floor(random() * 400)));
      r.streamOp(pick(streams), { kind: 'kernel', name: `k${subs.indexOf(sub) + 1}`, start, end: BigInt(now), submission: sub.key });
      if (random() < 0.08) {
        failSub(sub, new HalError(StatusCode.ABORTED, `fault in op${subs.indexOf(sub) + 1}`), undefined);
      } else {
        sub.state = 'done';
        r.completed(sub.key);
        for (const signal of sub.signals) advance(signal.sem, signal.value, sub);
      }
      issueReady();
    } else if (roll < 0.85) {
      const index = Math.floor(random() * sems.length);
      advance(index, sems[index]!.value + 1n, undefined);
      issueReady();
    } else if (roll < 0.95) {
      const sem = Math.floor(random() * sems.length);
      if (sems[sem]!.failed !== null) continue;
      const wait = { key: {}, sem, value: sems[sem]!.value + 1n };
      hostWaits.push(wait);
      r.hostWaitBegin(wait.key, { mode: 'all', targets: [{ semaphore: sems[sem]!.key, value: wait.value }] });
    } else if (random() < 0.5) {
      failSem(Math.floor(random() * sems.length), new HalError(StatusCode.CANCELLED, 'host gave up'), undefined);
    }
  }
  return r.events;
}

describe('random schedules', () => {
  for (let seed = 1; seed <= 25; seed++) {
    test(`seed ${seed}`, () => {
      const events = randomTrace(seed);
      expect(randomTrace(seed)).toEqual(events); // the generator itself is deterministic
      const text = serializeTrace(events);
      const checked = chromeTraceSchema.safeParse(JSON.parse(text));
      if (!checked.success) throw new Error(checked.error.issues.slice(0, 5).map((issue) => issue.message).join('\n'));
      const flows = bindFlows(checked.data.traceEvents);
      const timeline = buildTimeline(events);
      // Every edge whose target has something to bind to (it ran, failed, or is a finished host wait) is one arrow.
      const anchored = (to: { submission: number } | { hostWait: number }) =>
        'submission' in to
          ? timeline.submissionById.get(to.submission)!.started !== null || timeline.submissionById.get(to.submission)!.outcome === 'failed'
          : timeline.hostWaits.find((wait) => wait.id === to.hostWait)!.end !== null;
      const dependencySources = (from: (typeof timeline.dependencies)[number]['from']) =>
        'submission' in from ? timeline.submissionById.get(from.submission)!.started !== null : true;
      expect(flows.filter((flow) => flow.cat === 'dependency')).toHaveLength(
        timeline.dependencies.filter((dep) => anchored(dep.to) && dependencySources(dep.from)).length,
      );
      expect(flows.filter((flow) => flow.cat === 'failure')).toHaveLength(timeline.failureEdges.filter((edge) => anchored(edge.to)).length);
      expect(parseTraceFile(text, `seed-${seed}.json`)).toEqual(events);
      for (const line of renderTimeline(events).split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(100);
    });
  }

  test('the schedules exercise what they claim to', () => {
    const kinds = new Set<string>();
    let released = 0;
    let propagated = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const events = randomTrace(seed);
      for (const event of events) kinds.add(event.kind);
      const timeline = buildTimeline(events);
      released += timeline.dependencies.length;
      propagated += timeline.failureEdges.length;
    }
    expect([...kinds].sort()).toEqual([
      'complete', 'device', 'host-wait', 'host-wait-end', 'issue', 'lane', 'op', 'semaphore', 'semaphore-failed', 'signal',
      'submission-failed', 'submit', 'wait-satisfied',
    ]);
    expect(released).toBeGreaterThan(50);
    expect(propagated).toBeGreaterThan(5);
  });
});
