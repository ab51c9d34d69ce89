/**
 * `gpuhal/kernels`: the sample kernels, ready to dispatch. Their executable manifest (one HIP-C source for every
 * backend, plus AssemblyScript WebAssembly for the simulator), each kernel's interface (bindings, push constants,
 * workgroup size), plain TypeScript references to check results against, and the bit-pattern helpers push
 * constants need.
 *
 *   const executable = await device.createExecutable(sampleExecutableManifestInput());
 *   const spec = sampleKernelSpec('saxpy_f32');   // bindings x (read-only), y; constants a (f32), count (u32)
 *   commands.pushConstants({ layout, values: [f32Bits(2.5), count] });
 *   commands.dispatch({ executable, entryPoint: spec.name, workgroupCount: [workgroupsFor(spec, count), 1, 1] });
 */
export { sampleExecutableManifest, sampleExecutableManifestInput } from './samples.js';
export {
  bindingBytes,
  sampleKernelSpec,
  sampleKernelSpecs,
  workgroupsFor,
  type KernelBindingSpec,
  type KernelConstantSpec,
  type SampleKernelName,
  type SampleKernelSpec,
  type ScalarType,
} from './kernel_specs.js';
export { addI32, copyU32, fillU32, histogramU8, reduceSumU32, runReference, saxpyF32, scaleI32 } from './reference.js';
export { f32Bits, f32FromBits, f64Words, i32Bits, u64Words } from '../core/bit_patterns.js';
export { hipSourceFor, sampleHipSource } from './hip_source.js';
