/** The sim backend's entry in the core's backend registry. */
import { HalError, StatusCode } from '../../core/errors.js';
import type { BackendAvailability, DriverProvider, GpuDriver } from '../../core/driver.js';
import { DEFAULT_MEMORY_BYTES } from './options.js';
import { createSimDriver } from './driver.js';
import type { SimDriverOptions } from './options.js';

export const simProvider: DriverProvider = {
  name: 'sim',
  sharedOptions: ['seed', 'memoryBytes'],
  async probe(): Promise<BackendAvailability> {
    if (typeof WebAssembly !== 'object') {
      return { available: false, reason: 'WebAssembly is not available in this JavaScript runtime' };
    }
    return {
      available: true,
      devices: [{ ordinal: 0, name: 'gpuhal simulated GPU', platform: 'sim', totalMemoryBytes: DEFAULT_MEMORY_BYTES }],
    };
  },
  async open(options?: Readonly<Record<string, unknown>>): Promise<GpuDriver> {
    const { ordinal, ...rest } = options ?? {};
    if (ordinal !== undefined && ordinal !== 0) {
      throw new HalError(StatusCode.INVALID_ARGUMENT, `the sim backend has one device, ordinal 0 (got ordinal ${String(ordinal)})`);
    }
    return createSimDriver(rest as SimDriverOptions);
  },
};
