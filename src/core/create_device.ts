/**
 * `createDevice`: picks a backend from the registry, opens its driver with the options meant for it, and wraps it
 * in a `Device`. Options are parsed and checked in device_options.ts.
 */
import { Device } from './device.js';
import { parseOptions, type DeviceOptions, type ParsedOptions } from './device_options.js';
import type { DriverProvider } from './driver.js';
import { invalidArgument } from './errors.js';
import { openFirstUsable, registeredBackends } from './registry.js';

/**
 * Opens a device. `backend: 'auto'` (the default) tries every registered backend in registration order, records in `info.backendNotes` why
 * a backend was skipped; a list is tried in its order; a single name must work or the call rejects.
 */
export async function createDevice(options: DeviceOptions = {}): Promise<Device> {
  const parsed = parseOptions(options);
  const requested = parsed.backend ?? 'auto';
  const known = registeredBackends();
  const candidates = requested === 'auto' ? known : typeof requested === 'string' ? [requested] : [...requested];
  for (const name of candidates) {
    if (!known.includes(name)) {
      throw invalidArgument(`createDevice options.backend ${JSON.stringify(name)} is not a registered backend (known: ${known.join(', ')})`);
    }
  }
  const { driver, backend, notes } = await openFirstUsable(candidates, (name, provider) => backendOptions(name, provider, parsed));
  try {
    return Device.open(driver, backend, parsed, notes);
  } catch (error) {
    driver.destroy();
    throw error;
  }
}

/** What one backend's provider receives: its own option object, plus the shared options it declares it takes. */
function backendOptions(name: string, provider: DriverProvider, options: ParsedOptions): Record<string, unknown> {
  const shared: Record<string, unknown> = {};
  for (const key of provider.sharedOptions ?? []) if (options[key] !== undefined) shared[key] = options[key];
  return { ...shared, ...options.backendOptions[name] };
}
