/**
 * Packs kernel arguments in the layout docs/design.md fixes (every binding's device address, then the push constants
 * as 32-bit values) into native memory as the `void **kernelParams` array both cuLaunchKernel/hipModuleLaunchKernel
 * and kernel graph nodes take: one pointer per argument, each pointing at that argument's value.
 *
 * The drivers copy the argument values when the launch or node-add call returns, so one arena is reused for
 * every call; the pointer array only changes when the argument count does.
 */
import koffi from 'koffi';
import type { KernelBinding } from '../../core/driver.js';

const POINTER_BYTES = 8;
const CONSTANT_BYTES = 4;

export class KernelArgPacker {
  private arena: bigint | undefined;
  private base = 0;
  private capacity = 0;
  private view: DataView | undefined;
  /** The (bindings, constants) shape whose pointer array is in the arena now. */
  private shapeBindings = -1;
  private shapeConstants = -1;

  /** Writes the arguments and returns the address of their `void *[]`. */
  pack(bindings: readonly KernelBinding[], constants: Uint32Array): number {
    const nb = bindings.length;
    const nc = constants.length;
    const valueBytes = nb * POINTER_BYTES + nc * CONSTANT_BYTES;
    const tableOffset = Math.ceil(valueBytes / POINTER_BYTES) * POINTER_BYTES;
    const needed = tableOffset + (nb + nc) * POINTER_BYTES;
    if (needed > this.capacity || !this.view) this.grow(needed);
    const view = this.view!;
    for (let i = 0; i < nb; i++) view.setBigUint64(i * POINTER_BYTES, BigInt(bindings[i]!.ptr), true);
    const constantsAt = nb * POINTER_BYTES;
    for (let i = 0; i < nc; i++) view.setUint32(constantsAt + i * CONSTANT_BYTES, constants[i]!, true);
    if (nb !== this.shapeBindings || nc !== this.shapeConstants) {
      for (let i = 0; i < nb; i++) view.setBigUint64(tableOffset + i * POINTER_BYTES, BigInt(this.base + i * POINTER_BYTES), true);
      for (let i = 0; i < nc; i++) {
        view.setBigUint64(tableOffset + (nb + i) * POINTER_BYTES, BigInt(this.base + constantsAt + i * CONSTANT_BYTES), true);
      }
      this.shapeBindings = nb;
      this.shapeConstants = nc;
    }
    return this.base + tableOffset;
  }

  private grow(needed: number): void {
    this.release();
    this.capacity = Math.max(1024, 2 ** Math.ceil(Math.log2(needed)));
    this.arena = koffi.alloc('uint8_t', this.capacity) as bigint;
    this.base = Number(this.arena);
    this.view = new DataView(koffi.view(this.arena, this.capacity));
  }

  release(): void {
    if (this.arena !== undefined) koffi.free(this.arena);
    this.arena = undefined;
    this.view = undefined;
    this.capacity = 0;
    this.shapeBindings = -1;
    this.shapeConstants = -1;
  }
}
