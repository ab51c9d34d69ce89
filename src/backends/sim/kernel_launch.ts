/**
 * Kernel launches: validation at enqueue time and the argument block of asm/kernels/abi.ts. The block is built
 * once, when the launch is enqueued or the graph node added, and copied into device memory before dispatch.
 */
import { invalidArgument } from '../../core/errors.js';
import type { DriverLimits, KernelLaunch } from '../../core/driver.js';
import type { Allocation, Allocations } from './allocations.js';
import type { KernelFunction } from './modules.js';
import { describe } from '../../core/validation.js';

export const MAX_BINDINGS = 64;
export const MAX_CONSTANTS = 256;
/** Header words of the argument block before the bindings (abi.ts: 56 bytes). */
const HEADER_WORDS = 14;

export const SIM_LIMITS: DriverLimits = Object.freeze({
  maxWorkgroupInvocations: 1024,
  maxWorkgroupSize: Object.freeze([1024, 1024, 64]) as readonly [number, number, number],
  maxWorkgroupCount: Object.freeze([0x7fffffff, 65535, 65535]) as readonly [number, number, number],
  maxSharedMemoryBytes: 65536,
  minAllocationAlignment: 256,
});

export interface PreparedLaunch {
  readonly fn: KernelFunction;
  /** The argument block (fault words zero); workgroup counts are filled at execution for indirect launches. */
  readonly argBlock: Uint32Array;
  /** Workgroups of a direct launch (indirect: known only at execution). */
  readonly workgroups: number;
  /** Device address of an indirect launch's three u32 counts, or 0. */
  readonly indirectPtr: number;
  /** Every allocation the launch touches, to re-check liveness at execution. */
  readonly allocations: readonly Allocation[];
  readonly summary: string;
}

function checkTriple(value: unknown, field: string, min: number, limits: readonly number[]): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3) throw invalidArgument(`${field} must be [x, y, z] (got ${describe(value)})`);
  const out = value.map((v, i) => {
    if (!Number.isInteger(v) || v < min || v > limits[i]!) {
      throw invalidArgument(`${field}[${i}] must be an integer in [${min}, ${limits[i]}] (got ${describe(v)})`);
    }
    return v as number;
  });
  return out as [number, number, number];
}

export function prepareLaunch(launch: KernelLaunch, fn: KernelFunction, allocations: Allocations, sharedScratchPtr: number, call: string): PreparedLaunch {
  const size = checkTriple(launch.workgroupSize, `${call} workgroupSize`, 1, SIM_LIMITS.maxWorkgroupSize);
  if (size[0] * size[1] * size[2] > SIM_LIMITS.maxWorkgroupInvocations) {
    throw invalidArgument(`${call} workgroupSize ${size.join('×')} has ${size[0] * size[1] * size[2]} invocations, more than the limit ${SIM_LIMITS.maxWorkgroupInvocations}`);
  }
  const indirect = launch.indirectWorkgroupCount !== undefined;
  const count: [number, number, number] = indirect ? [0, 0, 0] : checkTriple(launch.workgroupCount, `${call} workgroupCount`, 0, SIM_LIMITS.maxWorkgroupCount);
  const shared = launch.sharedMemoryBytes;
  if (!Number.isInteger(shared) || shared < 0 || shared > SIM_LIMITS.maxSharedMemoryBytes || shared % 4 !== 0) {
    throw invalidArgument(`${call} sharedMemoryBytes must be a multiple of 4 in [0, ${SIM_LIMITS.maxSharedMemoryBytes}] (got ${describe(shared)})`);
  }
  const bindings = launch.bindings;
  if (!Array.isArray(bindings) || bindings.length > MAX_BINDINGS) {
    throw invalidArgument(`${call} bindings must be an array of at most ${MAX_BINDINGS} (got ${Array.isArray(bindings) ? bindings.length : String(bindings)})`);
  }
  const constants = launch.constants;
  if (!(constants instanceof Uint32Array) || constants.length > MAX_CONSTANTS) {
    throw invalidArgument(`${call} constants must be a Uint32Array of at most ${MAX_CONSTANTS} values`);
  }
  const touched: Allocation[] = [];
  bindings.forEach((b, i) => {
    if (b.byteLength > 0xffffffff) throw invalidArgument(`${call} bindings[${i}].byteLength ${b.byteLength} exceeds 4 GiB`);
    const a = allocations.check(b.ptr, b.byteLength, `${call} bindings[${i}]`);
    if (!touched.includes(a)) touched.push(a);
  });
  let indirectPtr = 0;
  if (indirect) {
    const a = allocations.check(launch.indirectWorkgroupCount!, 12, `${call} indirectWorkgroupCount`);
    if (!touched.includes(a)) touched.push(a);
    indirectPtr = launch.indirectWorkgroupCount!;
  }

  const block = new Uint32Array(HEADER_WORDS + 2 * bindings.length + constants.length);
  block[4] = bindings.length;
  block[5] = constants.length;
  block.set(size, 6);
  block.set(count, 9);
  block[12] = sharedScratchPtr;
  block[13] = shared;
  bindings.forEach((b, i) => {
    block[HEADER_WORDS + 2 * i] = b.ptr;
    block[HEADER_WORDS + 2 * i + 1] = b.byteLength;
  });
  block.set(constants, HEADER_WORDS + 2 * bindings.length);
  const workgroups = count[0] * count[1] * count[2];
  const grid = indirect ? `indirect@0x${indirectPtr.toString(16)}` : count.join('×');
  return {
    fn,
    argBlock: block,
    workgroups,
    indirectPtr,
    allocations: touched,
    summary: `${fn.name} grid ${grid} block ${size.join('×')}`,
  };
}

/** Binding `index` of an argument block, for fault messages. */
export function bindingOf(block: Uint32Array, index: number): { ptr: number; byteLength: number } | undefined {
  if (index >= block[4]!) return undefined;
  return { ptr: block[HEADER_WORDS + 2 * index]!, byteLength: block[HEADER_WORDS + 2 * index + 1]! };
}
