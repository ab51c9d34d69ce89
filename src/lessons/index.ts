/** The built-in lessons, in the order a reader should take them, and the step session that runs one. */
import { failurePropagation } from './failure_propagation.js';
import { fanOutFanIn } from './fan_out_fan_in.js';
import type { Lesson } from './lesson.js';
import { missingSemaphore } from './missing_semaphore.js';
import { valueOrder } from './value_order.js';
import { waitBeforeSignal } from './wait_before_signal.js';

export type { Lesson, LessonLog, Scenario } from './lesson.js';
export { LessonSession, type LessonSessionOptions, type SessionState, type StepOutcome } from './session.js';
export { compileScenario } from './compile.js';

export const lessons: readonly Lesson[] = Object.freeze([waitBeforeSignal, fanOutFanIn, missingSemaphore, valueOrder, failurePropagation]);

export function findLesson(id: string): Lesson | undefined {
  return lessons.find((lesson) => lesson.id === id);
}
export { breakScenarioSource } from './break_it.js';
export { exploreLesson, replayLesson, LESSON_EXPLORE_OPTIONS, type LessonReplay, type LessonShape } from './explore_lesson.js';
