/**
 * The device module (asm/device, compiled to WebAssembly) instantiated over its own WebAssembly.Memory and
 * function table. The memory is sized once and never grows, so typed-array views over it stay valid for the
 * driver's lifetime. Kernel modules (modules.ts) import the same memory and put their entry points into the
 * same table, where the device reaches them with call_indirect.
 */
import { wasmBytes as deviceWasmBytes } from './generated/device_wasm.js';
import { HalError, StatusCode } from '../../core/errors.js';
import { checkDeviceContract, DEVICE_CONTRACT } from './device_contract.js';

/** The device module's exports (asm/device/index.ts). Addresses come back as signed i32: use `>>> 0`. */
export interface DeviceExports {
  init(memoryBytes: number, maxSharedBytes: number): number;
  alloc(byteLength: number): number;
  free(address: number): number;
  freeBytes(): number;
  largestFreeBytes(): number;
  checkHeap(): number;
  memcpy(dst: number, src: number, byteLength: number): void;
  /** Fills byteLength bytes with a 4-byte pattern starting at its first byte. */
  fill(dst: number, pattern: number, byteLength: number): void;
  dispatch(fnIndex: number, args: number): number;
  loadIndirectCounts(args: number, countsPtr: number): number;
  setWorkgroupCountLimits(x: number, y: number, z: number): void;
  replayGraph(exec: number, t0: number, trace: number): number;
  lastGraphEnd(): number;
  lastGraphFault(): number;
  lastReplayNode(): number;
  setKernelCostModel(computeUnits: number, workgroupNs: number): void;
  seedRandom(seedLo: number, seedHi: number): void;
  random(n: number): number;
  /** The device's value of contract constant `id` (device_contract.ts); 0xffffffff past the last. */
  contractValue(id: number): number;
  heapStart(): number;
  heapEnd(): number;
  streamArgsPtr(): number;
  sharedScratchPtr(): number;
  faultWorkgroupX(): number;
  faultWorkgroupY(): number;
  faultWorkgroupZ(): number;
  /** Imported by HIP-C kernel modules: an entry running a row of workgroups reports each one it begins. */
  setRunningWorkgroupX(x: number): void;
}

/** Allocator free() statuses (asm/device/allocator.ts). */
export const { FREE_OK, FREE_NOT_A_BLOCK, FREE_NOT_ALLOCATED } = DEVICE_CONTRACT;

const WASM_PAGE = 65536;
let compiledDevice: WebAssembly.Module | undefined;

export class WasmDevice {
  readonly memory: WebAssembly.Memory;
  readonly table: WebAssembly.Table;
  readonly exports: DeviceExports;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  readonly heapStart: number;
  readonly heapEnd: number;
  readonly streamArgsPtr: number;
  readonly sharedScratchPtr: number;
  /** Table slots below the first kernel entry point. */
  readonly reservedTableSlots: number;

  constructor(memoryBytes: number, maxSharedBytes: number) {
    compiledDevice ??= new WebAssembly.Module(deviceWasmBytes as Uint8Array<ArrayBuffer>);
    const pages = memoryBytes / WASM_PAGE;
    try {
      this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    } catch (cause) {
      throw new HalError(StatusCode.RESOURCE_EXHAUSTED, `cannot reserve ${memoryBytes} bytes of simulated device memory`, { cause });
    }
    // Slot 0 stays empty, so a zeroed function index can never name a kernel; kernels are placed from slot 1.
    this.reservedTableSlots = 1;
    this.table = new WebAssembly.Table({ initial: 64, element: 'anyfunc' });
    const instance = new WebAssembly.Instance(compiledDevice, { env: { memory: this.memory, table: this.table } });
    this.exports = instance.exports as unknown as DeviceExports;
    checkDeviceContract((id) => this.exports.contractValue(id));
    if (this.exports.init(memoryBytes, maxSharedBytes) !== 1) {
      throw new HalError(StatusCode.INVALID_ARGUMENT, `memoryBytes ${memoryBytes} leaves no room for a device heap`);
    }
    this.u8 = new Uint8Array(this.memory.buffer);
    this.u32 = new Uint32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
    this.heapStart = this.exports.heapStart() >>> 0;
    this.heapEnd = this.exports.heapEnd() >>> 0;
    this.streamArgsPtr = this.exports.streamArgsPtr() >>> 0;
    this.sharedScratchPtr = this.exports.sharedScratchPtr() >>> 0;
  }

  /** Total heap bytes (what freeBytes() reports once everything is freed). */
  get heapBytes(): number {
    return this.heapEnd - this.heapStart;
  }

  freeBytes(): number {
    return this.exports.freeBytes() >>> 0;
  }

  largestFreeBytes(): number {
    return this.exports.largestFreeBytes() >>> 0;
  }
}
