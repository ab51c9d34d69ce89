/** Hand-assembled WebAssembly modules for moduleLoad's rejection paths (each one is minimal and valid). */

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
const str = (s: string): number[] => [...leb(s.length), ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];

const kernelType = section(1, vec([[0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0]]));
const memoryImport = [...str('env'), ...str('memory'), 0x02, 0x00, 0x01];
const oneFunction = section(3, vec([[0]]));
const exportK = section(7, vec([[...str('k'), 0x00, 0]]));
const emptyBody = section(10, vec([[2, 0, 0x0b]]));

/** Imports env.memory, exports kernel `k`, and carries one active data segment at address 0. */
export const withDataSegment = new Uint8Array([
  ...HEADER, ...kernelType, ...section(2, vec([memoryImport])), ...oneFunction, ...exportK, ...emptyBody,
  ...section(11, vec([[0x00, 0x41, 0x00, 0x0b, ...leb(2), 0x2a, 0x2a]])),
]);

/** Exports kernel `k` but has no memory import at all. */
export const withoutMemoryImport = new Uint8Array([...HEADER, ...kernelType, ...oneFunction, ...exportK, ...emptyBody]);

/** Imports env.memory and also a host function env.print. */
export const withStrayImport = new Uint8Array([
  ...HEADER, ...section(1, vec([[0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0], [0x60, 0, 0]])),
  ...section(2, vec([memoryImport, [...str('env'), ...str('print'), 0x00, 1]])),
  ...oneFunction, ...section(7, vec([[...str('k'), 0x00, 1]])), ...emptyBody,
]);

/** A valid kernel module with a start function (which could write memory at load). */
export const withStart = new Uint8Array([
  ...HEADER, ...section(1, vec([[0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0], [0x60, 0, 0]])), ...section(2, vec([memoryImport])),
  ...section(3, vec([[0], [1]])), ...exportK, ...section(8, leb(1)), ...section(10, vec([[2, 0, 0x0b], [2, 0, 0x0b]])),
]);

/** The smallest good kernel module: imports env.memory, exports an empty kernel `k`. */
export const minimalKernel = new Uint8Array([
  ...HEADER, ...kernelType, ...section(2, vec([memoryImport])), ...oneFunction, ...exportK, ...emptyBody,
]);
