// Kernels that are not extern "C": a plain C++ __global__ function is named by its plain name; an explicit
// instantiation of a template kernel by its mangled name, the symbol the GPU's module (nvrtc, hiprtc) knows it by.
import { describe, expect, it } from 'vitest';
import { createSimDriver } from '../../../../src/backends/sim/index.js';
import { HalError, StatusCode } from '../../../../src/core/errors.js';
import { asU32, f32Bytes, loadHip, runHip, u32Bytes, asF32 } from '../../../helpers/hipc.js';

const source = `
template <typename T> __global__ void scale(T* data, T factor, unsigned n) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) data[i] = data[i] * factor;
}
template __global__ void scale<unsigned>(unsigned*, unsigned, unsigned);
template __global__ void scale<float>(float*, float, unsigned);
__global__ void add_one(unsigned* data) { data[threadIdx.x] += 1; }
`;

describe('C++ kernels: plain names and template instantiations', { timeout: 300_000 }, () => {
  it('each explicit instantiation is an entry point under its mangled name, and runs its own type', async () => {
    const u = await runHip(source, { entry: '_Z5scaleIjEvPT_S0_j', grid: [1, 1, 1], block: [8, 1, 1], inputs: [u32Bytes([1, 2, 3, 4, 5, 6, 7, 8])], constants: [3, 8] });
    expect(u.error).toBeUndefined();
    expect([...asU32(u.outputs[0]!)]).toEqual([3, 6, 9, 12, 15, 18, 21, 24]);
    const f = await runHip(source, { entry: '_Z5scaleIfEvPT_S0_j', grid: [1, 1, 1], block: [4, 1, 1], inputs: [f32Bytes([1, 2, 3, 4])], constants: [new Uint32Array(new Float32Array([0.5]).buffer)[0]!, 4] });
    expect(f.error).toBeUndefined();
    expect([...asF32(f.outputs[0]!)]).toEqual([0.5, 1, 1.5, 2]);
  });

  it('a __global__ function without extern "C" is named by its plain name', async () => {
    const run = await runHip(source, { entry: 'add_one', grid: [1, 1, 1], block: [2, 1, 1], inputs: [u32Bytes([5, 9])] });
    expect(run.error).toBeUndefined();
    expect([...asU32(run.outputs[0]!)]).toEqual([6, 10]);
  });

  it('asking for a template kernel by its plain name names the instantiations\' mangled names', async () => {
    const driver = createSimDriver({ memoryBytes: 8 * 1024 * 1024 });
    try {
      const module = await loadHip(driver, source);
      let error: unknown;
      try {
        driver.moduleGetFunction(module, 'scale');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(HalError);
      expect((error as HalError).code).toBe(StatusCode.NOT_FOUND);
      expect((error as HalError).message).toMatch(/no entry point 'scale'.*'scale' is a template kernel: name an explicit instantiation by its mangled name: _Z5scaleIfEvPT_S0_j, _Z5scaleIjEvPT_S0_j/);
      driver.moduleUnload(module);
    } finally {
      driver.destroy();
    }
  });

  it('a source whose only kernel is an uninstantiated template is a compile error saying how to instantiate it', async () => {
    const error = await runHip('template <class T> __global__ void fill(T* p) { p[threadIdx.x] = T(1); }',
      { entry: 'fill', grid: [1, 1, 1], block: [1, 1, 1], inputs: [new Uint8Array(4)] }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HalError);
    expect((error as HalError).message).toMatch(/no __global__ kernel found.*template kernel\(s\) 'fill' need an explicit instantiation \(`template __global__ void fill<float>\(\.\.\.\);`\), whose entry point is its mangled name/);
  });
});
