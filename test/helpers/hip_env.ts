/**
 * When the no-GPU hip tests can run here, and why not when they cannot.
 *
 * Outside CI a missing vendor library, header or tool skips the suite with the reason in its name. In CI (CI=true)
 * nothing is skipped: .ci/system-packages installs ROCm's HIP runtime, headers and hipcc, so a missing piece is a
 * failure of the CI set-up, not a reason to pass.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { HIP_LIBRARY_CANDIDATES } from '../../src/backends/hip/amd_api.js';
import { isLoaded, loadFirst } from '../../src/backends/hip/library.js';

export const IN_CI = process.env.CI === 'true';

export interface Requirement {
  /** True when the suite must be skipped. */
  readonly skip: boolean;
  /** Text for the suite title: '' or ' (skipped: ...)'. */
  readonly note: string;
}

export function requirement(missing: string | undefined): Requirement {
  if (missing === undefined || IN_CI) return { skip: false, note: '' };
  return { skip: true, note: ` (skipped: ${missing})` };
}

export function hipLibraryMissing(): string | undefined {
  const loaded = loadFirst(HIP_LIBRARY_CANDIDATES);
  return isLoaded(loaded) ? undefined : `${HIP_LIBRARY_CANDIDATES.join(' / ')} not installed (apt-get install libamdhip64-5)`;
}

export const HIP_HEADER = '/usr/include/hip/hip_runtime_api.h';

export function cudaHeaderDir(): string | undefined {
  const home = process.env.CUDA_HOME ?? process.env.CUDA_PATH ?? '/usr/local/cuda';
  return [`${home}/include`, '/usr/include'].find((dir) => existsSync(`${dir}/cuda.h`));
}

export function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** True on a machine without an AMD GPU (ROCm's kernel driver exposes /dev/kfd). */
export const NO_AMD_GPU = !existsSync('/dev/kfd');
