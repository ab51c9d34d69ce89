/**
 * Built-in programs `gpuhal step` can walk through: the demo pipeline, plus the playground's lessons
 * (src/lessons/) when that module is present. A scenario submits its work and awaits results; in step mode the
 * simulator moves only when the session steps, so its awaits resolve as the user steps.
 */
import type { Device } from '../core/device.js';
import { preparePipeline } from './pipeline.js';

export interface StepScenario {
  readonly id: string;
  readonly title: string;
  /** What it does, in a sentence or two. */
  readonly explanation: string;
  readonly queueCount: number;
  /** Seed used when the command line gives none. */
  readonly seed: number;
  /**
   * Creates what the program needs (awaited before stepping starts; the simulator does not move meanwhile), then
   * returns the program itself, which `log`s what it sees and resolves to a closing line (e.g. the checked result).
   */
  prepare(device: Device, log: (line: string) => void): Promise<() => Promise<string | null>>;
}

export const demoScenario: StepScenario = {
  id: 'demo',
  title: 'The demo pipeline (saxpy on two queues)',
  explanation:
    'queue 1 runs saxpy once "x-ready" ≥ 1 and "y-ready" ≥ 1; queue 0 uploads x and y (signalling them) and reads y ' +
    'back once "result" ≥ 1. The saxpy is submitted first, before its inputs exist (wait-before-signal).',
  queueCount: 2,
  seed: 1,
  async prepare(device, log) {
    const pipeline = await preparePipeline(device);
    return async () => {
      const data = await pipeline.submit((what) => log(`submitted ${what}`));
      const wrong = pipeline.mismatch(data);
      if (wrong !== null) throw new Error(`the result is WRONG: ${wrong}`);
      return 'read-back complete: all 4096 values match the reference (y = 2.5·x + y). OK';
    };
  },
};

/** The shape of a playground lesson (src/lessons/lesson.ts), kept structural so this module builds without it. */
interface LessonLike {
  readonly id: string;
  readonly title: string;
  readonly explanation: string;
  readonly queueCount: number;
  readonly seed: number;
  readonly run: (device: Device, log: (line: string) => void) => Promise<void>;
}

function fromLesson(lesson: LessonLike): StepScenario {
  return {
    id: lesson.id,
    title: lesson.title,
    explanation: lesson.explanation,
    queueCount: lesson.queueCount,
    seed: lesson.seed,
    async prepare(device, log) {
      return async () => {
        await lesson.run(device, log);
        return null;
      };
    },
  };
}

/** The demo, then every lesson the lessons module exports (none if it is missing or fails to load). */
export async function stepScenarios(): Promise<StepScenario[]> {
  const scenarios = [demoScenario];
  // A variable specifier: the lessons module belongs to the playground and may not exist in every build.
  const lessonsModule = '../lessons/index.js';
  try {
    const module = (await import(lessonsModule)) as { lessons?: readonly LessonLike[] };
    for (const lesson of module.lessons ?? []) scenarios.push(fromLesson(lesson));
  } catch {
    // No lessons in this build: the demo alone.
  }
  return scenarios;
}
