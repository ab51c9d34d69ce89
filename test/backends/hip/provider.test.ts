// hipProvider on a machine without a usable GPU: probe explains, open fails with UNAVAILABLE naming the library
// and the driver's own error. (On a GPU machine these run in test/hip/gpu/ instead.)
import { describe, expect, it } from 'vitest';
import { hipProvider } from '../../../src/backends/hip/index.js';
import { isLoaded, loadFirst } from '../../../src/backends/hip/library.js';
import { CUDA_LIBRARY_CANDIDATES } from '../../../src/backends/hip/nvidia_api.js';
import { HalError, StatusCode } from '../../../src/core/errors.js';
import { hipLibraryMissing, NO_AMD_GPU, requirement } from '../../helpers/hip_env.js';

const noCuda = !isLoaded(loadFirst(CUDA_LIBRARY_CANDIDATES));

describe('hipProvider option checks', () => {
  it('probe never throws, even for bad options', async () => {
    const result = await hipProvider.probe({ platform: 'metal' });
    expect(result.available).toBe(false);
    if (result.available) return;
    expect(result.error?.code).toBe(StatusCode.INVALID_ARGUMENT);
    expect(result.reason).toContain(`platform must be 'amd', 'nvidia' or 'auto' (got "metal")`);
  });

  it('open rejects bad options with INVALID_ARGUMENT naming the field', async () => {
    await expect(hipProvider.open({ ordinal: -1 })).rejects.toMatchObject({ code: StatusCode.INVALID_ARGUMENT, message: expect.stringContaining('ordinal') });
    await expect(hipProvider.open({ platform: 7 })).rejects.toMatchObject({ code: StatusCode.INVALID_ARGUMENT });
  });
});

describe.skipIf(!noCuda)(`nvidia platform without libcuda${noCuda ? '' : ' (skipped: libcuda is installed here)'}`, () => {
  it('open names libcuda.so.1 and the loader error', async () => {
    const error = await hipProvider.open({ platform: 'nvidia' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HalError);
    expect((error as HalError).code).toBe(StatusCode.UNAVAILABLE);
    expect((error as HalError).message).toMatch(/nvidia: cannot load libcuda\.so\.1 .*libcuda\.so\.1: .+/);
  });
});

const amdWithoutGpu = requirement(hipLibraryMissing() ?? (NO_AMD_GPU ? undefined : 'an AMD GPU is present'));

describe.skipIf(amdWithoutGpu.skip)(`amd platform without an AMD GPU${amdWithoutGpu.note}`, () => {
  it("open fails UNAVAILABLE with hipInit's own error", async () => {
    const error = (await hipProvider.open({ platform: 'amd' }).catch((e: unknown) => e)) as HalError;
    expect(error).toBeInstanceOf(HalError);
    expect(error.code).toBe(StatusCode.UNAVAILABLE);
    expect(error.message).toMatch(/^UNAVAILABLE: amd: libamdhip64\.so\.\d loaded, but hipInit failed: hipError\w+ \(\d+\): .+\/dev\/kfd/);
    expect(error.driver).toMatchObject({ api: 'hip', call: 'hipInit', name: expect.stringMatching(/^hipError/) });
    expect(error.driver?.number).toBeGreaterThan(0);
  });

  it('probe explains every platform tried, keeping the HIP driver error', async () => {
    const result = await hipProvider.probe();
    if (!noCuda) return; // a CUDA machine may make 'auto' available
    expect(result.available).toBe(false);
    if (result.available) return;
    expect(result.reason).toContain('amd: libamdhip64');
    expect(result.reason).toContain('hipInit failed');
    expect(result.reason).toContain('nvidia: cannot load libcuda.so.1');
    expect(result.error?.driver?.call).toBe('hipInit');
  });
});
