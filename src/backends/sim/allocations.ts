/**
 * Device memory as the driver sees it: the allocator lives in WASM (asm/device/allocator.ts); this registry of
 * live allocations is what lets the TS face reject every bad range at enqueue time, with the range in the
 * message, before the WASM sandbox could notice. Operations keep the Allocation objects they touch and check
 * `usable` when they run, so memory used outside its lifetime fails the operation instead of touching the heap:
 * freed before the operation ran (memFree, or a memFreeAsync that executed first), or stream-ordered memory whose
 * memAllocAsync had not executed yet. Enqueue-time checks cannot see the latter: the address exists from the call
 * on, but on a real GPU only work ordered after the allocation on its stream may use it.
 */
import { HalError, StatusCode, invalidArgument, outOfRange } from '../../core/errors.js';
import type { DevicePtr } from '../../core/driver.js';
import { FREE_OK, FREE_NOT_ALLOCATED, type WasmDevice } from './wasm_device.js';
import { describe } from '../../core/validation.js';

export interface Allocation {
  readonly ptr: number;
  readonly byteLength: number;
  /** Still backed by device memory (cleared when the device free happens). */
  live: boolean;
  /** A stream-ordered free is pending: new work may no longer use it. */
  freeing: boolean;
  /**
   * Running work may touch the memory: live, and its stream-ordered allocation (if any) has executed. The one flag
   * operations check when they run; the others only explain a failure.
   */
  usable: boolean;
  /** The stream whose memAllocAsync made it; 0 for memAlloc. */
  readonly allocStream: number;
  /** The stream whose memFreeAsync frees it; 0 while none was called. */
  freeStream: number;
}

const MAX_ALLOCATION = 0xffffffff;

/** The device allocator's granule: every block starts with a header of this size (asm/device/allocator.ts). */
const HEADER_BYTES = 256;

export class Allocations {
  /** Live user allocations sorted by address, for range lookups. */
  private readonly sorted: Allocation[] = [];
  private readonly byPtr = new Map<number, Allocation>();

  /** The span of device memory handed out since the last zeroTouched(), for a driver reset (O(1) to keep). */
  private touchedStart = Infinity;
  private touchedEnd = 0;

  constructor(private readonly device: WasmDevice) {}

  /**
   * Zeroes every block handed out since the last call (a reset driver must not see the last run's bytes), with the
   * allocator's block headers around them: each block has a one-granule header before its payload, and splitting
   * off the rest of the heap leaves a free block's header right after the last one, which a fresh heap never has.
   */
  zeroTouched(): void {
    if (this.touchedEnd > this.touchedStart) {
      const start = Math.max(this.device.heapStart, this.touchedStart - HEADER_BYTES);
      const end = Math.min(this.device.heapEnd, Math.ceil(this.touchedEnd / HEADER_BYTES) * HEADER_BYTES + HEADER_BYTES);
      this.device.u8.fill(0, start, end);
    }
    this.touchedStart = Infinity;
    this.touchedEnd = 0;
  }

  /** Counts device memory handed out outside this table (a module's own memory) as touched, clipped to the heap. */
  noteTouched(ptr: number, byteLength: number): void {
    const end = Math.min(ptr + byteLength, this.device.heapEnd);
    if (ptr < this.touchedStart) this.touchedStart = ptr;
    if (end > this.touchedEnd) this.touchedEnd = end;
  }

  get count(): number {
    return this.byPtr.size;
  }

  /** Live allocations with a stream-ordered free queued (still counted by `count` until their stream reaches it). */
  get freeingCount(): number {
    let n = 0;
    for (const a of this.sorted) if (a.freeing) n++;
    return n;
  }

  /**
   * Allocates user memory; RESOURCE_EXHAUSTED naming the request and the free space when it cannot. With
   * `allocStream` (memAllocAsync) the memory is reserved now but not usable until `allocated()` (its operation ran).
   */
  allocate(byteLength: number, call: string, allocStream = 0): Allocation {
    if (!Number.isInteger(byteLength) || byteLength <= 0 || byteLength > MAX_ALLOCATION) {
      throw invalidArgument(`${call} byteLength must be an integer in [1, ${MAX_ALLOCATION}] (got ${describe(byteLength)})`);
    }
    const ptr = this.allocateRaw(byteLength, call);
    const allocation: Allocation = { ptr, byteLength, live: true, freeing: false, usable: allocStream === 0, allocStream, freeStream: 0 };
    this.byPtr.set(ptr, allocation);
    this.sorted.splice(this.upperBound(ptr), 0, allocation);
    return allocation;
  }

