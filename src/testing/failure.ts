/**
 * How a schedule fails, as data. Built-in kinds: a thrown assertion (any non-HalError), an unexpected HalError,
 * a driver object leaked past destroy, a stall (the scenario still waits but the simulator has nothing left that
 * could ever run), a livelock (a run that never stops making choices). Other kinds plug in through
 * `FailureCheck`s run after each scenario (a race report, a stall diagnosis): they return a failure or nothing.
 */
import { HalError } from '../core/errors.js';
import type { Device } from '../core/device.js';

export type FailureKind = 'assertion' | 'hal-error' | 'leak' | 'stall' | 'livelock' | (string & {});

export interface ScheduleFailure {
  readonly kind: FailureKind;
  readonly message: string;
  /** What was thrown, when something was. */
  readonly error?: unknown;
}

/** Runs after a scenario resolved, before its device is destroyed; a returned failure fails the schedule. */
export type FailureCheck = (device: Device) => ScheduleFailure | null | undefined | Promise<ScheduleFailure | null | undefined>;

/** Classifies what a scenario (or its teardown) threw. */
export function classifyError(error: unknown): ScheduleFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (HalError.is(error)) {
    return { kind: /\(leaked\)/.test(message) ? 'leak' : 'hal-error', message: `${error.code}: ${message}`, error };
  }
  return { kind: 'assertion', message, error };
}

/**
 * What "fails the same way" means while shrinking: the kind and the first line of the message with numbers
 * blanked (an assertion that saw 2 instead of 6 and one that saw 3 are the same bug) and the fault plan's rule
 * names blanked.
 */
export function failureSignature(failure: ScheduleFailure): string {
  const line = failure.message.split('\n')[0]!;
  // Which plan entry injected a fault is not the failure: a random fault restated as an explicit one is the same.
  const plain = line.replace(/\(fault plan [^)]*\)|\(injected by the fault plan: [^)]*\)/g, '(fault plan)');
  return `${failure.kind}:${plain.replace(/0x[0-9a-f]+|\d+/gi, '#')}`;
}

/**
 * A race report of the device's happens-before checker fails the schedule (kind 'race'). It runs after every
 * scenario; it finds reports only on devices created with the checker on (`device: { check: true }` in the
 * scenario or the explore options, or GPUHAL_CHECK=1), and is read structurally so that it costs nothing where
 * the checker is absent.
 */
export const raceReportCheck: FailureCheck = (device) => {
  const checker = (device as unknown as { checker?: { reports?: readonly { message: string; fix?: string }[] } }).checker;
  const report = checker?.reports?.[0];
  if (report === undefined) return null;
  return { kind: 'race', message: report.message, error: report };
};
