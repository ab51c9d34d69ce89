/**
 * Packs kernel arguments in the layout docs/design.md fixes (every binding's device address, then the push constants
 * as 32-bit words) into native memory as the `void **kernelParams` array both cuLaunchKernel/hipModuleLaunchKernel
 * and kernel graph nodes take: one pointer per argument, each pointing at that argument's value.
 *
 * The values are laid out as the GPU's own parameter block: bindings 8 bytes each, then the constant words, so a
 * 64-bit scalar parameter (size_t, long long, double) is two words, low first, starting 8-byte aligned (a padding
 * word after an odd number of 32-bit words) — the simulator reads the same words. Where the driver says where each
 * parameter sits (cuFuncGetParamInfo), parameter i points at its offset in that block, so a 64-bit parameter is
 * read whole and a launch with too few words is refused; without it each word is its own argument, which is right
 * for kernels whose scalars are all 32-bit.
 *
 * The drivers copy the argument values when the launch or node-add call returns, so one arena is reused for
 * every call; the pointer array only changes when the argument shape does.
 */
import koffi from 'koffi';
import type { KernelBinding } from '../../core/driver.js';
import { invalidArgument } from '../../core/errors.js';
import type { KernelParameter } from './platform_api.js';

const POINTER_BYTES = 8;
const CONSTANT_BYTES = 4;

export class KernelArgPacker {
  private arena: bigint | undefined;
  private base = 0;
  private capacity = 0;
  private view: DataView | undefined;
  /** The (bindings, constants, parameters) shape whose pointer array is in the arena now. */
  private shapeBindings = -1;
  private shapeConstants = -1;
  private shapeParameters: readonly KernelParameter[] | undefined;

  /**
   * Writes the arguments and returns the address of their `void *[]`. `parameters` (from the driver, when it can
   * say) places each kernel argument; `kernel` names the kernel in errors.
   */
  pack(bindings: readonly KernelBinding[], constants: Uint32Array, parameters?: readonly KernelParameter[], kernel = 'kernel'): number {
    const nb = bindings.length;
    const nc = constants.length;
    const valueBytes = nb * POINTER_BYTES + nc * CONSTANT_BYTES;
    const sameShape = nb === this.shapeBindings && nc === this.shapeConstants && parameters === this.shapeParameters;
    // The parameters' extent is checked once per shape: a launch of the same kernel with as many words passed it.
    if (parameters !== undefined && !sameShape) {
      const last = parameters.reduce((end, p) => Math.max(end, p.offset + p.size), 0);
      if (last > valueBytes) {
        const words = Math.ceil(Math.max(0, last - nb * POINTER_BYTES) / CONSTANT_BYTES);
        throw invalidArgument(`launch of '${kernel}': its ${parameters.length} parameters take ${last} bytes, but ${nb} binding(s) and ${nc} push constant(s) give ${valueBytes}; with ${nb} binding(s) it needs ${words} push-constant words (a 64-bit scalar takes two, 8-byte aligned)`);
      }
    }
    const slots = parameters?.length ?? nb + nc;
    const tableOffset = Math.ceil(valueBytes / POINTER_BYTES) * POINTER_BYTES;
    const needed = tableOffset + slots * POINTER_BYTES;
    if (needed > this.capacity || !this.view) this.grow(needed);
    const view = this.view!;
    for (let i = 0; i < nb; i++) view.setBigUint64(i * POINTER_BYTES, BigInt(bindings[i]!.ptr), true);
    const constantsAt = nb * POINTER_BYTES;
    for (let i = 0; i < nc; i++) view.setUint32(constantsAt + i * CONSTANT_BYTES, constants[i]!, true);
    if (nb !== this.shapeBindings || nc !== this.shapeConstants || parameters !== this.shapeParameters) {
      if (parameters !== undefined) {
        parameters.forEach((p, i) => view.setBigUint64(tableOffset + i * POINTER_BYTES, BigInt(this.base + p.offset), true));
      } else {
        for (let i = 0; i < nb; i++) view.setBigUint64(tableOffset + i * POINTER_BYTES, BigInt(this.base + i * POINTER_BYTES), true);
        for (let i = 0; i < nc; i++) {
          view.setBigUint64(tableOffset + (nb + i) * POINTER_BYTES, BigInt(this.base + constantsAt + i * CONSTANT_BYTES), true);
        }
      }
      this.shapeBindings = nb;
      this.shapeConstants = nc;
      this.shapeParameters = parameters;
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
    this.shapeParameters = undefined;
  }
}
