/**
 * Shared pieces of the GPU suites: they run only with GPUHAL_HIP_GPU=1 (on the GPU machine, see scripts/gpu/),
 * and open the platform named by GPUHAL_HIP_PLATFORM ('auto' by default).
 */
import type { DriverEvent, DriverStream, GpuDriver } from '../../src/core/driver.js';
import { HalError, type StatusCode } from '../../src/core/errors.js';
import { hipProvider } from '../../src/backends/hip/index.js';
import { expectHalError } from './hal_errors.js';

export const GPU_ENABLED = process.env.GPUHAL_HIP_GPU === '1';
export const GPU_NOTE = GPU_ENABLED ? '' : ' (skipped: set GPUHAL_HIP_GPU=1 on a GPU machine; see scripts/gpu/README.md)';
export const PLATFORM = process.env.GPUHAL_HIP_PLATFORM ?? 'auto';

export async function openGpu(): Promise<GpuDriver> {
  return hipProvider.open({ platform: PLATFORM });
}

/** Polls `done` between nextProgress ticks, failing after `timeoutMs` instead of hanging. */
export async function until(driver: GpuDriver, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`not complete after ${timeoutMs} ms`);
    await driver.nextProgress();
  }
}

/** Records an event on `stream` and polls it to completion. */
export async function drain(driver: GpuDriver, stream: DriverStream, event?: DriverEvent): Promise<void> {
  const e = event ?? driver.eventCreate();
  driver.eventRecord(e, stream);
  try {
    await until(driver, () => driver.eventQuery(e));
  } finally {
    if (!event) driver.eventDestroy(e);
  }
}

export function expectHal(fn: () => unknown, code: StatusCode, fragment?: string): HalError {
  return fragment === undefined ? expectHalError(fn, code) : expectHalError(fn, code, fragment);
}

/** A kernel that spins for `ns` nanoseconds of device time (globaltimer on NVIDIA, wall_clock64 on AMD). */
export const SPIN_SOURCE = String.raw`
#if defined(__HIPCC_RTC__) || defined(__HIP__)
__device__ static unsigned long long gh_now() { return wall_clock64() * 10ull; } // 100 MHz counter on CDNA
#else
__device__ static unsigned long long gh_now() { unsigned long long t; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); return t; }
#endif
extern "C" __global__ void spin_then_store(unsigned* out, unsigned value, unsigned ns) {
  unsigned long long start = gh_now();
  while (gh_now() - start < (unsigned long long)ns) {}
  out[0] = value;
}
extern "C" __global__ void store_through(unsigned* out, unsigned value) {
  *(volatile unsigned*)out = value;
}
`;
