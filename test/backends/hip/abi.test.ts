// The koffi struct layouts and enum values in src/backends/hip/abi.ts against the vendors' own headers:
// abi/abi_check.c is compiled with the system C compiler and prints sizeof/offsetof/enum values as JSON.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CU, CUDA_STRUCTS, HIP, HIP_DEVICE_PROP, HIP_STRUCTS, layoutOf } from '../../../src/backends/hip/abi.js';
import { cudaHeaderDir, HIP_HEADER, onPath, requirement } from '../../helpers/hip_env.js';

const SOURCE = join(import.meta.dirname, '../../../src/backends/hip/abi/abi_check.c');

/** The system C compiler: cc where there is one, else the clang that hipcc brings along. */
const COMPILER = [process.env.CC, 'cc', 'gcc', 'clang', 'clang-15'].find((c): c is string => !!c && onPath(c));

type AbiReport = Record<string, number | { size: number; offsets: Record<string, number> }>;

function runAbiCheck(defines: string[], includes: string[]): AbiReport {
  const dir = mkdtempSync(join(tmpdir(), 'gpuhal-abi-'));
  const exe = join(dir, 'abi_check');
  if (!COMPILER) throw new Error('no C compiler on PATH (cc, gcc, clang, clang-15)');
  execFileSync(COMPILER, ['-std=c11', '-Wall', '-Werror', ...defines, ...includes.map((i) => `-I${i}`), '-o', exe, SOURCE], { stdio: 'pipe' });
  return JSON.parse(execFileSync(exe, { encoding: 'utf8' })) as AbiReport;
}

function expectStructsMatch(report: AbiReport, structs: typeof HIP_STRUCTS): void {
  for (const [name, type] of Object.entries(structs)) {
    const c = report[`struct ${name}`];
    expect(c, `abi_check.c prints struct ${name}`).toBeTypeOf('object');
    if (typeof c !== 'object') continue;
    const ours = layoutOf(type);
    expect({ name, size: ours.size, offsets: ours.offsets }).toEqual({ name, size: c.size, offsets: c.offsets });
  }
}

const hip = requirement(
  !existsSync(HIP_HEADER) ? `${HIP_HEADER} not found (apt-get install libamdhip64-dev)` : COMPILER ? undefined : 'no C compiler on PATH',
);

describe.skipIf(hip.skip)(`ABI against ROCm's HIP headers${hip.note}`, () => {
  const report = hip.skip ? {} : runAbiCheck(['-DGPUHAL_ABI_HIP'], []);

  it('every struct the amd adapter passes has the headers’ size and field offsets', () => {
    expect(report['value HIP_VERSION']).toBeGreaterThan(0);
    expectStructsMatch(report, HIP_STRUCTS);
  });

  it('hipDeviceProp_t: the fields read by offset', () => {
    expect(report['struct hipDeviceProp_t']).toEqual({
      size: HIP_DEVICE_PROP.size,
      offsets: { name: HIP_DEVICE_PROP.nameOffset, gcnArchName: HIP_DEVICE_PROP.gcnArchNameOffset },
    });
  });

  it('enum values', () => {
    const expected: Record<string, number> = {
      hipMemcpyDeviceToDevice: HIP.memcpyDeviceToDevice,
      hipStreamNonBlocking: HIP.streamNonBlocking,
      hipEventDisableTiming: HIP.eventDisableTiming,
      hipHostMallocDefault: HIP.hostMallocDefault,
      hipDeviceAttributeMaxThreadsPerBlock: HIP.attr.maxThreadsPerBlock,
      hipDeviceAttributeMaxBlockDimX: HIP.attr.maxBlockDimX,
      hipDeviceAttributeMaxBlockDimY: HIP.attr.maxBlockDimY,
      hipDeviceAttributeMaxBlockDimZ: HIP.attr.maxBlockDimZ,
      hipDeviceAttributeMaxGridDimX: HIP.attr.maxGridDimX,
      hipDeviceAttributeMaxGridDimY: HIP.attr.maxGridDimY,
      hipDeviceAttributeMaxGridDimZ: HIP.attr.maxGridDimZ,
      hipDeviceAttributeMaxSharedMemoryPerBlock: HIP.attr.maxSharedMemoryPerBlock,
      hipDeviceAttributeMultiprocessorCount: HIP.attr.multiprocessorCount,
      hipDeviceAttributeWarpSize: HIP.attr.warpSize,
      hipDeviceAttributeMemoryPoolsSupported: HIP.attr.memoryPoolsSupported,
      hipErrorNotReady: 600,
      hipErrorOutOfMemory: 2,
      hipErrorIllegalAddress: 700,
      hipErrorLaunchFailure: 719,
      hipErrorInvalidValue: 1,
      hipErrorNotFound: 500,
    };
    for (const [name, value] of Object.entries(expected)) expect({ name, value: report[`value ${name}`] }).toEqual({ name, value });
  });
});

const cudaDir = cudaHeaderDir();
// CUDA's headers are not Debian packages CI installs; they are checked wherever a CUDA toolkit is present.
const cuda =
  cudaDir === undefined || !COMPILER
    ? { skip: true, note: cudaDir === undefined ? ' (skipped: cuda.h not found; set CUDA_HOME)' : ' (skipped: no C compiler on PATH)' }
    : { skip: false, note: ` (${cudaDir}/cuda.h)` };

describe.skipIf(cuda.skip)(`ABI against CUDA's cuda.h${cuda.note}`, () => {
  const report = cuda.skip ? {} : runAbiCheck(['-DGPUHAL_ABI_CUDA'], [cudaDir!]);

  it('every struct the nvidia adapter passes has the header’s size and field offsets', () => {
    expect(report['value CUDA_VERSION']).toBeGreaterThanOrEqual(12000);
    expectStructsMatch(report, CUDA_STRUCTS);
  });

  it('enum values', () => {
    const expected: Record<string, number> = {
      CU_MEMORYTYPE_DEVICE: CU.memorytypeDevice,
      CU_STREAM_NON_BLOCKING: CU.streamNonBlocking,
      CU_EVENT_DISABLE_TIMING: CU.eventDisableTiming,
      CU_MEMHOSTALLOC_PORTABLE: CU.memhostallocPortable,
      CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: CU.attr.maxThreadsPerBlock,
      CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X: CU.attr.maxBlockDimX,
      CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y: CU.attr.maxBlockDimY,
      CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z: CU.attr.maxBlockDimZ,
      CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: CU.attr.maxGridDimX,
      CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y: CU.attr.maxGridDimY,
      CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z: CU.attr.maxGridDimZ,
      CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: CU.attr.maxSharedMemoryPerBlock,
      CU_DEVICE_ATTRIBUTE_WARP_SIZE: CU.attr.warpSize,
      CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: CU.attr.multiprocessorCount,
      CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: CU.attr.computeCapabilityMajor,
      CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: CU.attr.computeCapabilityMinor,
      CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED: CU.attr.memoryPoolsSupported,
      CUDA_ERROR_NOT_READY: 600,
      CUDA_ERROR_OUT_OF_MEMORY: 2,
      CUDA_ERROR_ILLEGAL_ADDRESS: 700,
      CUDA_ERROR_LAUNCH_FAILED: 719,
      CUDA_ERROR_INVALID_VALUE: 1,
      CUDA_ERROR_NOT_FOUND: 500,
    };
    for (const [name, value] of Object.entries(expected)) expect({ name, value: report[`value ${name}`] }).toEqual({ name, value });
  });
});
