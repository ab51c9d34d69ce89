/**
 * Small pieces both platform adapters use around raw driver calls: status checking, out-parameter cells and
 * handle arrays. Out-parameters are one reusable BigUint64Array passed as `void *` (koffi hands the typed array's
 * memory to C directly), which is cheaper than koffi's boxed `_Out_` arrays on hot paths.
 */
import type { HalError } from '../../core/errors.js';
import type { StructLayout } from './abi.js';
import { driverError, losesDevice, type StatusDescriber } from './status.js';

export type StatusCheck = (status: number, call: string, context?: string) => void;

export function makeStatusCheck(describer: StatusDescriber, onDeviceLosing: () => ((error: HalError) => void) | undefined): StatusCheck {
  return (status, call, context) => {
    if (status === 0) return;
    const error = driverError(describer, status, call, context);
    if (losesDevice(status)) onDeviceLosing()?.(error);
    throw error;
  };
}

/** One pointer-sized out-parameter cell. */
export class OutCell {
  readonly cell = new BigUint64Array(1);
  /** Clears the cell (so a driver that writes nothing reads as 0) and returns it for the call. */
  arm(): BigUint64Array {
    this.cell[0] = 0n;
    return this.cell;
  }
  get value(): number {
    return Number(this.cell[0]);
  }
}

/** Packs handles into a reusable array of 64-bit values for `const T *deps` parameters. */
export class HandleArray {
  private buffer = new BigUint64Array(16);
  pack(handles: readonly number[]): BigUint64Array | null {
    if (handles.length === 0) return null;
    if (handles.length > this.buffer.length) this.buffer = new BigUint64Array(Math.max(handles.length, this.buffer.length * 2));
    for (let i = 0; i < handles.length; i++) this.buffer[i] = BigInt(handles[i]!);
    return this.buffer;
  }
}

/** A zeroed struct image with a DataView for writing fields at layout offsets. */
export function structBytes(size: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(size);
  return { bytes, view: new DataView(bytes.buffer) };
}

export function setU64(view: DataView, offset: number | undefined, value: number): void {
  view.setBigUint64(offset!, BigInt(value), true);
}
export function setU32(view: DataView, offset: number | undefined, value: number): void {
  view.setUint32(offset!, value >>> 0, true);
}

/**
 * The parameters of a one-dimensional memset graph node. hipMemsetParams and CUDA_MEMSET_NODE_PARAMS hold the same
 * six fields, of the same widths, in different orders; each platform passes its own layout.
 */
export function memsetNodeParams(layout: StructLayout, dst: number, value: number, elementSize: 1 | 2 | 4, count: number): Uint8Array {
  const { bytes, view } = structBytes(layout.size);
  const o = layout.offsets;
  setU64(view, o.dst, dst);
  setU32(view, o.value, value);
  setU32(view, o.elementSize, elementSize);
  setU64(view, o.width, count);
  setU64(view, o.height, 1);
  setU64(view, o.pitch, 0);
  return bytes;
}

/** A NUL-terminated string in a byte buffer. */
export function decodeCString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}