  /** Device-owned memory (graph blocks, argument blocks): not visible to user ranges. */
  allocateRaw(byteLength: number, call: string): number {
    const ptr = this.device.exports.alloc(byteLength) >>> 0;
    if (ptr !== 0) {
      if (ptr < this.touchedStart) this.touchedStart = ptr;
      if (ptr + byteLength > this.touchedEnd) this.touchedEnd = ptr + byteLength;
    }
    if (ptr === 0) {
      throw new HalError(StatusCode.RESOURCE_EXHAUSTED,
        `${call} of ${byteLength} bytes: simulated device memory exhausted (${this.device.freeBytes()} bytes free, ` +
        `largest free block ${this.device.largestFreeBytes()} bytes, heap ${this.device.heapBytes} bytes)`,
        { driver: { api: 'sim', name: 'SIM_OUT_OF_MEMORY', number: 2, call } });
    }
    return ptr;
  }

  freeRaw(ptr: number): void {
    const status = this.device.exports.free(ptr);
    if (status !== FREE_OK) throw new HalError(StatusCode.INTERNAL, `device rejected free of its own block 0x${ptr.toString(16)} (status ${status})`);
  }

  /** The live allocation starting exactly at `ptr` (for frees); INVALID_ARGUMENT otherwise. */
  lookupForFree(ptr: DevicePtr, call: string): Allocation {
    const allocation = this.byPtr.get(ptr);
    if (allocation === undefined || allocation.freeing) {
      const inside = allocation === undefined ? this.containing(ptr) : undefined;
      const why = allocation?.freeing ? 'already freed (a stream-ordered free is pending)'
        : inside ? `inside the allocation at 0x${inside.ptr.toString(16)}, not its start`
        : 'not an allocation of this device (never allocated or already freed)';
      throw invalidArgument(`${call} ptr 0x${Number(ptr).toString(16)} is ${why}`);
    }
    return allocation;
  }

  /** The stream-ordered allocation executed on its stream: work that runs from now on may use the memory. */
  allocated(allocation: Allocation): void {
    allocation.usable = allocation.live;
  }

  /** Marks an allocation as being freed by a stream-ordered free on `stream`: new work can no longer use it. */
  markFreeing(allocation: Allocation, stream: number): void {
    allocation.freeing = true;
    allocation.freeStream = stream;
  }

  /** Returns the memory to the device allocator. */
  release(allocation: Allocation): void {
    if (!allocation.live) return;
    const status = this.device.exports.free(allocation.ptr);
    if (status !== FREE_OK) {
      throw new HalError(StatusCode.INTERNAL, `device rejected free of 0x${allocation.ptr.toString(16)} (${status === FREE_NOT_ALLOCATED ? 'not allocated' : 'not a block'})`);
    }
    allocation.live = false;
    allocation.usable = false;
    this.byPtr.delete(allocation.ptr);
    const index = this.sorted.indexOf(allocation, Math.max(0, this.upperBound(allocation.ptr) - 1));
    if (index >= 0) this.sorted.splice(index, 1);
  }

  /**
   * The allocation holding [ptr, ptr + byteLength); OUT_OF_RANGE naming the range (and `field`) otherwise.
   * Zero-length ranges still need a pointer inside (or one past the end of) an allocation.
   */
  check(ptr: DevicePtr, byteLength: number, field: string): Allocation {
    if (!Number.isInteger(ptr) || ptr < 0 || !Number.isInteger(byteLength) || byteLength < 0) {
      throw invalidArgument(`${field} range must be non-negative integers (got ptr ${String(ptr)}, byteLength ${String(byteLength)})`);
    }
    const allocation = this.containing(ptr);
    const range = `[0x${ptr.toString(16)}, 0x${(ptr + byteLength).toString(16)}) (${byteLength} bytes)`;
    if (allocation === undefined) {
      throw outOfRange(`${field} range ${range} is not inside any live allocation`);
    }
    if (ptr + byteLength > allocation.ptr + allocation.byteLength) {
      throw outOfRange(`${field} range ${range} exceeds the allocation [0x${allocation.ptr.toString(16)}, ` +
        `0x${(allocation.ptr + allocation.byteLength).toString(16)}) (${allocation.byteLength} bytes) by ` +
        `${ptr + byteLength - allocation.ptr - allocation.byteLength} bytes`);
    }
    if (allocation.freeing) {
      throw outOfRange(`${field} range ${range} lies in the allocation at 0x${allocation.ptr.toString(16)}, which is being freed`);
    }
    return allocation;
  }

  /** Driver destroy: every allocation dies with the device memory. */
  forgetAll(): void {
    for (const a of this.sorted) {
      a.live = false;
      a.usable = false;
    }
    this.sorted.length = 0;
    this.byPtr.clear();
  }

  private containing(ptr: number): Allocation | undefined {
    const index = this.upperBound(ptr) - 1;
    const candidate = this.sorted[index];
    if (candidate === undefined || ptr > candidate.ptr + candidate.byteLength) return undefined;
    return candidate;
  }

  /** Index of the first allocation starting after `ptr`. */
  private upperBound(ptr: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.ptr <= ptr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
