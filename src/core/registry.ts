/**
 * The backend registry: which drivers `createDevice` can open, loaded lazily.
 *
 * The core knows no backend by name: backends register here (gpuhal's own in src/backends/builtin.ts, which the
 * package entry imports), usually as loaders (dynamic imports), so that importing gpuhal loads no backend until a
 * device asks for it — a backend with native bindings must not be loaded in a browser. `backend: 'auto'` tries
 * the registered backends in registration order.
 */
import type { BackendAvailability, DriverDeviceSummary, DriverProvider, GpuDriver } from './driver.js';
import { HalError, StatusCode, invalidArgument } from './errors.js';

export type BackendLoader = () => Promise<DriverProvider>;

const loaders = new Map<string, BackendLoader>();
const loaded = new Map<string, Promise<DriverProvider>>();

/** Registers (or replaces) a backend by name; `provider` may be the provider itself or a loader for it. */
export function registerBackend(name: string, provider: DriverProvider | BackendLoader): void {
  if (typeof name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(name)) {
    throw invalidArgument(`registerBackend name must be a lowercase identifier (got ${JSON.stringify(name)})`);
  }
  const loader: BackendLoader =
    typeof provider === 'function'
      ? provider
      : provider !== null && typeof provider === 'object' && typeof provider.open === 'function' && typeof provider.probe === 'function'
        ? async () => provider
        : (() => {
            throw invalidArgument(`registerBackend provider for "${name}" must have probe() and open(), or be a loader function`);
          })();
  loaders.set(name, loader);
  loaded.delete(name);
}

export function registeredBackends(): string[] {
  return [...loaders.keys()];
}

/** Loads a backend's provider; UNAVAILABLE (with the import error as cause) when its module cannot load. */
export function loadBackend(name: string): Promise<DriverProvider> {
  const loader = loaders.get(name);
  if (loader === undefined) {
    return Promise.reject(
      new HalError(StatusCode.NOT_FOUND, `backend ${JSON.stringify(name)} is not registered (known: ${registeredBackends().join(', ')})`),
    );
  }
  let promise = loaded.get(name);
  if (promise === undefined) {
    promise = loader().catch((error: unknown) => {
      loaded.delete(name);
      throw HalError.is(error)
        ? error
        : new HalError(StatusCode.UNAVAILABLE, `backend ${name} failed to load: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    loaded.set(name, promise);
  }
  return promise;
}

export interface BackendStatus {
  readonly name: string;
  readonly available: boolean;
  /** Why it is unavailable (library missing, no device, module failed to load, ...). */
  readonly reason?: string;
  readonly devices: readonly DriverDeviceSummary[];
}

/** Probes a backend without throwing. */
export async function probeBackend(name: string, options?: Readonly<Record<string, unknown>>): Promise<BackendAvailability> {
  try {
    return await probeProvider(await loadBackend(name), options);
  } catch (error) {
    return unavailable(error);
  }
}

/** A provider's probe, with a throwing probe (which the contract forbids) reported as unavailable. */
async function probeProvider(provider: DriverProvider, options?: Readonly<Record<string, unknown>>): Promise<BackendAvailability> {
  try {
    return await provider.probe(options);
  } catch (error) {
    return unavailable(error);
  }
}

function unavailable(error: unknown): BackendAvailability {
  const reason = error instanceof Error ? error.message : String(error);
  return HalError.is(error) ? { available: false, reason, error } : { available: false, reason };
}

/** Every registered backend, each available or not with the reason. */
export async function listBackends(): Promise<BackendStatus[]> {
  const names = registeredBackends();
  const results = await Promise.all(names.map((name) => probeBackend(name)));
  return results.map((availability, i) =>
    availability.available
      ? { name: names[i]!, available: true, devices: availability.devices }
      : { name: names[i]!, available: false, reason: availability.reason, devices: [] },
  );
}

/**
 * Opens the first usable backend of `candidates`, in order, noting why each earlier one was skipped (its probe's
 * reason, or the error `open` threw). A single candidate is opened directly and its error propagates unchanged;
 * when none can be opened, UNAVAILABLE lists every reason.
 */
export async function openFirstUsable(
  candidates: readonly string[],
  optionsFor: (name: string, provider: DriverProvider) => Readonly<Record<string, unknown>>,
): Promise<{ driver: GpuDriver; backend: string; notes: string[] }> {
  if (candidates.length === 1) {
    const backend = candidates[0]!;
    const provider = await loadBackend(backend);
    return { driver: await provider.open(optionsFor(backend, provider)), backend, notes: [] };
  }
  const notes: string[] = [];
  let lastError: unknown;
  for (const backend of candidates) {
    let provider: DriverProvider;
    let options: Readonly<Record<string, unknown>>;
    let availability: BackendAvailability;
    try {
      provider = await loadBackend(backend);
      options = optionsFor(backend, provider);
      availability = await probeProvider(provider, options);
    } catch (error) {
      notes.push(`${backend}: ${error instanceof Error ? error.message : String(error)}`);
      lastError = error;
      continue;
    }
    // Bad options are the caller's mistake, not a missing backend: never fall through to the next candidate.
    if (!availability.available && availability.error?.code === StatusCode.INVALID_ARGUMENT) throw availability.error;
    if (!availability.available) {
      notes.push(`${backend}: ${availability.reason}`);
      lastError = availability.error ?? new HalError(StatusCode.UNAVAILABLE, `backend ${backend} is unavailable: ${availability.reason}`);
      continue;
    }
    try {
      return { driver: await provider.open(options), backend, notes };
    } catch (error) {
      notes.push(`${backend}: ${error instanceof Error ? error.message : String(error)}`);
      lastError = error;
    }
  }
  throw new HalError(StatusCode.UNAVAILABLE, `no usable backend among ${candidates.join(', ')}: ${notes.join('; ')}`, { cause: lastError });
}
