/**
 * The on-disk cache of compiled HIP-C modules, in Node: GPUHAL_CACHE_DIR, else ~/.cache/gpuhal/hipc. A browser
 * bundle gets disk_cache.browser.ts instead (package.json's "browser" map), so no bundler meets node: imports.
 */
import type { KernelModuleImage } from './postprocess.js';

export interface DiskCache {
  read(key: string): Promise<KernelModuleImage | undefined>;
  write(key: string, image: KernelModuleImage): Promise<void>;
}

const disks = new Map<string, Promise<DiskCache | undefined>>();

/** The on-disk cache (Node only; undefined in a browser or when the directory cannot be created). */
export async function diskCache(): Promise<DiskCache | undefined> {
  if (typeof process === 'undefined' || process.versions?.node === undefined) return undefined;
  const path = await import('node:path');
  const os = await import('node:os');
  // Read on every compile, so a process (a benchmark, a test) can point it elsewhere.
  const dir = process.env['GPUHAL_CACHE_DIR'] ?? path.join(os.homedir(), '.cache', 'gpuhal', 'hipc');
  let disk = disks.get(dir);
  if (disk === undefined) {
    disk = openDiskCache(dir);
    disks.set(dir, disk);
  }
  return disk;
}

async function openDiskCache(dir: string): Promise<DiskCache | undefined> {
  try {
    const fs = await import('node:fs/promises');
    const path = await import('node:path');
    await fs.mkdir(dir, { recursive: true });
    return {
      async read(key) {
        try {
          const [wasm, meta] = await Promise.all([fs.readFile(path.join(dir, `${key}.wasm`)), fs.readFile(path.join(dir, `${key}.json`), 'utf8')]);
          const parsed = JSON.parse(meta) as { kernels: Record<string, boolean>; threadMemory: boolean };
          return { wasm: new Uint8Array(wasm), kernels: parsed.kernels, threadMemory: parsed.threadMemory };
        } catch {
          return undefined;
        }
      },
      async write(key, image) {
        // Written under a temporary name and renamed, so a concurrent reader never sees half a file.
        const tmp = `.${key}.${process.pid}.${Date.now()}`;
        await fs.writeFile(path.join(dir, `${tmp}.wasm`), image.wasm);
        await fs.rename(path.join(dir, `${tmp}.wasm`), path.join(dir, `${key}.wasm`));
        await fs.writeFile(path.join(dir, `${tmp}.json`), JSON.stringify({ kernels: image.kernels, threadMemory: image.threadMemory }));
        await fs.rename(path.join(dir, `${tmp}.json`), path.join(dir, `${key}.json`));
      },
    };
  } catch {
    return undefined;
  }
}

