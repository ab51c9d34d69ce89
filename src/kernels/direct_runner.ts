/**
 * Runs a sim-wasm kernel module directly on a WebAssembly.Memory of its own, without the simulated device: the
 * argument block of asm/kernels/abi.ts is written here and the entry point is called once per workgroup, which
 * is exactly how the device drives a kernel. Kernel tests and benchmarks use it to exercise the real compiled
 * kernels in isolation (and to pick the workgroup order, which the device's seeded scheduler owns).
 *
 * Memory map: [0, 64) is never handed out (address 0 means "no binding" in the ABI); allocations grow upward
 * from 64; each dispatch writes its argument block and shared scratch just above the last allocation.
 */
import type { DevicePtr, KernelBinding } from '../core/driver.js';
import { DEVICE_CONTRACT } from '../backends/sim/device_contract.js';
import { seededRandom } from '../util/seeded_random.js';

const PAGE = 65536;
// The argument block's layout (asm/kernels/abi.ts), as the simulator's device contract states it.
const { ARG_BINDING_COUNT, ARG_CONSTANT_COUNT, ARG_WORKGROUP_SIZE, ARG_WORKGROUP_COUNT, ARG_SHARED_PTR, ARG_SHARED_BYTES, ARG_BINDINGS } = DEVICE_CONTRACT;

/** Fault kinds of asm/kernels/abi.ts. */
export const KernelFaultKind = { 1: 'out-of-bounds', 2: 'bad-binding', 3: 'bad-constant' } as const;
/** `binding` of a fault in the workgroup's shared scratch. */
export const SHARED_SCRATCH_BINDING = 0xffffffff;

export interface KernelFaultReport {
  readonly kind: 'out-of-bounds' | 'bad-binding' | 'bad-constant' | 'unknown';
  readonly code: number;
  readonly binding: number;
  readonly byteOffset: number;
  readonly byteLength: number;
  /** The workgroup whose call raised it. */
  readonly workgroup: readonly [number, number, number];
}

/**
 * Workgroup order: x-fastest ('forward'), its reverse, a seeded shuffle, or only the listed workgroups (to probe
 * one workgroup of a huge grid).
 */
export type WorkgroupOrder =
  | 'forward'
  | 'reverse'
  | { readonly seed: number }
  | { readonly only: readonly (readonly [number, number, number])[] };

export interface DirectDispatch {
  readonly entry: string;
  readonly workgroupCount: readonly [number, number, number];
  readonly workgroupSize: readonly [number, number, number];
  readonly sharedMemoryBytes?: number;
  readonly bindings: readonly KernelBinding[];
  readonly constants: Uint32Array | readonly number[];
  /** Default 'forward'. */
  readonly order?: WorkgroupOrder;
}

type KernelEntry = (args: number, wgX: number, wgY: number, wgZ: number) => void;

export class DirectKernelRunner {
  readonly memory: WebAssembly.Memory;
  private readonly entries = new Map<string, KernelEntry>();
  private heapEnd = 64;

