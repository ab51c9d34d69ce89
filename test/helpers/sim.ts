import { expect } from 'vitest';
import { createSimDriver, type SimDriver, type SimDriverOptions } from '../../src/backends/sim/index.js';
import { sim_testing } from '../../src/backends/sim/generated/kernels/index.js';
import type { DriverFunction, DriverModule } from '../../src/core/driver.js';

export const MIB = 1024 * 1024;

/** A small driver (16 MiB) unless the test asks otherwise. */
export function makeDriver(options: SimDriverOptions = {}): SimDriver {
  return createSimDriver({ memoryBytes: 16 * MIB, ...options });
}

export { expectHalError, expectRejects } from './hal_errors.js';

export function loadTesting(driver: SimDriver): { module: DriverModule; fn: (name: string) => DriverFunction } {
  const module = driver.moduleLoad({ format: 'sim-wasm', bytes: sim_testing, label: 'sim_testing' });
  return { module, fn: (name) => driver.moduleGetFunction(module, name) };
}

export function u32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Uint32Array.from(values).buffer);
}

export function asU32(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
}

/** Reads `byteLength` bytes at `ptr` through a stream (auto or manual mode). */
export async function readBack(driver: SimDriver, ptr: number, byteLength: number): Promise<Uint8Array> {
  const stream = driver.streamCreate();
  const rb = driver.memcpyDtoHAsync(ptr, byteLength, stream);
  if (driver.options.mode === 'manual') driver.runUntilIdle();
  else await driver.streamSynchronize(stream);
  const bytes = rb.take();
  rb.release();
  driver.streamDestroy(stream);
  return bytes;
}

/** Writes bytes at `ptr` and waits for them to land. */
export async function upload(driver: SimDriver, ptr: number, bytes: Uint8Array): Promise<void> {
  const stream = driver.streamCreate();
  driver.memcpyHtoDAsync(ptr, bytes, stream);
  if (driver.options.mode === 'manual') driver.runUntilIdle();
  else await driver.streamSynchronize(stream);
  driver.streamDestroy(stream);
}

export function expectNothingOutstanding(driver: SimDriver): void {
  expect(driver.outstanding()).toEqual({ streams: 0, events: 0, graphs: 0, graphExecs: 0, modules: 0, allocations: 0, timers: 0 });
}
