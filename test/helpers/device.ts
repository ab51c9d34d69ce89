/**
 * Shared test helpers: devices on the backend chosen by GPUHAL_BACKEND ('sim' by default), torn down after each
 * test with a leak check (every driver object count back to zero), seeds for the simulator, and small utilities.
 *
 * Sim-only assertions (virtual time, seed-dependent order) go in tests declared with `simOnly.it` / `simOnly.describe`,
 * which are skipped on other backends so the semantics suite runs unchanged on a GPU.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDevice, type Device, type DeviceOptions, type DriverObjectCounts } from '../../src/index.js';

export const BACKEND = process.env.GPUHAL_BACKEND ?? 'sim';
export const ON_SIM = BACKEND === 'sim';
/**
 * Several seeds on the simulator (each may reorder unordered work differently); one run on real hardware.
 * GPUHAL_SEEDS=a-b (or a comma list) runs the seeded suites over other seeds, e.g. to hunt a missing semaphore.
 */
export const SEEDS: readonly number[] = ON_SIM ? seedsFromEnv(process.env.GPUHAL_SEEDS) ?? [1, 7, 42] : [0];

function seedsFromEnv(text: string | undefined): number[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const range = /^(\d+)-(\d+)$/.exec(text.trim());
  const seeds = range ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i) : text.split(',').map(Number);
  if (seeds.length === 0 || !seeds.every((seed) => Number.isSafeInteger(seed) && seed >= 0)) {
    throw new Error(`GPUHAL_SEEDS must be a range like 1-32 or a comma-separated list of seeds (got ${JSON.stringify(text)})`);
  }
  return seeds;
}

export const simOnly = {
  it: ON_SIM ? it : it.skip,
  describe: ON_SIM ? describe : describe.skip,
};

const ZERO_COUNTS: DriverObjectCounts = { streams: 0, events: 0, graphs: 0, graphExecs: 0, modules: 0, allocations: 0, timers: 0 };

const live = new Set<Device>();

/** A device on the test backend; destroyed (and leak-checked) after the current test. */
export async function testDevice(options: DeviceOptions = {}): Promise<Device> {
  const device = await createDevice({ backend: BACKEND, ...options });
  live.add(device);
  return device;
}

/** Destroys `device` and asserts that it released every driver object. */
export function destroyAndCheck(device: Device): void {
  const driver = device.driver;
  device.destroy();
  expect(driver.outstanding()).toEqual(ZERO_COUNTS);
}

/** Asserts the device released every driver object (call after destroy / asyncDispose). */
export function expectNoDriverObjects(device: Device): void {
  expect(device.driver.outstanding()).toEqual(ZERO_COUNTS);
}

afterEach(() => {
  const devices = [...live];
  live.clear();
  for (const device of devices) destroyAndCheck(device);
});

export { expectHalError, expectRejects } from './hal_errors.js';

/** Settles after `promise` settles, reporting how: lets tests assert "still pending" deterministically. */
export function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly value?: T; readonly error?: unknown } {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

/**
 * Lets the device run until nothing is in flight: every issued submission retired. Pending submissions (waiting on
 * host signals) stay pending. Uses the device's own semaphores only through waits, so it never changes values.
 */
export async function settle(device: Device): Promise<void> {
  for (let i = 0; i < 10_000 && device.workCounts.inFlight > 0; i++) await device.driver.nextProgress();
  // Let promise reactions (read results, wait resolutions) run.
  await new Promise((resolve) => setImmediate(resolve));
}

export function u8(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
