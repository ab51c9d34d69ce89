// How long opening and destroying a hip driver takes (what every test that creates a device pays), from dist/.
// Run on the GPU machine: source scripts/gpu/remote-env.sh && node scripts/gpu/open-timing.mjs
import { hipProvider } from '../../dist/src/backends/hip/index.js';
import { sampleHipSource } from '../../dist/src/kernels/hip_source.js';

for (const platform of ['auto', 'nvidia']) {
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const driver = await hipProvider.open({ platform });
    const t1 = performance.now();
    const module = driver.moduleLoad({ format: 'hip-source', source: sampleHipSource, label: 'samples' });
    const t2 = performance.now();
    driver.moduleUnload(module);
    driver.destroy();
    const t3 = performance.now();
    console.log(`open(${platform}) #${i}: open ${(t1 - t0).toFixed(1)} ms, moduleLoad ${(t2 - t1).toFixed(1)} ms, destroy ${(t3 - t2).toFixed(1)} ms`);
  }
}
