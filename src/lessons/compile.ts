/**
 * Turns a scenario's source text (a function expression, as `lesson.run.toString()` prints it) back into a function.
 * The playground uses this for the reader's edited scenario; the code runs in the page, with the page's gpuhal.
 */
import { invalidArgument } from '../core/errors.js';
import type { Scenario } from './lesson.js';

export function compileScenario(source: string): Scenario {
  if (typeof source !== 'string' || source.trim() === '') throw invalidArgument('scenario source must be a non-empty function expression');
  let value: unknown;
  try {
    // A new Function body sees only globals: the scenario gets the device and log as arguments, like a lesson.
    value = new Function(`"use strict";\nreturn (\n${source}\n);`)();
  } catch (error) {
    throw invalidArgument(`scenario source does not compile: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  if (typeof value !== 'function') {
    throw invalidArgument(`scenario source must be a function expression such as async function (device, log) { … } (got a ${typeof value})`);
  }
  return value as Scenario;
}
