/**
 * Hand-built traces for the trace tests: each scenario drives a real MemoryTraceRecorder through the same calls the
 * core and the simulator make, with a manual clock, so the event lists are exactly what recording produces.
 * Objects stand in for core objects (a queue, a semaphore, a submission are plain labelled objects here).
 */
import { HalError, StatusCode } from '../../src/core/errors.js';
import { MemoryTraceRecorder } from '../../src/trace/recorder.js';
import type { TraceEvent } from '../../src/trace/model.js';

export class ManualClock {
  now = 0n;
  readonly read = (): bigint => this.now;
  set(ns: number): void {
    this.now = BigInt(ns);
  }
}

interface Labelled {
  readonly label: string;
}
const obj = (label: string): Labelled => ({ label });

export interface Rig {
  readonly recorder: MemoryTraceRecorder;
  readonly clock: ManualClock;
  readonly device: Labelled;
  queue(name: string): Labelled;
  stream(name: string): Labelled;
  semaphore(name: string, initial?: bigint): Labelled;
}

export function rig(deviceName = 'gpuhal simulated GPU'): Rig {
  const clock = new ManualClock();
  const recorder = new MemoryTraceRecorder(clock.read);
  const device = obj('device');
  recorder.declareDevice(device, { name: deviceName, platform: 'sim', clock: 'virtual' });
  return {
    recorder,
    clock,
    device,
    queue(name) {
      const queue = obj(name);
      recorder.declareQueue(queue, device, name);
      return queue;
    },
    stream(name) {
      const stream = obj(name);
      recorder.declareStream(stream, device, name);
      return stream;
    },
    semaphore(name, initial = 0n) {
      const semaphore = obj(name);
      recorder.declareSemaphore(semaphore, device, name, initial);
      return semaphore;
    },
  };
}

/** Queue 0 fills, queue 1 copies after it (submitted first: wait-before-signal), the host waits for the copy. */
export function crossQueueWait(): TraceEvent[] {
  const { recorder: r, clock, queue, stream, semaphore } = rig();
  const q0 = queue('queue0');
  const q1 = queue('queue1');
  const s0 = stream('stream1');
  const s1 = stream('stream2');
  const filled = semaphore('filled');
  const copied = semaphore('copied');
  const copy = obj('copy');
  const fill = obj('fill');
  const hostWait = obj('host wait');

  clock.set(0);
  r.submitted(copy, q1, { op: 'copy', label: 'copy A→B', waits: [{ semaphore: filled, value: 1n }], signals: [{ semaphore: copied, value: 1n }] });
  clock.set(1_000);
  r.submitted(fill, q0, { op: 'fill', label: 'fill A', waits: [], signals: [{ semaphore: filled, value: 1n }] });
  r.issued(fill);
  r.hostWaitBegin(hostWait, { mode: 'all', targets: [{ semaphore: copied, value: 1n }] });
  clock.set(13_000);
  r.streamOp(s0, { kind: 'fill', name: 'memset 4096B', start: 1_000n, end: 13_000n, submission: fill });
  r.completed(fill);
  r.signaled(filled, 1n, fill);
  r.issued(copy);
  clock.set(40_000);
  r.streamOp(s1, { kind: 'copy', name: 'memcpy 4096B', start: 13_000n, end: 40_000n, submission: copy });
  r.completed(copy);
  r.signaled(copied, 1n, copy);
  r.hostWaitEnd(hostWait, 'reached');
  return r.events;
}

/** The host releases one producer; its single signal releases three consumers on three queues at once. */
export function fanOut(): TraceEvent[] {
  const { recorder: r, clock, queue, semaphore } = rig();
  const queues = [queue('queue0'), queue('queue1'), queue('queue2'), queue('queue3')];
  const go = semaphore('go');
  const produced = semaphore('produced');
  const done = semaphore('done');
  const producer = obj('producer');
  const consumers = [obj('c1'), obj('c2'), obj('c3')];

  clock.set(0);
  r.submitted(producer, queues[0]!, { op: 'execute', label: 'produce', waits: [{ semaphore: go, value: 1n }], signals: [{ semaphore: produced, value: 1n }] });
  consumers.forEach((consumer, i) => {
    r.submitted(consumer, queues[i + 1]!, {
      op: 'execute', label: `consume ${i + 1}`, waits: [{ semaphore: produced, value: 1n }], signals: [{ semaphore: done, value: BigInt(i + 1) }],
    });
  });
  clock.set(5_000);
  r.signaled(go, 1n);
  r.issued(producer);
  clock.set(25_000);
  r.completed(producer);
  r.signaled(produced, 1n, producer);
  consumers.forEach((consumer) => r.issued(consumer));
  [[45_000, 0], [60_000, 1], [80_000, 2]].forEach(([end, i]) => {
    clock.set(end!);
    r.completed(consumers[i!]!);
    r.signaled(done, BigInt(i! + 1), consumers[i!]!);
  });
  return r.events;
}

/**
 * Failure travels: the host fails `input`; "transform" waited on it and does not run, failing `mid`; "reduce"
 * waited on `mid` and fails too. Meanwhile "kernel X" faults while running, failing `out`, and the host wait on
 * `out` rejects. "unrelated" completes normally (rule 5: nothing else is affected).
 */
