// Loading the real ROCm HIP runtime and resolving the backend's symbol tables against it, without a GPU.
import { describe, expect, it } from 'vitest';
import { AmdApi, HIP_LIBRARY_CANDIDATES, HIP_SYMBOLS } from '../../../src/backends/hip/amd_api.js';
import { bindSymbols, isLoaded, loadFirst, type LoadedLibrary } from '../../../src/backends/hip/library.js';
import { CUDA_SYMBOLS } from '../../../src/backends/hip/nvidia_api.js';
import { hipLibraryMissing, requirement } from '../../helpers/hip_env.js';

const hip = requirement(hipLibraryMissing());

describe.skipIf(hip.skip)(`libamdhip64 symbol resolution${hip.note}`, () => {
  const loaded = loadFirst(HIP_LIBRARY_CANDIDATES) as LoadedLibrary;

  it('loads by soname and keeps the library loaded (the same handle every time)', () => {
    expect(isLoaded(loaded)).toBe(true);
    expect(HIP_LIBRARY_CANDIDATES).toContain(loaded.name);
    expect((loadFirst(HIP_LIBRARY_CANDIDATES) as LoadedLibrary).lib).toBe(loaded.lib);
  });

  it('resolves every required symbol', () => {
    const bound = bindSymbols(loaded.lib, HIP_SYMBOLS);
    expect(bound.missingRequired).toEqual([]);
    expect(Object.keys(bound.fns)).toEqual(expect.arrayContaining(Object.keys(HIP_SYMBOLS.required)));
  });

  it('reports each missing optional symbol with the fallback in effect', () => {
    const bound = bindSymbols(loaded.lib, HIP_SYMBOLS);
    const api = new AmdApi(loaded);
    expect(Object.keys(api.fallbacks).sort()).toEqual([...bound.missingOptional].sort());
    for (const name of bound.missingOptional) expect(api.fallbacks[name]).toMatch(/falls back|not offered|use /);
    expect(api.hasAsyncAllocation).toBe(!bound.missingOptional.includes('hipMallocAsync'));
  });

  const probeApi = isLoaded(loaded) ? new AmdApi(loaded) : undefined;
  probeApi?.readVersions();
  // HIP_VERSION = major * 10^7 + minor * 10^5 + patch
  const runtime = Number(/HIP (\d+)/.exec(probeApi?.details.runtimeVersion ?? '')?.[1] ?? NaN);
  const isRocm52 = runtime >= 50200000 && runtime < 50300000;

  it.skipIf(!isRocm52)(
    `on ROCm 5.2 (Debian's libamdhip64.so.5) falls back for hipLaunchHostFunc and hipDrvGraphAddMemcpyNode${isRocm52 ? '' : ` (skipped: runtime ${runtime} is not 5.2)`}`,
    () => {
      expect(probeApi!.fallbacks.hipLaunchHostFunc).toContain('host functions are not offered');
      expect(probeApi!.fallbacks.hipDrvGraphAddMemcpyNode).toContain('hipGraphAddMemcpyNode1D');
      expect(probeApi!.fallbacks.hipMallocAsync).toBeUndefined();
    },
  );

  it("binds hipDeviceSynchronize, which destroy() needs to wait for work still in flight", () => {
    expect(HIP_SYMBOLS.required.hipDeviceSynchronize).toBe('int $()');
    const sync = bindSymbols(loaded.lib, HIP_SYMBOLS).fns.hipDeviceSynchronize;
    expect(sync).toBeTypeOf('function');
    // Callable through the bound prototype: without an AMD GPU it returns an error status instead of waiting.
    const status = sync!() as number;
    expect(Number.isInteger(status)).toBe(true);
    console.log(`[hip] hipDeviceSynchronize() without a device returned ${status}`);
  });

  it('names the lacking symbols when a library is not a HIP runtime', () => {
    const libc = loadFirst(['libc.so.6']) as LoadedLibrary;
    expect(() => new AmdApi(libc)).toThrow(/libc\.so\.6 lacks required symbols: hipInit, /);
  });
});

describe('library loading failures', () => {
  it('lists every candidate with the loader message', () => {
    const result = loadFirst(['libgpuhal-does-not-exist.so.1', 'libgpuhal-nor-this.so']);
    expect(isLoaded(result)).toBe(false);
    if (isLoaded(result)) return;
    expect(result.attempts.map((a) => a.name)).toEqual(['libgpuhal-does-not-exist.so.1', 'libgpuhal-nor-this.so']);
    for (const attempt of result.attempts) expect(attempt.error.length).toBeGreaterThan(0);
  });

  it('requires cuCtxSynchronize (destroy() waits for work still in flight before freeing)', () => {
    expect(CUDA_SYMBOLS.required.cuCtxSynchronize).toBe('int $()');
  });

  it('binds only versioned CUDA symbols where CUDA has several', () => {
    const names = Object.keys(CUDA_SYMBOLS.required);
    for (const versioned of ['cuMemAlloc_v2', 'cuMemFree_v2', 'cuMemcpyHtoDAsync_v2', 'cuMemcpyDtoHAsync_v2', 'cuMemcpyDtoDAsync_v2', 'cuGraphAddKernelNode_v2', 'cuStreamDestroy_v2', 'cuEventDestroy_v2', 'cuDeviceTotalMem_v2', 'cuDevicePrimaryCtxRelease_v2']) {
      expect(names).toContain(versioned);
      expect(names).not.toContain(versioned.replace(/_v2$/, ''));
    }
  });
});
