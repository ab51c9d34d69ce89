/**
 * What the two platform adapters share: binding the entry-point table (symbols.ts) for their platform, and every
 * PlatformApi call that is one driver call with the same meaning on both (memory, copies, streams, events, graphs
 * without structs, modules, launches). amd_api.ts and nvidia_api.ts add what differs: initialisation, how a device
 * is made current and released, the graph-node structs and the flag values.
 *
 * Each call is checked with the status mapping of status.ts; messages name the platform's own symbol.
 */
import { decodeCString, HandleArray, makeStatusCheck, OutCell, type StatusCheck } from './call_helpers.js';
import { bindSymbols, type LoadedLibrary, type NativeFunction } from './library.js';
import type { DeviceFacts, Dims3, HipPlatform, KernelParameter, PlatformApi } from './platform_api.js';
import { STATUS_NOT_READY, type StatusDescriber } from './status.js';
import { ENTRY_POINTS, symbolOf, symbolTable, type EntryPointName } from './symbols.js';

/** The "named symbol not found" status moduleGetFunction reports as a missing function. */
const STATUS_NOT_FOUND = 500;

/** Device attributes both platforms have, by their numbers on that platform. */
export interface CommonAttributes {
  readonly maxThreadsPerBlock: number;
  readonly maxBlockDimX: number;
  readonly maxBlockDimY: number;
  readonly maxBlockDimZ: number;
  readonly maxGridDimX: number;
  readonly maxGridDimY: number;
  readonly maxGridDimZ: number;
  readonly maxSharedMemoryPerBlock: number;
  readonly multiprocessorCount: number;
  readonly warpSize: number;
  readonly memoryPoolsSupported: number;
}

/** Flag values the shared calls pass, as each platform numbers them. */
export interface PlatformFlags {
  readonly streamNonBlocking: number;
  readonly eventDisableTiming: number;
  readonly hostAlloc: number;
}

