/**
 * Starting a recording for a device: the recorder's clock is the driver's own (`now()`, virtual or real as
 * `info.clock` says; a virtual clock makes traces reproducible), and the device is declared first so every later
 * event belongs to it.
 */
import type { GpuDriver } from '../core/driver.js';
import { MemoryTraceRecorder } from './recorder.js';

/** `device` is the core's Device object (the recorder's key for it); `label` names it in traces. */
export function recordDevice(device: object, driver: GpuDriver, label?: string): MemoryTraceRecorder {
  const recorder = new MemoryTraceRecorder(() => driver.now());
  recorder.declareDevice(device, {
    name: label ?? driver.info.name,
    platform: driver.info.platform,
    clock: driver.info.clock,
  });
  return recorder;
}
