/**
 * The simulator's device-side view in a device's trace: its event log (every stream operation with virtual start
 * and end) becomes stream lanes next to the core's queue lanes. Other backends keep no such log; their traces show
 * the queue-level events only. Safe to call repeatedly (only new log entries are added).
 */
import type { Device } from '../core/device.js';
import { importDriverLog, type DriverLogEntry } from '../trace/driver_log.js';

export function importSimDriverLog(device: Device): void {
  const driver = device.driver as unknown as { eventLog?: () => readonly DriverLogEntry[] };
  if (device.trace === undefined || typeof driver.eventLog !== 'function' || device.destroyed) return;
  importDriverLog(device.trace, device, driver.eventLog());
}
