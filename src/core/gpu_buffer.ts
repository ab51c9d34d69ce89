/**
 * Buffers: a range of device memory with a size, usage and memory type.
 *
 * A buffer owns one driver allocation. `destroy()` drops the user's reference; submissions that use the buffer
 * retain it (rule 6), so the memory is freed only after the last of them completes.
 */
import type { DeviceContext } from './device_context.js';
import type { DevicePtr } from './driver.js';
import { invalidArgument, outOfRange } from './errors.js';
import { HalObject } from './lifetime.js';
import { describe } from './validation.js';

/** Bit flags, WebGPU style. */
export const BufferUsage = {
  TRANSFER_SOURCE: 1 << 0,
  TRANSFER_TARGET: 1 << 1,
  DISPATCH_STORAGE: 1 << 2,
  /** Every usage; the default. */
  ALL: 0b111,
} as const;

/**
 * Where a buffer's memory should live. Today this is recorded and reported only (`buffer.memoryType`): it is
 * validated and stored, but no driver reads it — the backends allocate device memory for every memory
 * type. Host-visible placement (host-mapped or managed memory the host could read without a copy) is not
 * implemented; reading a 'host-visible' buffer still takes a queue read.
 */
export type MemoryType = 'device-local' | 'host-visible';

export interface BufferDescriptor {
  readonly byteLength: number;
  readonly usage?: number;
  /** 'device-local' by default. Recorded only: every memory type gets device memory today (see MemoryType). */
  readonly memoryType?: MemoryType;
  readonly label?: string;
}

export class GpuBuffer extends HalObject {
  readonly byteLength: number;
  readonly usage: number;
  /** As requested; it does not change where the memory is (see MemoryType: host-visible placement is not implemented). */
  readonly memoryType: MemoryType;
  /** The device that owns the memory; buffers of another device are rejected with INVALID_ARGUMENT. */
  readonly context: DeviceContext;
  private ptr: DevicePtr;
  private readonly freeMemory: (ptr: DevicePtr) => void;

  /**
   * @internal
   * Devices create buffers (device.createBuffer, queue.alloca). `ptr` is already allocated; `freeMemory` returns it
   * once the last reference goes (the device defers the free while work is in flight). A factory, so the shipped
   * declarations show a private constructor and no driver pointer.
   */
  static wrap(context: DeviceContext, descriptor: BufferDescriptor, ptr: DevicePtr, freeMemory: (ptr: DevicePtr) => void): GpuBuffer {
    return new GpuBuffer(context, descriptor, ptr, freeMemory);
  }

  private constructor(context: DeviceContext, descriptor: BufferDescriptor, ptr: DevicePtr, freeMemory: (ptr: DevicePtr) => void) {
    super('buffer', descriptor.label);
    this.context = context;
    this.byteLength = descriptor.byteLength;
    this.usage = descriptor.usage ?? BufferUsage.ALL;
    this.memoryType = descriptor.memoryType ?? 'device-local';
    this.ptr = ptr;
    this.freeMemory = freeMemory;
  }

  /** Printed as GpuBuffer, the class's name: its kind, 'buffer', would print as Buffer, Node's own class. */
  protected override get typeName(): string {
    return 'GpuBuffer';
  }

  protected override inspectFields(): Record<string, unknown> {
    return { byteLength: this.byteLength, memoryType: this.memoryType };
  }

  /** @internal The device address of byte 0. Internal to the core and drivers. */
  get devicePtr(): DevicePtr {
    return this.ptr;
  }

  /**
   * @internal
   * Validates that [offset, offset + length) lies inside this buffer; `what` names the field in the message.
   * Uses `offset + length > byteLength` (an exact fit is legal; `>=` would reject it).
   */
  checkRange(what: string, offset: number, length: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalidArgument(`${what} offset must be a non-negative integer (got ${describe(offset)})`);
    if (!Number.isSafeInteger(length) || length < 0) throw invalidArgument(`${what} length must be a non-negative integer (got ${describe(length)})`);
    if (offset + length > this.byteLength) {
      throw outOfRange(`${what} range [${offset}, ${offset + length}) exceeds ${this.label} of ${this.byteLength} bytes`);
    }
  }

  /**
   * @internal Throws INVALID_ARGUMENT unless this buffer belongs to `context`, and FAILED_PRECONDITION if destroyed.
   */
  assertUsableOn(context: DeviceContext, what: string): void {
    if (this.context !== context) throw invalidArgument(`${what} ${this.label} belongs to another device (${this.context.label})`);
    this.assertAlive(`use ${what}`);
  }

  protected freeResources(): void {
    const ptr = this.ptr;
    this.ptr = 0;
    if (ptr !== 0) this.freeMemory(ptr);
  }
}
