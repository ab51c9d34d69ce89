/**
 * The sample kernels' interface, stated once: bindings (in argument order), push constants, workgroup size and
 * shared memory. The executable manifest (samples.ts), the TypeScript references (reference.ts) and the tests
 * all derive from this table, so the three implementations of a kernel (AssemblyScript in
 * asm/kernels/samples/lib/, HIP-C in hip_source.ts, TypeScript in reference.ts) cannot drift apart silently.
 *
 * Every sample kernel is one-dimensional: invocation id = linear workgroup index × invocations per workgroup +
 * linear local id (x fastest; see asm/kernels/abi.ts), and invocations whose id is ≥ `count` do nothing.
 */

export type SampleKernelName =
  | 'fill_u32'
  | 'copy_u32'
  | 'add_i32'
  | 'scale_i32'
  | 'saxpy_f32'
  | 'histogram_u8'
  | 'reduce_sum_u32';

export type ScalarType = 'u8' | 'u32' | 'i32' | 'f32';

export interface KernelBindingSpec {
  readonly name: string;
  readonly element: ScalarType;
  /** The kernel only reads it. */
  readonly readOnly: boolean;
  /** Elements it must hold: one per invocation ('count'), or a fixed number (histogram bins, a sum). */
  readonly elements: 'count' | number;
}

export interface KernelConstantSpec {
  readonly name: string;
  /** How the 32 bits are read (an f32 constant travels as its bit pattern). */
  readonly type: 'u32' | 'i32' | 'f32';
}

export interface SampleKernelSpec {
  readonly name: SampleKernelName;
  readonly summary: string;
  readonly bindings: readonly KernelBindingSpec[];
  readonly constants: readonly KernelConstantSpec[];
  readonly workgroupSize: readonly [number, number, number];
  readonly sharedMemoryBytes: number;
  /** True when the kernel adds into its output (clear it first) instead of overwriting it. */
  readonly accumulates: boolean;
}

const WORKGROUP: readonly [number, number, number] = [256, 1, 1];

export const sampleKernelSpecs: readonly SampleKernelSpec[] = [
  {
    name: 'fill_u32',
    summary: 'out[i] = value',
    bindings: [{ name: 'out', element: 'u32', readOnly: false, elements: 'count' }],
    constants: [{ name: 'value', type: 'u32' }, { name: 'count', type: 'u32' }],
    workgroupSize: WORKGROUP,
    sharedMemoryBytes: 0,
    accumulates: false,
  },
  {
    name: 'copy_u32',
    summary: 'dst[i] = src[i]',
    bindings: [{ name: 'src', element: 'u32', readOnly: true, elements: 'count' }, { name: 'dst', element: 'u32', readOnly: false, elements: 'count' }],
    constants: [{ name: 'count', type: 'u32' }],
    workgroupSize: WORKGROUP,
    sharedMemoryBytes: 0,
    accumulates: false,
  },
  {
    name: 'add_i32',
    summary: 'c[i] = a[i] + b[i] (wrapping)',
    bindings: [
      { name: 'a', element: 'i32', readOnly: true, elements: 'count' },
      { name: 'b', element: 'i32', readOnly: true, elements: 'count' },
      { name: 'c', element: 'i32', readOnly: false, elements: 'count' },
    ],
    constants: [{ name: 'count', type: 'u32' }],
    workgroupSize: WORKGROUP,
    sharedMemoryBytes: 0,
    accumulates: false,
  },
  {
    name: 'scale_i32',
    summary: 'x[i] = x[i] * k (wrapping, in place)',
    bindings: [{ name: 'x', element: 'i32', readOnly: false, elements: 'count' }],
    constants: [{ name: 'k', type: 'i32' }, { name: 'count', type: 'u32' }],
    workgroupSize: WORKGROUP,
    sharedMemoryBytes: 0,
    accumulates: false,
  },
  {
    name: 'saxpy_f32',
    summary: 'y[i] = a * x[i] + y[i] (f32 multiply, then f32 add; never fused)',
    bindings: [{ name: 'x', element: 'f32', readOnly: true, elements: 'count' }, { name: 'y', element: 'f32', readOnly: false, elements: 'count' }],
    constants: [{ name: 'a', type: 'f32' }, { name: 'count', type: 'u32' }],
    workgroupSize: WORKGROUP,
    sharedMemoryBytes: 0,
    accumulates: false,
  },
  {
    name: 'histogram_u8',
    summary: 'bins[bytes[i]] += 1 over 256 u32 bins',
    bindings: [{ name: 'bytes', element: 'u8', readOnly: true, elements: 'count' }, { name: 'bins', element: 'u32', readOnly: false, elements: 256 }],
    constants: [{ name: 'count', type: 'u32' }],
    workgroupSize: WORKGROUP,
    sharedMemoryBytes: 1024,
    accumulates: true,
  },
  {
    name: 'reduce_sum_u32',
    summary: 'out[0] += sum of values[i] (mod 2^32)',
    bindings: [{ name: 'values', element: 'u32', readOnly: true, elements: 'count' }, { name: 'out', element: 'u32', readOnly: false, elements: 1 }],
    constants: [{ name: 'count', type: 'u32' }],
    workgroupSize: WORKGROUP,
    sharedMemoryBytes: 0,
    accumulates: true,
  },
];

const elementBytes: Readonly<Record<ScalarType, number>> = { u8: 1, u32: 4, i32: 4, f32: 4 };

/** Bytes binding `binding` must have for a dispatch over `count` elements. */
export function bindingBytes(binding: KernelBindingSpec, count: number): number {
  return (binding.elements === 'count' ? count : binding.elements) * elementBytes[binding.element];
}

export function sampleKernelSpec(name: SampleKernelName): SampleKernelSpec {
  const spec = sampleKernelSpecs.find((s) => s.name === name);
  if (spec === undefined) throw new RangeError(`no sample kernel named ${name}`);
  return spec;
}

/** Workgroups needed along x for `count` invocations at the kernel's workgroup size. */
export function workgroupsFor(spec: SampleKernelSpec, count: number): number {
  const [x, y, z] = spec.workgroupSize;
  return Math.ceil(count / (x * y * z));
}
