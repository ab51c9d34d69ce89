// Compiles every HIP-C source of the GPU differential (test/backends/sim/hipc/gpu) for the simulator into the compile cache
// that travels to the GPU machine (.device/hipc-cache): that machine has no clang, so the simulator's side of
// the differential must find its modules there. Run by pack.sh after the build (it imports dist/).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
process.env.GPUHAL_CACHE_DIR = join(root, '.device', 'hipc-cache');
const { createSimDriver } = await import(join(root, 'dist/src/backends/sim/index.js'));
const { sampleHipSource } = await import(join(root, 'dist/src/kernels/hip_source.js'));

const sources = [['samples', sampleHipSource]];
for (const file of readdirSync(join(root, 'kernels')).filter((f) => f.endsWith('.hip')).sort()) {
  sources.push([file, readFileSync(join(root, 'kernels', file), 'utf8')]);
}
const driver = createSimDriver({ memoryBytes: 4 * 1024 * 1024 });
try {
  for (const [label, source] of sources) {
    const started = performance.now();
    await driver.prepareModule({ format: 'hip-source', source, label });
    console.error(`hipc-precompile: ${label} (${(performance.now() - started).toFixed(0)} ms)`);
  }
} finally {
  driver.destroy();
}