  /** Compiles and instantiates `moduleBytes` on a fresh memory of `initialBytes` (grown on demand). */
  constructor(moduleBytes: Uint8Array, initialBytes = 1 << 20) {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(initialBytes / PAGE), maximum: 65536 });
    const module = new WebAssembly.Module(moduleBytes as Uint8Array<ArrayBuffer>);
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    for (const [name, value] of Object.entries(instance.exports)) {
      if (typeof value === 'function') this.entries.set(name, value as KernelEntry);
    }
  }

  entryNames(): string[] {
    return [...this.entries.keys()];
  }

  /** Bump-allocates `byteLength` bytes (zeroed only if never used before). */
  alloc(byteLength: number, alignment = 16): DevicePtr {
    const ptr = Math.ceil(this.heapEnd / alignment) * alignment;
    this.ensure(ptr + byteLength);
    this.heapEnd = ptr + byteLength;
    return ptr;
  }

  /** Forgets every allocation (the memory keeps its size and contents). */
  reset(): void {
    this.heapEnd = 64;
  }

  /** A fresh view of the whole memory (views detach when the memory grows). */
  bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  write(ptr: DevicePtr, data: ArrayBufferView): void {
    this.bytes().set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), ptr);
  }

  /** Copies `byteLength` bytes out of the memory. */
  read(ptr: DevicePtr, byteLength: number): Uint8Array {
    return this.bytes().slice(ptr, ptr + byteLength);
  }

  /** Allocates a binding holding a copy of `data`. */
  upload(data: ArrayBufferView, extraBytes = 0): KernelBinding {
    const ptr = this.alloc(data.byteLength + extraBytes);
    this.write(ptr, data);
    return { ptr, byteLength: data.byteLength };
  }

  /**
   * Runs one dispatch: writes the argument block, then calls the entry once per workgroup in `order`, zeroing the
   * shared scratch before each, and stops at the first workgroup that reports a fault (which it returns).
   */
  dispatch(d: DirectDispatch): KernelFaultReport | undefined {
    const entry = this.entries.get(d.entry);
    if (entry === undefined) throw new RangeError(`kernel module has no entry ${d.entry} (has ${this.entryNames().join(', ')})`);
    const shared = d.sharedMemoryBytes ?? 0;
    const args = Math.ceil(this.heapEnd / 16) * 16;
    const argBytes = ARG_BINDINGS + 8 * d.bindings.length + 4 * d.constants.length;
    const sharedPtr = Math.ceil((args + argBytes) / 16) * 16;
    this.ensure(sharedPtr + shared);

    const view = new DataView(this.memory.buffer);
    const u32 = (offset: number, value: number): void => view.setUint32(args + offset, value >>> 0, true);
    for (let o = 0; o < ARG_BINDINGS; o += 4) u32(o, 0);
    u32(ARG_BINDING_COUNT, d.bindings.length);
    u32(ARG_CONSTANT_COUNT, d.constants.length);
    d.workgroupSize.forEach((v, i) => u32(ARG_WORKGROUP_SIZE + 4 * i, v));
    d.workgroupCount.forEach((v, i) => u32(ARG_WORKGROUP_COUNT + 4 * i, v));
    u32(ARG_SHARED_PTR, shared > 0 ? sharedPtr : 0);
    u32(ARG_SHARED_BYTES, shared);
    d.bindings.forEach((b, i) => {
      u32(ARG_BINDINGS + 8 * i, b.ptr);
      u32(ARG_BINDINGS + 8 * i + 4, b.byteLength);
    });
    const constantsAt = ARG_BINDINGS + 8 * d.bindings.length;
    for (let i = 0; i < d.constants.length; i++) u32(constantsAt + 4 * i, d.constants[i]!);

    const [cx, cy, cz] = d.workgroupCount;
    const memory = new Uint8Array(this.memory.buffer);
    const fault = new Uint32Array(this.memory.buffer, args, 4);
    const order = d.order ?? 'forward';
    const only = typeof order === 'object' && 'only' in order ? order.only : undefined;
    const permutation = typeof order === 'object' && 'seed' in order ? this.shuffled(order.seed, cx * cy * cz) : undefined;
    const total = only?.length ?? cx * cy * cz;
    for (let n = 0; n < total; n++) {
      let x: number, y: number, z: number;
      if (only !== undefined) {
        [x, y, z] = only[n]!;
      } else {
        const wg = permutation !== undefined ? permutation[n]! : order === 'reverse' ? total - 1 - n : n;
        x = wg % cx;
        y = Math.floor(wg / cx) % cy;
        z = Math.floor(wg / (cx * cy));
      }
      if (shared > 0) memory.fill(0, sharedPtr, sharedPtr + shared);
      entry(args, x, y, z);
      if (fault[0] !== 0) {
        return {
          kind: KernelFaultKind[fault[0] as 1 | 2 | 3] ?? 'unknown',
          code: fault[0]!,
          binding: fault[1]!,
          byteOffset: fault[2]!,
          byteLength: fault[3]!,
          workgroup: [x, y, z],
        };
      }
    }
    return undefined;
  }

  /** A seeded Fisher–Yates permutation of 0..total-1. */
  private shuffled(seed: number, total: number): Uint32Array {
    const perm = new Uint32Array(total);
    for (let i = 0; i < total; i++) perm[i] = i;
    const random = seededRandom(seed);
    for (let i = total - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t;
    }
    return perm;
  }

  private ensure(byteEnd: number): void {
    const have = this.memory.buffer.byteLength;
    if (byteEnd > have) this.memory.grow(Math.ceil((byteEnd - have) / PAGE));
  }
}
