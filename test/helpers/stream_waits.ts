/**
 * Counts the stream waits a device issues, split by whether the waited event was last recorded on the waiting
 * stream itself (a same-lane wait: no stream switch, it only carries the producer's failure) or on another stream
 * (a cross-lane or cross-queue wait: what lane placement tries to avoid).
 */
import type { Device } from '../../src/index.js';
import { vi } from 'vitest';

export interface StreamWaitCounts {
  readonly sameStream: number;
  readonly crossStream: number;
}

/**
 * How many same-stream waits a chain of `links` dependents on one lane gets: one per link, except on drivers whose
 * faults are sticky (a fault loses the device, so the producer's event carries nothing the stream order does not).
 */
export function sameLaneWaits(device: Device, links: number): number {
  return device.driver.info.stickyFaults === true ? 0 : links;
}

export function countStreamWaits(device: Device): () => StreamWaitCounts {
  const driver = device.driver;
  const recordedOn = new Map<unknown, unknown>();
  const record = driver.eventRecord.bind(driver);
  const wait = driver.streamWaitEvent.bind(driver);
  let sameStream = 0;
  let crossStream = 0;
  vi.spyOn(driver, 'eventRecord').mockImplementation((event, stream) => {
    record(event, stream);
    recordedOn.set(event, stream);
  });
  vi.spyOn(driver, 'streamWaitEvent').mockImplementation((stream, event) => {
    wait(stream, event);
    if (recordedOn.get(event) === stream) sameStream++;
    else crossStream++;
  });
  return () => ({ sameStream, crossStream });
}
