/**
 * Just enough of an ELF64 reader to check a GPU code object without a GPU: header fields and symbol names.
 */
export interface ElfSummary {
  readonly machine: number;
  readonly osAbi: number;
  readonly abiVersion: number;
  readonly type: number;
  readonly flags: number;
  readonly sections: readonly string[];
  readonly symbols: readonly string[];
}

export const EM_AMDGPU = 224;
export const ELFOSABI_AMDGPU_HSA = 64;
/** e_flags & EF_AMDGPU_MACH for gfx90a. */
export const EF_AMDGPU_MACH_GFX90A = 0x3f;
export const EF_AMDGPU_MACH = 0xff;

export function readElf(bytes: Uint8Array): ElfSummary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) throw new Error('not an ELF file (bad magic)');
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error('not a little-endian ELF64 file');
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const u64 = (o: number) => Number(view.getBigUint64(o, true));
  const shoff = u64(0x28);
  const shentsize = u16(0x3a);
  const shnum = u16(0x3c);
  const shstrndx = u16(0x3e);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return { name: u32(at), type: u32(at + 4), offset: u64(at + 0x18), size: u64(at + 0x20), link: u32(at + 0x28), entsize: u64(at + 0x38) };
  };
  const cstring = (offset: number): string => {
    let end = offset;
    while (end < bytes.length && bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(offset, end));
  };
  const names = section(shstrndx);
  const sections: string[] = [];
  const symbols: string[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    sections.push(cstring(names.offset + s.name));
    if (s.type === 2 /* SHT_SYMTAB */ || s.type === 11 /* SHT_DYNSYM */) {
      const strtab = section(s.link);
      for (let at = s.offset; at + 24 <= s.offset + s.size; at += s.entsize || 24) {
        const name = cstring(strtab.offset + u32(at));
        if (name) symbols.push(name);
      }
    }
  }
  return { machine: u16(0x12), osAbi: bytes[7]!, abiVersion: bytes[8]!, type: u16(0x10), flags: u32(0x30), sections, symbols: [...new Set(symbols)] };
}
