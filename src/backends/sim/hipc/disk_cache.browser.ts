/**
 * A browser has no disk cache of compiled HIP-C modules: package.json's "browser" map puts this file in place of
 * disk_cache.ts, whose node: imports a browser bundler cannot resolve. The in-memory cache still applies.
 */
import type { DiskCache } from './disk_cache.js';

export async function diskCache(): Promise<DiskCache | undefined> {
  return undefined;
}
