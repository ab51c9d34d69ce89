/**
 * Simulator drivers reused across schedules. Creating the WebAssembly device is most of what a fresh simulated
 * device costs, so the explorer keeps destroyed drivers and `reset()`s them for the next schedule; a reset driver
 * replays exactly like a fresh one (src/backends/sim/driver.ts).
 *
 * Devices are opened through the core's backend registry under a name of this module's own, so the core never
 * learns about the pool: `requestDriver(options)`, then `createDevice({ backend: EXPLORE_BACKEND })`.
 */
import type { DriverProvider, GpuDriver } from '../core/driver.js';
import { registerBackend } from '../core/registry.js';
import { failedPrecondition } from '../core/errors.js';
import { SimDriver } from '../backends/sim/driver.js';
import { simProvider } from '../backends/sim/provider.js';
import { driverOptionsOf, type SimDriverOptions } from '../backends/sim/options.js';

export const EXPLORE_BACKEND = 'sim-explore';

const idle: SimDriver[] = [];

/**
 * Open requests, first in first out. The core hands a registered backend no options of its own, so the explorer
 * queues the driver options (schedule source included) right before its createDevice; opens happen in call order.
 */
interface OpenRequest {
  readonly options: SimDriverOptions;
  driver: SimDriver | null;
}
const requests: OpenRequest[] = [];

const provider: DriverProvider = {
  name: 'sim',
  probe: (options) => simProvider.probe(options),
  async open(): Promise<GpuDriver> {
    const request = requests.find((r) => r.driver === null);
    if (request === undefined) throw failedPrecondition(`the ${EXPLORE_BACKEND} backend opens devices for gpuhal/testing's explorer only`);
    const options = request.options;
    const key = poolKey(options);
    const index = idle.findIndex((d) => poolKeys.get(d) === key);
    let driver: SimDriver;
    if (index >= 0) {
      driver = idle.splice(index, 1)[0]!;
      driver.reset({ seed: options.seed ?? 1, ...(options.schedule ? { schedule: options.schedule } : {}), ...(options.faults ? { faults: options.faults } : {}) });
    } else {
      driver = new SimDriver(options);
      poolKeys.set(driver, key);
    }
    request.driver = driver;
    return driver;
  },
};

/**
 * Drivers are interchangeable when every option but the seed, the schedule source and the faults matches (the
 * three a reset sets): every other option, named or not, so one added later cannot be dropped by reuse.
 */
function poolKey(o: SimDriverOptions): string {
  return JSON.stringify(Object.entries(driverOptionsOf(o)).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
/** The options each pooled driver was created with, as its key (a driver validated them when it was created). */
const poolKeys = new WeakMap<SimDriver, string>();

let registered = false;

export function ensureRegistered(): void {
  if (registered) return;
  registerBackend(EXPLORE_BACKEND, provider);
  registered = true;
}

/** Queues the options of the next device the explorer opens; `take()` then returns its driver. */
export function requestDriver(options: SimDriverOptions): { take(): SimDriver; cancel(): void } {
  const request: OpenRequest = { options, driver: null };
  requests.push(request);
  const remove = (): void => {
    const i = requests.indexOf(request);
    if (i >= 0) requests.splice(i, 1);
  };
  return {
    take() {
      remove();
      if (request.driver === null) throw failedPrecondition('no simulator driver was opened for the schedule');
      return request.driver;
    },
    cancel: remove,
  };
}

/** Returns a driver whose device was destroyed; a driver still alive (a teardown that failed) is dropped. */
export function releaseDriver(driver: SimDriver): void {
  if (driver.isDestroyed && idle.length < 8) idle.push(driver);
}
