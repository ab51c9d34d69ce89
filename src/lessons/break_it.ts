/**
 * "Break it": deletes one edge from a lesson's program text — the single-entry wait list on a named semaphore — so
 * the reader sees what the race checker says about the program without it. The edit works on the text the editor
 * holds (the program as the compiler printed it, or as the reader changed it), so it matches whitespace loosely.
 */
import { invalidArgument } from '../core/errors.js';
import type { Lesson } from './lesson.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `waits: [{ semaphore: <name>, value: <n>n }],` with any spacing, and the comma and space after it. */
function waitListPattern(semaphore: string): RegExp {
  return new RegExp(`waits:\\s*\\[\\s*\\{\\s*semaphore:\\s*${escapeRegExp(semaphore)},\\s*value:\\s*\\d+n\\s*\\}\\s*\\],?\\s*`, 'g');
}

/** The program text without the wait on `lesson.breakIt.semaphore`; INVALID_ARGUMENT when it is not there exactly once. */
export function breakScenarioSource(source: string, breakIt: Lesson['breakIt']): string {
  if (typeof source !== 'string') throw invalidArgument(`break it: the scenario source must be a string (got ${typeof source})`);
  const pattern = waitListPattern(breakIt.semaphore);
  const found = source.match(pattern)?.length ?? 0;
  if (found !== 1) {
    throw invalidArgument(
      `break it: the scenario must hold exactly one wait list "waits: [{ semaphore: ${breakIt.semaphore}, value: … }]" to delete (found ${found}); ` +
      'Reset restores the lesson\'s program',
    );
  }
  return source.replace(pattern, '');
}
