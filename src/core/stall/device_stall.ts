/**
 * A device's side of stall diagnosis: gathers its pending submissions and outstanding host waits for
 * `diagnoseStall`, and settles everything the host awaits when the process is about to exit stalled.
 */
import type { GpuDriver } from '../driver.js';
import { HalError, StatusCode } from '../errors.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { type StallDiagnosis, diagnoseStall } from './stall_diagnosis.js';
import type { StallWatch } from './stall_watch.js';

export interface StallSource {
  readonly label: string;
  readonly driver: GpuDriver;
  readonly scheduler: Scheduler;
  readonly stallWatch: StallWatch;
}

/**
 * The device's stall, or undefined when it is not stalled. `atExit`: the host has nothing left to run (Node's
 * beforeExit), so timed waits and unstepped in-flight work count as stalled too.
 */
export function diagnoseDevice(device: StallSource, atExit = false): StallDiagnosis | undefined {
  const pending = device.scheduler.pendingSubmissions();
  let awaited = 0;
  for (const s of pending) if (s.work.awaited) awaited++;
  const hostWaits = atExit ? [...device.stallWatch.hostWaits].map((w) => ({ ...w, timed: false })) : device.stallWatch.hostWaits;
  // A manual-mode simulator advances only when stepped; every other driver completes in-flight work by itself.
  const inFlightAdvances = !atExit && device.driver.info.details['mode'] !== 'manual';
  return diagnoseStall(
    { device: device.label, pending, hostWaits, inFlight: device.scheduler.inFlightCount, awaitedOperations: awaited },
    inFlightAdvances,
  );
}

/** Settles every host wait and awaited queue operation of a stalled device with a HalError carrying the diagnosis. */
export function settleDeviceStall(device: StallSource): void {
  const diagnosis = diagnoseDevice(device, true);
  if (diagnosis === undefined) return;
  const error = new HalError(StatusCode.ABORTED, diagnosis.message, { cause: diagnosis });
  device.scheduler.failAwaited(error);
  for (const wait of [...device.stallWatch.hostWaits]) wait.settle(error);
}