export function failurePropagation(): TraceEvent[] {
  const { recorder: r, clock, queue, semaphore } = rig();
  const q0 = queue('queue0');
  const q1 = queue('queue1');
  const input = semaphore('input');
  const mid = semaphore('mid');
  const out = semaphore('out');
  const other = semaphore('other');
  const transform = obj('transform');
  const reduce = obj('reduce');
  const kernel = obj('kernel');
  const unrelated = obj('unrelated');
  const hostWait = obj('host wait');

  clock.set(0);
  r.submitted(transform, q0, { op: 'execute', label: 'transform', waits: [{ semaphore: input, value: 1n }], signals: [{ semaphore: mid, value: 1n }] });
  r.submitted(reduce, q1, { op: 'execute', label: 'reduce', waits: [{ semaphore: mid, value: 1n }], signals: [{ semaphore: out, value: 2n }] });
  r.submitted(kernel, q1, { op: 'execute', label: 'kernel X', waits: [], signals: [{ semaphore: out, value: 1n }] });
  r.issued(kernel);
  r.submitted(unrelated, q0, { op: 'fill', label: 'unrelated', waits: [], signals: [{ semaphore: other, value: 1n }] });
  r.issued(unrelated);
  r.hostWaitBegin(hostWait, { mode: 'all', targets: [{ semaphore: out, value: 1n }], timeout: 1_000_000n });
  clock.set(8_000);
  const fault = new HalError(StatusCode.ABORTED, 'kernel X: out-of-bounds store at binding 0 offset 4096 (buffer of 4096 bytes)');
  r.submissionFailed(kernel, fault);
  r.semaphoreFailed(out, fault, kernel);
  r.hostWaitEnd(hostWait, 'failed', fault);
  clock.set(10_000);
  const cancelled = new HalError(StatusCode.CANCELLED, 'input upload cancelled by the user');
  r.semaphoreFailed(input, cancelled);
  r.submissionFailed(transform, cancelled);
  r.semaphoreFailed(mid, cancelled, transform);
  r.submissionFailed(reduce, cancelled);
  r.semaphoreFailed(out, cancelled, reduce); // already failed: the first failure wins in the core; recorded as is
  clock.set(30_000);
  r.completed(unrelated);
  r.signaled(other, 1n, unrelated);
  return r.events;
}

/** 120 tiny stream ops and 40 tiny submissions over 12µs next to one long op: many share a column. */
export function manyShortEvents(): TraceEvent[] {
  const { recorder: r, clock, queue, stream, semaphore } = rig();
  const q = queue('queue0');
  const s = stream('stream1');
  const timeline = semaphore('steps');
  for (let i = 0; i < 120; i++) {
    clock.set(i * 100 + 60);
    r.streamOp(s, { kind: 'kernel', name: `k${i}`, start: BigInt(i * 100), end: BigInt(i * 100 + 60) });
  }
  const subs = Array.from({ length: 40 }, (_, i) => obj(`s${i}`));
  subs.forEach((sub, i) => {
    clock.set(i * 300);
    r.submitted(sub, q, { op: 'update', label: `update ${i}`, waits: [], signals: [{ semaphore: timeline, value: BigInt(i + 1) }] });
    r.issued(sub);
    clock.set(i * 300 + 150);
    r.completed(sub);
    r.signaled(timeline, BigInt(i + 1), sub);
  });
  const long = stream('stream2');
  clock.set(12_000);
  r.streamOp(long, { kind: 'kernel', name: 'long kernel', start: 0n, end: 12_000n });
  return r.events;
}

/** Names longer than the lane column and labels longer than their bars. */
export function longLabels(): TraceEvent[] {
  const { recorder: r, clock, queue, semaphore } = rig('An Extremely Long Simulated Device Name That Will Not Fit On One Header Line Anywhere');
  const q = queue('the-transfer-queue-with-a-very-long-name');
  const q2 = queue('compute');
  const sem = semaphore('semaphore-with-a-long-descriptive-name');
  const a = obj('a');
  const b = obj('b');
  const c = obj('c');
  clock.set(0);
  r.submitted(a, q, { op: 'copy', label: 'copy the whole staging buffer into the device-local vertex buffer', waits: [], signals: [{ semaphore: sem, value: 1n }] });
  r.issued(a);
  clock.set(2_000_000);
  r.completed(a);
  r.signaled(sem, 1n, a);
  r.submitted(b, q2, { op: 'execute', label: 'a short one', waits: [{ semaphore: sem, value: 1n }], signals: [] });
  r.issued(b);
  clock.set(2_050_000);
  r.completed(b);
  r.submitted(c, q2, { op: 'execute', label: 'still running when the trace ends, with a long label', waits: [{ semaphore: sem, value: 1n }], signals: [] });
  r.issued(c);
  clock.set(3_000_000);
  r.signaled(obj('undeclared'), 1n); // a host signal on a semaphore never declared: declared on the fly
  return r.events;
}

export const SCENARIOS = {
  'cross-queue-wait': crossQueueWait,
  'fan-out': fanOut,
  'failure-propagation': failurePropagation,
  'many-short-events': manyShortEvents,
  'long-labels': longLabels,
} as const;
