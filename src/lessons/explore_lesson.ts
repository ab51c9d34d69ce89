/**
 * A lesson's program under gpuhal/testing: the playground's "Explore" control runs it under many schedules, and
 * a failing schedule's replay token plays the run back with its trace (the timeline, the narration, the output).
 *
 * The explorer's devices are traced and run without the race checker: "Break it" shows what the checker says; here
 * a schedule fails only on what the program itself sees (a wrong result it throws on, a stall, an unexpected error).
 * Exploring and replaying use the same device options, so a token found here replays the same choices.
 */
import type { Device } from '../core/device.js';
import type { TraceEvent } from '../trace/model.js';
import { replay, runExploration, type ExploreOptions, type ExploreResult, type ReplayResult, type Scenario as ExploreScenario } from '../testing/index.js';
import type { Lesson, Scenario } from './lesson.js';

/** What the playground needs of a lesson to explore a program: its id (the scenario's name) and its queues. */
export type LessonShape = Pick<Lesson, 'id' | 'queueCount'>;

/** The explorer's settings for a lesson: PCT finds every lesson bug (depth ≤ 2) within a few dozen schedules. */
export const LESSON_EXPLORE_OPTIONS = { strategy: 'pct', depth: 2, schedules: 300, seed: 1 } as const satisfies ExploreOptions;

/** One replayed schedule, as the page shows it. */
export interface LessonReplay {
  readonly result: ReplayResult;
  /**
   * The run's trace: queue lanes from the core, stream lanes from the simulator's log (a traced device takes them
   * in whenever its trace is read, and one last time when the explorer destroys it).
   */
  readonly events: readonly TraceEvent[];
  /** Virtual ns when the program ended. */
  readonly now: bigint;
  readonly output: readonly string[];
}

interface Capture {
  device: Device | undefined;
  now: bigint;
  output: string[];
}

function lessonScenario(run: Scenario, lesson: LessonShape, capture?: Capture): ExploreScenario {
  return {
    name: lesson.id,
    device: { queueCount: lesson.queueCount, label: lesson.id, trace: true, check: false },
    run: async ({ device }) => {
      if (capture === undefined) return run(device, () => {});
      capture.device = device;
      try {
        await run(device, (line) => capture.output.push(String(line)));
      } finally {
        capture.now = device.driver.now();
      }
    },
  };
}

/** Explores `run` (a lesson's program, or the reader's edit of it) under many schedules. */
export function exploreLesson(run: Scenario, lesson: LessonShape, options: ExploreOptions = LESSON_EXPLORE_OPTIONS): Promise<ExploreResult> {
  return runExploration(lessonScenario(run, lesson), options);
}

/** Replays one schedule of `run` from its token and keeps what the page draws. */
export async function replayLesson(run: Scenario, lesson: LessonShape, token: string): Promise<LessonReplay> {
  const capture: Capture = { device: undefined, now: 0n, output: [] };
  const result = await replay(lessonScenario(run, lesson, capture), token);
  return { result, events: capture.device?.trace?.events.slice() ?? [], now: capture.now, output: capture.output };
}
