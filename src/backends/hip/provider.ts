/**
 * hipProvider: finds a HIP-capable platform and opens drivers on it.
 *
 * `platform: 'auto'` (the default) tries amd (libamdhip64) and then nvidia (libcuda) and takes the first that
 * loads, initializes and has a device. Every way of failing is explained with the library tried and the driver's
 * own error, because "no GPU" has many causes (library missing, driver too old, no device node, ...).
 */
import { existsSync } from 'node:fs';
import type { BackendAvailability, DriverProvider, GpuDriver } from '../../core/driver.js';
import { HalError, invalidArgument, StatusCode } from '../../core/errors.js';
import { AmdApi, HIP_LIBRARY_CANDIDATES } from './amd_api.js';
import { HipDriver } from './driver.js';
import { describeLoadFailure, isLoaded, loadFirst } from './library.js';
import { CUDA_LIBRARY_CANDIDATES, NvidiaApi } from './nvidia_api.js';
import type { HipDeviceOptions } from './device_options.js';
import type { HipPlatform, PlatformApi } from './platform_api.js';
import { KnownFields, checkKnownFields } from '../../core/fields.js';

/** The provider's options: the same as `createDevice({ hip })` takes. */
export type HipProviderOptions = HipDeviceOptions;

const AUTO_ORDER: readonly HipPlatform[] = ['amd', 'nvidia'];

const LIBRARIES: Readonly<Record<HipPlatform, readonly string[]>> = {
  amd: HIP_LIBRARY_CANDIDATES,
  nvidia: CUDA_LIBRARY_CANDIDATES,
};

const HIP_OPTION_FIELDS = new KnownFields(['platform', 'ordinal']);

export function parseHipOptions(options: Readonly<Record<string, unknown>> | undefined): { platforms: HipPlatform[]; ordinal: number } {
  if (options !== undefined) checkKnownFields('hip options', options, HIP_OPTION_FIELDS);
  const platform = options?.platform ?? 'auto';
  if (platform !== 'auto' && platform !== 'amd' && platform !== 'nvidia') {
    throw invalidArgument(`hip option platform must be 'amd', 'nvidia' or 'auto' (got ${JSON.stringify(platform)})`);
  }
  const ordinal = options?.ordinal ?? 0;
  if (typeof ordinal !== 'number' || !Number.isInteger(ordinal) || ordinal < 0) {
    throw invalidArgument(`hip option ordinal must be a non-negative integer (got ${JSON.stringify(ordinal)})`);
  }
  return { platforms: platform === 'auto' ? [...AUTO_ORDER] : [platform], ordinal };
}

/**
 * Platforms that failed to initialize, by platform: a library that is missing or whose init failed does not
 * recover within a process, and retrying (hipInit scans for devices) would make every open pay for it again.
 */
const initFailures = new Map<HipPlatform, HalError>();

/**
 * Loads and initializes one platform's library: the PlatformApi and its device count, or UNAVAILABLE naming the
 * library and the driver's error.
 */
export function initPlatform(platform: HipPlatform): { api: PlatformApi; devices: number } {
  const failed = initFailures.get(platform);
  if (failed) throw failed;
  try {
    return initPlatformUncached(platform);
  } catch (error) {
    if (error instanceof HalError) initFailures.set(platform, error);
    throw error;
  }
}

function initPlatformUncached(platform: HipPlatform): { api: PlatformApi; devices: number } {
  const candidates = LIBRARIES[platform];
  const loaded = loadFirst(candidates);
  if (!isLoaded(loaded)) {
    throw new HalError(StatusCode.UNAVAILABLE, `${platform}: cannot load ${candidates.join(' / ')} (${describeLoadFailure(loaded)})`);
  }
  let api: PlatformApi;
  try {
    api = platform === 'amd' ? new AmdApi(loaded) : new NvidiaApi(loaded);
  } catch (error) {
    throw new HalError(StatusCode.UNAVAILABLE, `${platform}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  let devices: number;
  try {
    api.init();
    devices = api.deviceCount();
  } catch (error) {
    if (!(error instanceof HalError)) throw error;
    // ROCm reports a machine without an AMD GPU as an invalid device; say so in plain words.
    const hint = platform === 'amd' && !existsSync('/dev/kfd') ? ' (no AMD GPU here: /dev/kfd does not exist)' : '';
    throw new HalError(StatusCode.UNAVAILABLE, `${platform}: ${loaded.name} loaded, but ${error.detail}${hint}`, {
      cause: error,
      driver: error.driver,
    });
  }
  if (devices === 0) throw new HalError(StatusCode.UNAVAILABLE, `${platform}: ${loaded.name} reports no devices`);
  return { api, devices };
}

/** Opens `ordinal` on the first usable platform; UNAVAILABLE explaining every platform tried otherwise. */
export function openHipDriver(options?: Readonly<Record<string, unknown>>): HipDriver {
  const { platforms, ordinal } = parseHipOptions(options);
  const failures: HalError[] = [];
  for (const platform of platforms) {
    try {
      const { api, devices } = initPlatform(platform);
      if (ordinal >= devices) {
        throw new HalError(StatusCode.UNAVAILABLE, `${platform}: device ordinal ${ordinal} requested, but ${api.libraryName} reports ${devices} device(s)`);
      }
      try {
        return new HipDriver(api, ordinal, api.openDevice(ordinal));
      } catch (error) {
        api.closeDevice(false);
        if (!(error instanceof HalError)) throw error;
        throw new HalError(StatusCode.UNAVAILABLE, `${platform}: opening device ${ordinal} with ${api.libraryName} failed: ${error.detail}`, {
          cause: error,
          driver: error.driver,
        });
      }
    } catch (error) {
      if (!(error instanceof HalError)) throw error;
      failures.push(error);
    }
  }
  throw combine(failures);
}

function combine(failures: readonly HalError[]): HalError {
  if (failures.length === 1) return failures[0]!;
  const withDriver = failures.find((f) => f.driver !== undefined);
  return new HalError(StatusCode.UNAVAILABLE, `no usable HIP platform: ${failures.map((f) => f.detail).join('; ')}`, {
    cause: failures,
    driver: withDriver?.driver,
  });
}

export const hipProvider: DriverProvider = {
  name: 'hip',

  async probe(options?: Readonly<Record<string, unknown>>): Promise<BackendAvailability> {
    try {
      const { platforms } = parseHipOptions(options);
      const failures: HalError[] = [];
      for (const platform of platforms) {
        try {
          const { api, devices } = initPlatform(platform);
          const summaries = [];
          for (let ordinal = 0; ordinal < devices; ordinal++) {
            summaries.push({ ordinal, platform, ...api.deviceSummary(ordinal) });
          }
          return { available: true, devices: summaries };
        } catch (error) {
          failures.push(error instanceof HalError ? error : new HalError(StatusCode.UNAVAILABLE, String(error), { cause: error }));
        }
      }
      const error = combine(failures);
      return { available: false, reason: error.detail, error };
    } catch (error) {
      const halError = error instanceof HalError ? error : new HalError(StatusCode.UNKNOWN, String(error), { cause: error });
      return { available: false, reason: halError.detail, error: halError };
    }
  },

  async open(options?: Readonly<Record<string, unknown>>): Promise<GpuDriver> {
    return openHipDriver(options);
  },
};
