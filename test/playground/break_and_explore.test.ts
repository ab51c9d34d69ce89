/**
 * The playground's Break it and Explore controls in Node (the same modules the page runs): every lesson names an
 * edge whose deletion the race checker reports; the lessons' programs pass every explored schedule unless they
 * carry a bug, their broken programs fail, and a failure's token replays the same failure with its trace.
 */
import { describe, expect, it } from 'vitest';
import {
  breakScenarioSource, compileScenario, exploreLesson, findLesson, lessons, LessonSession, replayLesson, type Lesson,
} from '../../src/lessons/index.js';
import { StatusCode } from '../../src/core/errors.js';

function broken(lesson: Lesson) {
  return compileScenario(breakScenarioSource(lesson.run.toString(), lesson.breakIt));
}

describe('Break it', () => {
  it('deletes exactly the named wait list from the program text, whatever its spacing', () => {
    const source = 'async function (device, log) { q.copy({ length: 4, waits:[ {semaphore: filled,value: 1n} ], signals: [] }); q.read({ waits: [{ semaphore: copied, value: 2n }] }); }';
    expect(breakScenarioSource(source, { semaphore: 'filled', edge: 'x' })).toBe(
      'async function (device, log) { q.copy({ length: 4, signals: [] }); q.read({ waits: [{ semaphore: copied, value: 2n }] }); }',
    );
  });

  it('rejects a program without the wait (or with it twice), naming the semaphore, and returns nothing changed', () => {
    const source = 'async function (device) { q.copy({ waits: [{ semaphore: go, value: 1n }] }); }';
    let error: unknown;
    try {
      breakScenarioSource(source, { semaphore: 'filled', edge: 'x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: StatusCode.INVALID_ARGUMENT });
    expect((error as Error).message).toContain('exactly one wait list "waits: [{ semaphore: filled, value: … }]" to delete (found 0)');
    expect(() => breakScenarioSource(`${source}${source}`, { semaphore: 'go', edge: 'x' })).toThrow('(found 2)');
  });

  for (const lesson of lessons) {
    it(`${lesson.id}: without ${lesson.breakIt.edge} the race checker reports a race the lesson did not have`, async () => {
      const count = async (run: Lesson['run']): Promise<readonly string[]> => {
        const session = await LessonSession.start(run, { seed: lesson.seed, queueCount: lesson.queueCount });
        await session.runToEnd();
        session.close();
        return session.raceReports;
      };
      const before = await count(lesson.run);
      const after = await count(broken(lesson));
      expect(after.length).toBeGreaterThan(before.length);
      // Each new report names the buffer, both accesses and an edge that would order them.
      const added = after.filter((message) => !before.includes(message));
      expect(added.length).toBeGreaterThan(0);
      for (const message of added) {
        expect(message).toMatch(/^((read-after-write|write-after-read|write-after-write) race on \w+ bytes .* nothing orders them|value-order race on \w+: .* nothing orders the two signals)\. Fix: make .* wait on [\w-]+ ≥ \d+\.$/);
      }
    });
  }
});

describe('Explore on lessons', () => {
  for (const lesson of lessons) {
    const buggy = lesson.seeds !== undefined;
    it(`${lesson.id}: ${buggy ? 'the program\'s own bug fails' : 'every explored schedule passes'}; the broken program fails and replays from its token`, async () => {
      const own = await exploreLesson(lesson.run, lesson);
      if (buggy) {
        expect(own.failure?.failure.kind).toBe('assertion');
      } else {
        expect(own.failure?.text).toBeUndefined();
        expect(own.schedules).toBe(300);
      }

      const run = broken(lesson);
      const found = await exploreLesson(run, lesson);
      const report = found.failure!;
      expect(report.failure.kind).toBe('assertion');
      expect(report.token).toMatch(/^gx1\.[A-Za-z0-9_-]+$/);
      expect(report.token.length).toBeLessThanOrEqual(200);

      const again = await replayLesson(run, lesson, report.token);
      expect(again.result.mismatches).toBe(0);
      expect(again.result.failure?.message).toBe(report.failure.message);
      // The replay keeps the run's trace for the timeline: submissions on queue lanes and operations on stream lanes.
      expect(again.events.some((event) => event.kind === 'submit')).toBe(true);
      expect(again.events.some((event) => event.kind === 'op')).toBe(true);
      expect(again.now).toBeGreaterThan(0n);
    }, 60_000);
  }

  it('value-order: no seed shows the broken program\'s bug; Explore finds it, shrunk to the two choices that matter', async () => {
    const lesson = findLesson('value-order')!;
    const run = broken(lesson);
    for (let seed = 1; seed <= 8; seed++) {
      const session = await LessonSession.start(run, { seed, queueCount: lesson.queueCount });
      await session.runToEnd();
      session.close();
      expect(session.state, `seed ${seed}`).toBe('finished');
    }
    const report = (await exploreLesson(run, lesson)).failure!;
    expect(report.schedule).toBeGreaterThan(0);
    expect(report.failure.message).toBe('a starts with 0, 0, 0, 0 although progress reached 2');
    expect(report.decisive).toHaveLength(2);
    expect(report.decisive[0]).toMatch(/memset .* = 0x9 starts before stream \d+'s memset .* = 0x7 starts$/);
    expect(report.decisive[1]).toMatch(/memset .* = 0x9 completes before stream \d+'s memset .* = 0x7 starts$/);
    const again = await replayLesson(run, lesson, report.token);
    expect(again.result.failure?.message).toBe(report.failure.message);
    expect(again.result.decisive).toEqual(report.decisive);
  }, 60_000);

  it('a replayed token is the same run every time (trace and output)', async () => {
    const lesson = findLesson('missing-semaphore')!;
    const report = (await exploreLesson(lesson.run, lesson)).failure!;
    const a = await replayLesson(lesson.run, lesson, report.token);
    const b = await replayLesson(lesson.run, lesson, report.token);
    expect(a.output).toEqual(['dst starts with 0, 0, 0, 0: WRONG: the copy ran before the fill']);
    expect(b.output).toEqual(a.output);
    expect(b.events.map((event) => event.kind)).toEqual(a.events.map((event) => event.kind));
  });

  it('the empty token replays the default order; a malformed token is rejected before anything runs', async () => {
    const lesson = findLesson('wait-before-signal')!;
    const result = await replayLesson(lesson.run, lesson, 'gx1.AA');
    expect(result.result.failure).toBeNull();
    expect(result.result.decisive).toEqual([]);
    expect(result.output.at(-1)).toBe("host: copy starts with 42, 42, 42, 42 (the fill's 42s, copied after the fill)");
    await expect(replayLesson(lesson.run, lesson, 'not-a-token')).rejects.toMatchObject({ code: StatusCode.INVALID_ARGUMENT });
  });
});
