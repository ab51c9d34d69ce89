/**
 * `createDevice`: picks a backend from the registry, opens its driver with the options meant for it, and wraps it
 * in a `Device`. Options are parsed and checked in device_options.ts.
 */
import { Device } from './device.js';
import { parseOptions, type DeviceOptions, type ParsedOptions } from './device_options.js';
import { invalidArgument } from './errors.js';
import { openFirstUsable, registeredBackends } from './registry.js';

/**
 * Opens a device. `backend: 'auto'` (the default) tries hip, then sim (those of them this build carries), and records in `info.backendNotes` why
 * a backend was skipped; a list is tried in its order; a single name must work or the call rejects.
 */
export async function createDevice(options: DeviceOptions = {}): Promise<Device> {
  const parsed = parseOptions(options);
  const requested = parsed.backend ?? 'auto';
  const known = registeredBackends();
  // 'auto' takes the built-in backends this build has: a browser bundle carries no hip to try.
  const candidates = requested === 'auto' ? ['hip', 'sim'].filter((name) => known.includes(name)) : typeof requested === 'string' ? [requested] : [...requested];
  for (const name of candidates) {
    if (!known.includes(name)) {
      throw invalidArgument(`createDevice options.backend ${JSON.stringify(name)} is not a registered backend (known: ${known.join(', ')})`);
    }
  }
  const { driver, backend, notes } = await openFirstUsable(candidates, (name) => backendOptions(name, parsed));
  try {
    return new Device(driver, backend, parsed, notes);
  } catch (error) {
    driver.destroy();
    throw error;
  }
}

function backendOptions(name: string, options: ParsedOptions): Record<string, unknown> {
  if (name === 'sim') {
    return {
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.memoryBytes !== undefined ? { memoryBytes: options.memoryBytes } : {}),
      ...options.sim,
    };
  }
  if (name === 'hip') return { ...options.hip };
  return { ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options as Record<string, unknown>)[name] as object };
}
