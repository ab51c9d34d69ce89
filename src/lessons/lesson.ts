/**
 * What a lesson is: a scripted program on the simulator plus the words around it. The program is a plain
 * function of the device and a log, so the playground can show its source (`run.toString()`), let the reader edit
 * it and run the edited text in the page, and a CLI step session can run the same function in Node.
 *
 * A scenario must be self-contained — no imports, no outer variables — because the playground re-creates it from
 * its source text. Everything it needs comes through `device` (queues, buffers, semaphores) and `log`.
 */
import type { Device } from '../core/device.js';

export type LessonLog = (line: string) => void;

/** The program of a lesson: submits work, signals from the host, awaits results and logs what it saw. */
export type Scenario = (device: Device, log: LessonLog) => Promise<void>;

export interface Lesson {
  /** Stable identifier (the page's picker value, a CLI argument). */
  readonly id: string;
  readonly title: string;
  /** What the program does and which rule of docs/design.md it shows. */
  readonly explanation: string;
  /** What to look at in the timeline while stepping. */
  readonly notice: string;
  /** Queues the device needs (each queue is one lane). */
  readonly queueCount: number;
  /** The seed the lesson opens with. */
  readonly seed: number;
  /** For lessons whose outcome depends on the seed: a seed that shows the correct result and one that shows the bug. */
  readonly seeds?: { readonly correct: number; readonly buggy: number };
  /**
   * The edge the playground's "Break it" control deletes: the semaphore of one single-entry wait list in `run`,
   * and the words for it. Deleting it leaves two accesses unordered, which the race checker reports.
   */
  readonly breakIt: { readonly semaphore: string; readonly edge: string };
  /**
   * The program: it logs what it saw and throws when a result is wrong, so an explorer running it under many
   * schedules (the playground's "Explore" control) can tell a failing schedule from a passing one.
   */
  readonly run: Scenario;
}
