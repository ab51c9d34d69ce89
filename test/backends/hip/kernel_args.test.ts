// The kernel-argument array in native memory: pointer i points at argument i, bindings as 64-bit addresses in
// order, then each push constant as a 32-bit value (docs/design.md).
import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import { HalError } from '../../../src/core/errors.js';
import { KernelArgPacker } from '../../../src/backends/hip/kernel_args.js';

function readArgs(table: number, sizes: readonly (4 | 8)[]): bigint[] {
  const pointers = new BigUint64Array(koffi.view(table, sizes.length * 8).slice(0));
  return sizes.map((size, i) => {
    const at = pointers[i]!;
    const bytes = new DataView(koffi.view(at, size).slice(0));
    return size === 8 ? bytes.getBigUint64(0, true) : BigInt(bytes.getUint32(0, true));
  });
}

describe('KernelArgPacker', () => {
  it('lays out bindings then constants, each reachable through its own pointer', () => {
    const packer = new KernelArgPacker();
    const bindings = [{ ptr: 0x7f0000001000, byteLength: 16 }, { ptr: 0x7f0000002000, byteLength: 16 }];
    const constants = new Uint32Array([7, 0xffffffff, 3]);
    const table = packer.pack(bindings, constants);
    expect(readArgs(table, [8, 8, 4, 4, 4])).toEqual([0x7f0000001000n, 0x7f0000002000n, 7n, 0xffffffffn, 3n]);
    packer.release();
  });

  it('rewrites values for every launch and the table when the shape changes', () => {
    const packer = new KernelArgPacker();
    const a = packer.pack([{ ptr: 0x1000, byteLength: 4 }], new Uint32Array([1]));
    expect(readArgs(a, [8, 4])).toEqual([0x1000n, 1n]);
    const b = packer.pack([{ ptr: 0x2000, byteLength: 4 }], new Uint32Array([2]));
    expect(readArgs(b, [8, 4])).toEqual([0x2000n, 2n]);
    const c = packer.pack([], new Uint32Array([5, 6]));
    expect(readArgs(c, [4, 4])).toEqual([5n, 6n]);
    packer.release();
  });

  it('grows for large argument lists (64 bindings and 64 constants)', () => {
    const packer = new KernelArgPacker();
    const bindings = Array.from({ length: 64 }, (_, i) => ({ ptr: 0x10000 + i * 256, byteLength: 256 }));
    const constants = Uint32Array.from({ length: 64 }, (_, i) => i * 3);
    const table = packer.pack(bindings, constants);
    const values = readArgs(table, [...Array(64).fill(8), ...Array(64).fill(4)]);
    expect(values.slice(0, 64)).toEqual(bindings.map((b) => BigInt(b.ptr)));
    expect(values.slice(64)).toEqual([...constants].map(BigInt));
    packer.release();
  });

  it('with the driver\'s parameter layout, a 64-bit parameter reads its two words (low first) whole, after a padding word', () => {
    // k(unsigned long long* out, unsigned tag, size_t n, double scale): offsets 0, 8, 16, 24 in the GPU's parameter block.
    const parameters = [{ offset: 0, size: 8 }, { offset: 8, size: 4 }, { offset: 16, size: 8 }, { offset: 24, size: 8 }];
    const packer = new KernelArgPacker();
    const n = 0x1234_5678_9abcn;
    const scale = new DataView(new ArrayBuffer(8));
    scale.setFloat64(0, 1e12 + 0.5, true);
    const constants = new Uint32Array([7, 0, Number(n & 0xffffffffn), Number(n >> 32n), scale.getUint32(0, true), scale.getUint32(4, true)]);
    const table = packer.pack([{ ptr: 0x7f0000001000, byteLength: 64 }], constants, parameters, 'k');
    expect(readArgs(table, [8, 4, 8, 8])).toEqual([0x7f0000001000n, 7n, n, scale.getBigUint64(0, true)]);
    // Back to the per-word shape (no layout): the table is rewritten.
    const plain = packer.pack([{ ptr: 0x2000, byteLength: 4 }], new Uint32Array([1, 2]));
    expect(readArgs(plain, [8, 4, 4])).toEqual([0x2000n, 1n, 2n]);
    packer.release();
  });

  it('refuses a launch with fewer constant words than the parameters take, naming the kernel and the words needed', () => {
    const packer = new KernelArgPacker();
    const parameters = [{ offset: 0, size: 8 }, { offset: 8, size: 4 }, { offset: 16, size: 8 }];
    let error: unknown;
    try {
      packer.pack([{ ptr: 0x1000, byteLength: 4 }], new Uint32Array([7, 5]), parameters, 'scale_u64');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HalError);
    expect((error as HalError).message).toMatch(/launch of 'scale_u64': its 3 parameters take 24 bytes, but 1 binding\(s\) and 2 push constant\(s\) give 16; .* needs 4 push-constant words/);
    packer.release();
  });
});
