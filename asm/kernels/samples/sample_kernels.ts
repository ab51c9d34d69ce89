// The sample executable's simulator module: every sample kernel in one WASM module, so the manifest in
// src/kernels/samples.ts carries one 'sim-wasm' payload for all its entry points (as a GPU code object does).
// Each kernel lives in lib/ with its semantics; src/kernels/reference.ts and src/kernels/hip_source.ts are its
// TypeScript and HIP-C twins.
export { fill_u32 } from './lib/fill_u32';
export { copy_u32 } from './lib/copy_u32';
export { add_i32 } from './lib/add_i32';
export { scale_i32 } from './lib/scale_i32';
export { saxpy_f32 } from './lib/saxpy_f32';
export { histogram_u8 } from './lib/histogram_u8';
export { reduce_sum_u32 } from './lib/reduce_sum_u32';
