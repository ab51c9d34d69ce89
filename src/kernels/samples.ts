/**
 * The sample executable: every sample kernel as one executable, with a 'sim-wasm' payload (the AssemblyScript
 * kernels of asm/kernels/samples/, compiled by scripts/build-asm.mjs) and a 'hip-source' payload (their HIP-C
 * twins). The demo, the tests and the differential GPU test all load this.
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
  payloads: { 'sim-wasm': { bytes: Uint8Array }; 'hip-source': { source: string } };
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
      'sim-wasm': { bytes: sample_kernels },
      'hip-source': { source: sampleHipSource },
    },
  };
}

/** The parsed, validated sample executable manifest. */
export function sampleExecutableManifest(): ExecutableManifest {
  return parseExecutableManifest(sampleExecutableManifestInput());
}
