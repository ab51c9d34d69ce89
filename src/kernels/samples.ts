/**
 * The sample executable: every sample kernel as one executable. Its 'hip-source' payload (hip_source.ts) is what
 * every backend loads: hiprtc / nvrtc on a GPU, and on the simulator the image scripts/build-asm.mjs compiled from
 * the same string (src/backends/sim/hipc/prebuilt.ts), so no compiler is needed at run time. The 'sim-wasm' payload
 * carries the AssemblyScript twins (asm/kernels/samples/): the simulator's speed reference, loaded when asked for by
 * format, and the fallback where a simulator cannot prepare the HIP-C. The demo, the tests and the differential GPU
 * test all load this.
 */
import { sample_kernels } from '../backends/sim/generated/kernels/index.js';
import { parseExecutableManifest, type ExecutableManifest } from '../core/executable_manifest.js';
import type { ExecutableManifestInput } from '../core/manifest_input.js';
import { sampleHipSource } from './hip_source.js';
import { sampleKernelSpecs } from './kernel_specs.js';

/** The raw manifest (what a user would write), before parsing. */
export function sampleExecutableManifestInput(): ExecutableManifestInput & {
  entryPoints: {
    name: string;
    workgroupSize: [number, number, number];
    sharedMemoryBytes: number;
    layout: { sets: { bindings: { readOnly: boolean }[] }[]; pushConstants: number };
  }[];
  payloads: { 'hip-source': { source: string }; 'sim-wasm': { bytes: Uint8Array } };
} {
  return {
    name: 'gpuhal_samples',
    entryPoints: sampleKernelSpecs.map((spec) => ({
      name: spec.name,
      workgroupSize: [...spec.workgroupSize],
      sharedMemoryBytes: spec.sharedMemoryBytes,
      layout: { sets: [{ bindings: spec.bindings.map((b) => ({ readOnly: b.readOnly })) }], pushConstants: spec.constants.length },
    })),
    payloads: {
      'hip-source': { source: sampleHipSource },
      'sim-wasm': { bytes: sample_kernels },
    },
  };
}

/** The parsed, validated sample executable manifest. */
export function sampleExecutableManifest(): ExecutableManifest {
  return parseExecutableManifest(sampleExecutableManifestInput());
}
