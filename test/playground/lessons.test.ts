/**
 * The lessons and the step session in Node (the same modules the page runs): every lesson finishes with the
 * results its text promises, the missing-semaphore lesson's two seeds really disagree, and a step shows one
 * simulator event at a time.
 */
import { describe, expect, it } from 'vitest';
import { compileScenario, findLesson, lessons, LessonSession } from '../../src/lessons/index.js';
import { StatusCode } from '../../src/core/errors.js';

async function runLesson(id: string, seed?: number, end: 'finished' | 'failed' = 'finished'): Promise<{ output: string[]; session: LessonSession }> {
  const lesson = findLesson(id)!;
  const session = await LessonSession.start(lesson.run, { seed: seed ?? lesson.seed, queueCount: lesson.queueCount });
  await session.runToEnd();
  expect(session.state, `${id} seed ${seed ?? lesson.seed}`).toBe(end);
  session.close();
  return { output: session.output, session };
}

describe('lessons', () => {
  it('are the five built-in lessons, each with its words', () => {
    expect(lessons.map((lesson) => lesson.id)).toEqual(['wait-before-signal', 'fan-out-fan-in', 'missing-semaphore', 'value-order', 'failure-propagation']);
    for (const lesson of lessons) {
      expect(lesson.title.length).toBeGreaterThan(0);
      expect(lesson.explanation.length).toBeGreaterThan(40);
      expect(lesson.notice.length).toBeGreaterThan(40);
    }
  });

  it('wait-before-signal copies the fill\'s bytes', async () => {
    const { output } = await runLesson('wait-before-signal');
    expect(output.at(-1)).toBe("host: copy starts with 42, 42, 42, 42 (the fill's 42s, copied after the fill)");
  });

  it('fan-out/fan-in joins after all three parts', async () => {
    const { output } = await runLesson('fan-out-fan-in');
    expect(output.at(-1)).toBe('host: joined = 1; every part was copied (part1-done = 1, part2-done = 1, part3-done = 1)');
  });

  it('missing-semaphore: the seeds the lesson names give the results it claims', async () => {
    const { seeds } = findLesson('missing-semaphore')!;
    const race = 'race checker: read-after-write on src; fix: make copy #2 on playground.queue1 wait on filled ≥ 1';
    expect((await runLesson('missing-semaphore', seeds!.correct)).output).toEqual([race, 'dst starts with 42, 42, 42, 42: correct (the fill happened to run first)']);
    // The buggy seed's program sees the zeros, says so, and throws: the scenario fails.
    const buggy = await runLesson('missing-semaphore', seeds!.buggy, 'failed');
    expect(buggy.output).toEqual([race, 'dst starts with 0, 0, 0, 0: WRONG: the copy ran before the fill']);
    expect((buggy.session.error as Error).message).toBe('dst starts with 0, 0, 0, 0, not 42s');
  });

  it('missing-semaphore: the race checker reports the race on every seed, with its fixing edge', async () => {
    for (let seed = 0; seed < 12; seed++) {
      const lesson = findLesson('missing-semaphore')!;
      const session = await LessonSession.start(lesson.run, { seed, queueCount: lesson.queueCount });
      await session.runToEnd();
      session.close();
      const { output } = session;
      expect(output[0], `seed ${seed}`).toBe('race checker: read-after-write on src; fix: make copy #2 on playground.queue1 wait on filled ≥ 1');
    }
  });

  it('the other lessons are race-free: the checker reports nothing', async () => {
    for (const id of ['wait-before-signal', 'fan-out-fan-in', 'value-order', 'failure-propagation']) {
      const { output } = await runLesson(id);
      expect(output.filter((line) => line.startsWith('race checker')), id).toEqual([]);
    }
  });

  it('missing-semaphore with the wait added is correct for every seed tried', async () => {
    const lesson = findLesson('missing-semaphore')!;
    const source = lesson.run.toString();
    // The copy's operation object, however the source was printed (tsc in the page, esbuild under vitest).
    const withWait = source.replace(/(q1\.copy\(\{[\s\S]*?length: 4096,)/, '$1 waits: [{ semaphore: filled, value: 1n }],');
    expect(withWait).not.toBe(source);
    const fixed = compileScenario(withWait);
    for (let seed = 0; seed < 12; seed++) {
      const session = await LessonSession.start(fixed, { seed, queueCount: 2 });
      await session.runToEnd();
      expect(session.output).toEqual(['dst starts with 42, 42, 42, 42: correct (the fill happened to run first)']);
      session.close();
    }
  });

  it('failure-propagation: downstream waits reject with the original message; unrelated work completes', async () => {
    const { output, session } = await runLesson('failure-propagation');
    expect(output).toContain('host: waiting for published failed: UNKNOWN: frame 7 failed its checksum');
    expect(output.at(-1)).toBe('host: the unrelated fill completed anyway (other = 1)');
    const failed = session.events.filter((event) => event.kind === 'submission-failed');
    expect(failed.map((event) => event.kind === 'submission-failed' && event.error)).toEqual([
      { code: 'UNKNOWN', message: 'frame 7 failed its checksum' },
      { code: 'UNKNOWN', message: 'frame 7 failed its checksum' },
    ]);
  });
});

describe('LessonSession', () => {
  it('does nothing on the device until stepped, then one simulator event per step', async () => {
    const lesson = findLesson('wait-before-signal')!;
    const session = await LessonSession.start(lesson.run, { seed: 1, queueCount: 2 });
    expect(session.events.some((event) => event.kind === 'op' || event.kind === 'complete')).toBe(false);
    expect(session.now).toBe(0n);
    const first = await session.step();
    expect(first.event).toMatchObject({ kind: 'start', op: 'memset' });
    const second = await session.step();
    expect(second.event).toMatchObject({ kind: 'complete', op: 'memset' });
    expect(session.now).toBeGreaterThan(0n);
    session.close();
    await expect(session.step()).rejects.toMatchObject({ code: StatusCode.FAILED_PRECONDITION });
  });

  it('reports a scenario that waits for a value nobody signals as stuck', async () => {
    const stuck = compileScenario('async function (device, log) { const s = device.createSemaphore(0n, { label: "never" }); log("waiting"); await s.wait(1n); }');
    const session = await LessonSession.start(stuck, { seed: 1, queueCount: 1 });
    await session.runToEnd();
    expect(session.state).toBe('stuck');
    expect(session.stall?.hostWaits).toEqual([{ mode: 'all', waits: [{ semaphore: 'never', needed: 1n, current: 0n, signaledBy: [] }] }]);
    expect(session.stall?.message).toContain('host wait (all) for never ≥ 1n (now 0n): no pending submission signals it');
    session.close();
  });

  it('reports a scenario that throws as failed, with its error', async () => {
    const throwing = compileScenario('async function (device) { device.createBuffer({ byteLength: -1 }); }');
    const session = await LessonSession.start(throwing, { seed: 1, queueCount: 1 });
    expect(session.state).toBe('failed');
    expect((session.error as Error).message).toContain('createBuffer byteLength must be a positive integer (got -1)');
    session.close();
  });

  it('compileScenario rejects text that is not a function expression, naming the problem', () => {
    expect(() => compileScenario('')).toThrow('scenario source must be a non-empty function expression');
    expect(() => compileScenario('async function (device) {')).toThrow(/scenario source does not compile: SyntaxError/);
    expect(() => compileScenario('42')).toThrow('scenario source must be a function expression such as async function (device, log) { … } (got a number)');
  });
});
