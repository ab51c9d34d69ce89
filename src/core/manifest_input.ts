/**
 * The executable manifest as a user writes it, typed: what `device.createExecutable(manifest)` accepts before
 * parsing fills defaults and decodes base64 (executable_manifest.ts checks it at run time and names any bad field).
 *
 *   const manifest: ExecutableManifestInput = {
 *     name: 'mine',
 *     entryPoints: [{ name: 'scale', workgroupSize: [64, 1, 1], layout: { sets: [{ bindings: [{}] }], pushConstants: 2 } }],
 *     payloads: { 'sim-wasm': { bytes: wasmBytes } },
 *   };
 *
 * A kernel's arguments are every binding's device address in set-major order, then the push constants as 32-bit
 * words (docs/design.md); the layout fixes that signature for every payload.
 */

export interface BindingInput {
  /** The kernel only reads this binding (default false). */
  readonly readOnly?: boolean;
}

export interface PipelineLayoutInput {
  /** Descriptor sets in order, each its bindings in order. */
  readonly sets: readonly { readonly bindings: readonly BindingInput[] }[];
  /** How many 32-bit push constants the kernel takes. */
  readonly pushConstants: number;
}

export interface EntryPointInput {
  /** A C identifier, unique in the manifest: the kernel's symbol in every payload. */
  readonly name: string;
  /** Invocations per workgroup along x, y, z. */
  readonly workgroupSize: readonly [number, number, number];
  /** Dynamic shared memory per workgroup (default 0). */
  readonly sharedMemoryBytes?: number;
  readonly layout: PipelineLayoutInput;
}

/**
 * The payloads, one per format a backend may load; at least one. Binary payloads are a Uint8Array or a base64
 * string. An interface, so that a payload format added later extends it rather than replacing it.
 */
export interface ManifestPayloadsInput {
  /** A WebAssembly module for the simulator (the sim kernel ABI: asm/kernels/abi.ts). */
  readonly 'sim-wasm'?: { readonly bytes: Uint8Array | string };
  /** HIP-C source, compiled at load time by hiprtc or nvrtc. */
  readonly 'hip-source'?: { readonly source: string; readonly compileOptions?: readonly string[] };
  /** AMD code objects keyed by gfx target ('gfx90a', 'gfx942:sramecc+:xnack-'). */
  readonly amdgcn?: { readonly targets: Readonly<Record<string, Uint8Array | string>> };
  /** PTX for NVIDIA GPUs. */
  readonly ptx?: { readonly source: string };
}

export interface ExecutableManifestInput {
  /** A C identifier; the executable's label. */
  readonly name: string;
  readonly entryPoints: readonly EntryPointInput[];
  readonly payloads: ManifestPayloadsInput;
}