/** A PlatformApi but for what each platform does its own way (its subclasses complete it). */
export abstract class BoundPlatform
  implements Omit<PlatformApi, 'init' | 'openDevice' | 'makeCurrent' | 'closeDevice' | 'graphAddKernelNode' | 'graphAddMemsetNode' | 'graphAddMemcpyNode'>
{
  abstract readonly platform: HipPlatform;
  readonly describer: StatusDescriber;
  readonly libraryName: string;
  readonly fallbacks: Record<string, string> = {};
  readonly details: Record<string, string> = {};
  readonly hasAsyncAllocation: boolean;
  onDeviceLosingError: ((error: Error) => void) | undefined;

  /** The bound functions by entry point (those this platform has and the library provides). */
  protected readonly f: Readonly<Partial<Record<EntryPointName, NativeFunction>>>;
  /** The bound functions by the platform's symbol names (what status describers look up). */
  protected readonly bySymbol: Readonly<Record<string, NativeFunction>>;
  protected readonly check: StatusCheck;
  protected readonly out = new OutCell();
  protected readonly int = new Int32Array(1);
  protected readonly deps = new HandleArray();
  /** The device handle the attribute queries use; -1 while no device is open. */
  protected device = -1;
  private readonly symbols: Readonly<Partial<Record<EntryPointName, string>>>;

  protected constructor(
    loaded: LoadedLibrary,
    platform: HipPlatform,
    describe: (fns: Readonly<Record<string, NativeFunction>>) => StatusDescriber,
    fallbackFor: (symbol: string) => string,
    private readonly flags: PlatformFlags,
  ) {
    const bound = bindSymbols(loaded.lib, symbolTable(platform));
    if (bound.missingRequired.length > 0) {
      throw new Error(`${loaded.name} lacks required symbols: ${bound.missingRequired.join(', ')}`);
    }
    const f: Partial<Record<EntryPointName, NativeFunction>> = {};
    const symbols: Partial<Record<EntryPointName, string>> = {};
    for (const entry of Object.keys(ENTRY_POINTS) as EntryPointName[]) {
      const symbol = symbolOf(platform, entry);
      if (symbol === undefined) continue;
      symbols[entry] = symbol;
      const fn = bound.fns[symbol];
      if (fn !== undefined) f[entry] = fn;
    }
    this.f = f;
    this.symbols = symbols;
    this.bySymbol = bound.fns;
    this.libraryName = loaded.name;
    this.describer = describe(bound.fns);
    this.check = makeStatusCheck(this.describer, () => this.onDeviceLosingError);
    this.hasAsyncAllocation = f.memAllocAsync !== undefined && f.memFreeAsync !== undefined;
    for (const name of bound.missingOptional) this.fallbacks[name] = fallbackFor(name);
  }

  /** Calls a bound entry point and checks its status; messages name the platform's symbol. */
  protected call(entry: EntryPointName, args: readonly unknown[], context?: string): void {
    this.check(this.f[entry]!(...args) as number, this.symbols[entry]!, context);
  }

  /** Calls an entry point whose only result is one out-parameter, and returns it. */
  protected create(entry: EntryPointName, args: readonly unknown[], context?: string): number {
    this.call(entry, [this.out.arm(), ...args], context);
    return this.out.value;
  }

  /** A query: false for the not-ready status, true for success, a thrown error for anything else. */
  private query(entry: EntryPointName, handle: number): boolean {
    const status = this.f[entry]!(handle) as number;
    if (status === STATUS_NOT_READY) return false;
    this.check(status, this.symbols[entry]!);
    return true;
  }

  protected attribute(attribute: number): number {
    this.call('deviceGetAttribute', [this.int, attribute, this.device], `attribute ${attribute}`);
    return this.int[0]!;
  }

  /** Name, memory and limits of `device` (the platform's handle, which attribute queries also use). */
  protected commonFacts(device: number, a: CommonAttributes): Omit<DeviceFacts, 'arch'> {
    const name = new Uint8Array(256);
    this.call('deviceGetName', [name, name.length, device]);
    const totalMemoryBytes = this.create('deviceTotalMem', [device]);
    return {
      name: decodeCString(name),
      totalMemoryBytes,
      computeUnits: this.attribute(a.multiprocessorCount),
      warpSize: this.attribute(a.warpSize),
      limits: {
        maxWorkgroupInvocations: this.attribute(a.maxThreadsPerBlock),
        maxWorkgroupSize: [this.attribute(a.maxBlockDimX), this.attribute(a.maxBlockDimY), this.attribute(a.maxBlockDimZ)],
        maxWorkgroupCount: [this.attribute(a.maxGridDimX), this.attribute(a.maxGridDimY), this.attribute(a.maxGridDimZ)],
        maxSharedMemoryBytes: this.attribute(a.maxSharedMemoryPerBlock),
        minAllocationAlignment: 256,
      },
      memoryPools: this.attribute(a.memoryPoolsSupported) !== 0,
    };
  }

  deviceCount(): number {
    this.call('deviceGetCount', [this.int]);
    return this.int[0]!;
  }

  deviceSummary(ordinal: number): { name: string; totalMemoryBytes: number } {
    this.call('deviceGet', [this.int, ordinal], `ordinal ${ordinal}`);
    const device = this.int[0]!;
    const name = new Uint8Array(256);
    this.call('deviceGetName', [name, name.length, device]);
    return { name: decodeCString(name), totalMemoryBytes: this.create('deviceTotalMem', [device]) };
  }

  synchronizeDevice(): void {
    this.call('deviceSynchronize', []);
  }

  memAlloc(bytes: number): number {
    return this.create('memAlloc', [bytes], `${bytes} bytes`);
  }
  memFree(ptr: number): void {
    this.call('memFree', [ptr]);
  }
  memAllocAsync(bytes: number, stream: number): number {
    return this.create('memAllocAsync', [bytes, stream], `${bytes} bytes`);
  }
  memFreeAsync(ptr: number, stream: number): void {
    this.call('memFreeAsync', [ptr, stream]);
  }
  hostAlloc(bytes: number): number {
    return this.create('hostAlloc', [bytes, this.flags.hostAlloc], `${bytes} bytes`);
  }
  hostFree(ptr: number): void {
    this.call('hostFree', [ptr]);
  }
  memcpyHtoDAsync(dst: number, srcHost: number, bytes: number, stream: number): void {
    this.call('memcpyHtoDAsync', [dst, srcHost, bytes, stream]);
  }
  memcpyDtoHAsync(dstHost: number, src: number, bytes: number, stream: number): void {
    this.call('memcpyDtoHAsync', [dstHost, src, bytes, stream]);
  }
  memcpyDtoDAsync(dst: number, src: number, bytes: number, stream: number): void {
    this.call('memcpyDtoDAsync', [dst, src, bytes, stream]);
  }
  memsetAsync(dst: number, value: number, elementSize: 1 | 2 | 4, count: number, stream: number): void {
    // The 32-bit pattern is an `int` for HIP and an `unsigned int` for CUDA: the same bits either way.
    if (elementSize === 4) this.call('memsetD32Async', [dst, this.platform === 'amd' ? value | 0 : value >>> 0, count, stream]);
    else if (elementSize === 2) this.call('memsetD16Async', [dst, value & 0xffff, count, stream]);
    else this.call('memsetD8Async', [dst, value & 0xff, count, stream]);
  }

  streamCreate(): number {
    return this.create('streamCreate', [this.flags.streamNonBlocking]);
  }
  streamDestroy(stream: number): void {
    this.call('streamDestroy', [stream]);
  }
  streamQuery(stream: number): boolean {
    return this.query('streamQuery', stream);
  }

  eventCreate(): number {
    return this.create('eventCreate', [this.flags.eventDisableTiming]);
  }
  eventDestroy(event: number): void {
    this.call('eventDestroy', [event]);
  }
  // The calls on every submission's path skip `call`'s argument array.
  eventRecord(event: number, stream: number): void {
    this.check(this.f.eventRecord!(event, stream) as number, this.symbols.eventRecord!);
  }
  eventQuery(event: number): boolean {
    return this.query('eventQuery', event);
  }
  streamWaitEvent(stream: number, event: number): void {
    this.check(this.f.streamWaitEvent!(stream, event, 0) as number, this.symbols.streamWaitEvent!);
  }

  graphCreate(): number {
    return this.create('graphCreate', [0]);
  }
  graphDestroy(graph: number): void {
    this.call('graphDestroy', [graph]);
  }
  graphAddEmptyNode(graph: number, deps: readonly number[]): number {
    return this.create('graphAddEmptyNode', [graph, this.deps.pack(deps), deps.length]);
  }
  graphInstantiate(graph: number): number {
    return this.create('graphInstantiate', [graph, 0]);
  }
  graphExecDestroy(exec: number): void {
    this.call('graphExecDestroy', [exec]);
  }
  graphLaunch(exec: number, stream: number): void {
    this.check(this.f.graphLaunch!(exec, stream) as number, this.symbols.graphLaunch!);
  }

  moduleLoadData(image: Uint8Array): number {
    return this.create('moduleLoadData', [image]);
  }
  moduleUnload(module: number): void {
    this.call('moduleUnload', [module]);
  }
  moduleGetFunction(module: number, name: string): number {
    const status = this.f.moduleGetFunction!(this.out.arm(), module, name) as number;
    if (status === STATUS_NOT_FOUND) return 0;
    this.check(status, this.symbols.moduleGetFunction!, `function '${name}'`);
    return this.out.value;
  }
  functionParameters(fn: number): readonly KernelParameter[] | undefined {
    const query = this.f.funcGetParamInfo;
    if (query === undefined) return undefined;
    const offset = new BigUint64Array(1);
    const size = new BigUint64Array(1);
    const parameters: KernelParameter[] = [];
    // The driver answers INVALID_VALUE past the last parameter; 4 KiB of parameters is at most 1024 of them.
    for (let i = 0; i < 1024; i++) {
      if ((query(fn, i, offset, size) as number) !== 0) break;
      parameters.push({ offset: Number(offset[0]), size: Number(size[0]) });
    }
    return parameters;
  }
  launchKernel(fn: number, grid: Dims3, block: Dims3, sharedMemBytes: number, stream: number, kernelParams: number): void {
    const status = this.f.launchKernel!(fn, grid.x, grid.y, grid.z, block.x, block.y, block.z, sharedMemBytes, stream, kernelParams, 0) as number;
    this.check(status, this.symbols.launchKernel!);
  }
}
