/**
 * A fake PlatformApi: the lowest layer of the hip backend replaced by a scripted GPU, so the real HipDriver (its
 * fences, pinned staging, stream-ordered fallback, device-loss handling) runs in CI without a GPU.
 *
 * - Device memory is JS memory at made-up 48-bit addresses; pinned host memory is real (koffi), because the driver
 *   views it with koffi. Copies read and write host memory when they *run*, as DMA does: a staging block reused
 *   too early shows up as wrong bytes.
 * - Stream work is queued and runs only when the test says so (`run`, `runAll`), or, with `autoComplete`, whenever
 *   the driver asks whether work finished (a GPU that is always done by then).
 * - Any call can be made to fail with a driver status (`failNext`), and running work can fault the device
 *   (`faultNextOp`): statuses that lose the device are reported through `onDeviceLosingError` and stay sticky, as
 *   CUDA's do, exactly as the real adapters (amd_api.ts, nvidia_api.ts) report them.
 */
import koffi from 'koffi';
import type { DriverLimits } from '../../src/core/driver.js';
import { makeStatusCheck, type StatusCheck } from '../../src/backends/hip/call_helpers.js';
import type { DeviceFacts, Dims3, HipPlatform, KernelParameter, PlatformApi } from '../../src/backends/hip/platform_api.js';
import { describerFrom, losesDevice } from '../../src/backends/hip/status.js';

/** The statuses tests inject, with the CUDA driver's numbers and names (HIP shares the numbers). */
export const STATUS = {
  OUT_OF_MEMORY: 2,
  INVALID_HANDLE: 400,
  NOT_FOUND: 500,
  NOT_READY: 600,
  ILLEGAL_ADDRESS: 700,
  LAUNCH_FAILED: 719,
  UNKNOWN: 999,
} as const;

const STATUS_NAMES = new Map<number, string>([
  [2, 'CUDA_ERROR_OUT_OF_MEMORY'],
  [400, 'CUDA_ERROR_INVALID_HANDLE'],
  [500, 'CUDA_ERROR_NOT_FOUND'],
  [700, 'CUDA_ERROR_ILLEGAL_ADDRESS'],
  [719, 'CUDA_ERROR_LAUNCH_FAILED'],
  [999, 'CUDA_ERROR_UNKNOWN'],
]);

export const FAKE_LIMITS: DriverLimits = {
  maxWorkgroupInvocations: 1024,
  maxWorkgroupSize: [1024, 1024, 64],
  maxWorkgroupCount: [2 ** 31 - 1, 65535, 65535],
  maxSharedMemoryBytes: 48 * 1024,
  minAllocationAlignment: 256,
};

export interface FakePlatformOptions {
  readonly platform?: HipPlatform;
  /** False: the library lacks the stream-ordered allocation symbols (the driver's ordered fallback). */
  readonly asyncAllocation?: boolean;
  /** False: the device has no memory pools (the same fallback, for another reason). */
  readonly memoryPools?: boolean;
  /** Run queued work whenever the driver queries completion. */
  readonly autoComplete?: boolean;
  readonly totalMemoryBytes?: number;
  /** Kernel name → where its parameters sit (cuFuncGetParamInfo); kernels not named here have no such answer. */
  readonly parameters?: Readonly<Record<string, readonly KernelParameter[]>>;
}

/** One queued operation of a stream; `marker` ops are event records. */
interface Op {
  readonly name: string;
  done: boolean;
  /** Runs the operation; false when it cannot run yet (a wait on an event whose work has not run). */
  run(): boolean;
}

interface FakeStream {
  readonly id: number;
  readonly queue: Op[];
  /** A status the next operation run on this stream faults the device with. */
  faultStatus: number | undefined;
}

type Node = { readonly run: () => void };

export class FakePlatform implements PlatformApi {
  readonly platform: HipPlatform;
  readonly describer = describerFrom('cuda', (status) => STATUS_NAMES.get(status), (status) => `fake status ${status}`);
  readonly libraryName = 'fake-platform';
  readonly fallbacks: Readonly<Record<string, string>>;
  readonly details: Readonly<Record<string, string>> = { driverVersion: 'fake' };
  readonly hasAsyncAllocation: boolean;
  onDeviceLosingError: ((error: Error) => void) | undefined;

  /** Every call the driver made, by PlatformApi method name, in order. */
  readonly calls: string[] = [];
  autoComplete: boolean;
  private readonly check: StatusCheck;
  private readonly memoryPools: boolean;
  private readonly totalMemoryBytes: number;
  private readonly injected = new Map<string, number[]>();
  private sticky: number | undefined;
  private nextHandle = 1;
  private nextAddress = 0x7f00_0000_0000;
  readonly memory = new Map<number, Uint8Array>();
  private readonly host = new Map<number, unknown>();
  private readonly streams = new Map<number, FakeStream>();
  /** Event handle → the record op whose completion it reports (undefined: never recorded). */
  private readonly events = new Map<number, Op | undefined>();
  private readonly graphs = new Map<number, Node[]>();
  private readonly execs = new Map<number, readonly Node[]>();
  private readonly modules = new Set<number>();
  /** Kernel launches that ran, by function name. */
  readonly launched: string[] = [];
  private readonly functions = new Map<number, string>();

  private readonly parameterLayouts: Readonly<Record<string, readonly KernelParameter[]>>;
  /** Per launch of a kernel with a parameter layout: each parameter's bytes, as the driver copied them. */
  readonly argumentBytes: Uint8Array[][] = [];

  constructor(options: FakePlatformOptions = {}) {
    this.platform = options.platform ?? 'nvidia';
    this.hasAsyncAllocation = options.asyncAllocation ?? true;
    this.memoryPools = options.memoryPools ?? true;
    this.autoComplete = options.autoComplete ?? false;
    this.totalMemoryBytes = options.totalMemoryBytes ?? 1 << 30;
    this.parameterLayouts = options.parameters ?? {};
    this.fallbacks = this.hasAsyncAllocation
      ? {}
      : { cuMemAllocAsync: 'allocate at once', cuMemFreeAsync: 'free once the stream passes the free' };
    this.check = makeStatusCheck(this.describer, () => this.onDeviceLosingError);
  }

  // --- scripting ------------------------------------------------------------------------------------------------

  /** The next `times` calls of `call` fail with `status`. */
  failNext(call: keyof PlatformApi, status: number, times = 1): void {
    const list = this.injected.get(call) ?? [];
    for (let i = 0; i < times; i++) list.push(status);
    this.injected.set(call, list);
  }

  /** The next operation run on `stream` (raw handle) faults the device with `status`. */
  faultNextOp(stream: number, status: number): void {
    this.stream(stream).faultStatus = status;
  }

  /** Runs the queued work of one stream as far as it can go; returns how many operations ran. */
  run(stream: number): number {
    const s = this.stream(stream);
    let ran = 0;
    while (s.queue.length > 0) {
      const op = s.queue[0]!;
      if (s.faultStatus !== undefined) {
        this.sticky = s.faultStatus;
        s.faultStatus = undefined;
        s.queue.length = 0;
        return ran;
      }
      if (!op.run()) break;
      op.done = true;
      s.queue.shift();
      ran++;
    }
    return ran;
  }

  /** Runs every stream until nothing more can run. */
  runAll(): void {
    for (let progress = true; progress; ) {
      progress = false;
      for (const id of this.streams.keys()) if (this.run(id) > 0) progress = true;
    }
  }

  /** Operations queued and not yet run, over all streams. */
  get queuedOps(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.queue.length;
    return n;
  }

  /** Live platform objects: what the driver has not given back. */
  live(): { streams: number; events: number; graphs: number; execs: number; modules: number; memory: number; hostBlocks: number } {
    return {
      streams: this.streams.size,
      events: this.events.size,
      graphs: this.graphs.size,
      execs: this.execs.size,
      modules: this.modules.size,
      memory: this.memory.size,
      hostBlocks: this.host.size,
    };
  }

  facts(): DeviceFacts {
    return {
      name: 'Fake GPU',
      totalMemoryBytes: this.totalMemoryBytes,
      computeUnits: 4,
      warpSize: 32,
      limits: FAKE_LIMITS,
      arch: this.platform === 'amd' ? 'gfx90a' : 'sm_90',
      memoryPools: this.memoryPools,
    };
  }

  // --- PlatformApi ----------------------------------------------------------------------------------------------

  init(): void {
    this.enter('init');
  }
  deviceCount(): number {
    this.enter('deviceCount');
    return 1;
  }
  deviceSummary(): { name: string; totalMemoryBytes: number } {
    this.enter('deviceSummary');
    return { name: 'Fake GPU', totalMemoryBytes: this.totalMemoryBytes };
  }
  openDevice(): DeviceFacts {
    this.enter('openDevice');
    return this.facts();
  }
  makeCurrent(): void {
    this.enter('makeCurrent');
  }
  closeDevice(): void {
    this.calls.push('closeDevice');
  }
  synchronizeDevice(): void {
    this.enter('synchronizeDevice');
    this.runAll();
    this.checkSticky('synchronizeDevice');
  }

  memAlloc(bytes: number): number {
    this.enter('memAlloc');
    let used = 0;
    for (const block of this.memory.values()) used += block.byteLength;
    if (used + bytes > this.totalMemoryBytes) this.check(STATUS.OUT_OF_MEMORY, 'cuMemAlloc_v2', `allocating ${bytes} bytes`);
    const address = this.nextAddress;
    this.nextAddress += Math.ceil(bytes / 256) * 256 + 256;
    this.memory.set(address, new Uint8Array(bytes));
    return address;
  }
  memFree(ptr: number): void {
    this.enter('memFree');
    if (!this.memory.delete(ptr)) this.check(STATUS.INVALID_HANDLE, 'cuMemFree_v2');
  }
  memAllocAsync(bytes: number, stream: number): number {
    this.enter('memAllocAsync');
    if (!this.hasAsyncAllocation || !this.memoryPools) throw new Error('fake platform: memAllocAsync called without stream-ordered allocation');
    this.stream(stream);
    return this.memAlloc(bytes);
  }
  memFreeAsync(ptr: number, stream: number): void {
    this.enter('memFreeAsync');
    if (!this.hasAsyncAllocation || !this.memoryPools) throw new Error('fake platform: memFreeAsync called without stream-ordered allocation');
    this.enqueue(stream, 'memFreeAsync', () => void this.memory.delete(ptr));
  }
  hostAlloc(bytes: number): number {
    this.enter('hostAlloc');
    const pointer = koffi.alloc('uint8_t', bytes);
    const address = Number(koffi.address(pointer));
    this.host.set(address, pointer);
    return address;
  }
  hostFree(ptr: number): void {
    this.enter('hostFree');
    const pointer = this.host.get(ptr);
    if (pointer === undefined) this.check(STATUS.INVALID_HANDLE, 'cuMemFreeHost');
    koffi.free(pointer);
    this.host.delete(ptr);
  }
  memcpyHtoDAsync(dst: number, srcHost: number, bytes: number, stream: number): void {
    this.enter('memcpyHtoDAsync');
    this.enqueue(stream, 'memcpyHtoD', () => this.device(dst, bytes).set(new Uint8Array(koffi.view(srcHost, bytes))));
  }
  memcpyDtoHAsync(dstHost: number, src: number, bytes: number, stream: number): void {
    this.enter('memcpyDtoHAsync');
    this.enqueue(stream, 'memcpyDtoH', () => new Uint8Array(koffi.view(dstHost, bytes)).set(this.device(src, bytes)));
  }
  memcpyDtoDAsync(dst: number, src: number, bytes: number, stream: number): void {
    this.enter('memcpyDtoDAsync');
    this.enqueue(stream, 'memcpyDtoD', () => this.copy(dst, src, bytes));
  }
  memsetAsync(dst: number, value: number, elementSize: 1 | 2 | 4, count: number, stream: number): void {
    this.enter('memsetAsync');
    this.enqueue(stream, 'memset', () => this.fill(dst, value, elementSize, count));
  }

  streamCreate(): number {
    this.enter('streamCreate');
    const id = this.nextHandle++;
    this.streams.set(id, { id, queue: [], faultStatus: undefined });
    return id;
  }
  streamDestroy(stream: number): void {
    this.enter('streamDestroy');
    // As on a GPU, work already enqueued still runs: it stays queued on a detached stream until run.
    const s = this.stream(stream);
    if (s.queue.length === 0) this.streams.delete(stream);
    else this.enqueue(stream, 'streamDestroyed', () => void this.streams.delete(stream));
  }
  streamQuery(stream: number): boolean {
    this.enter('streamQuery');
    if (this.autoComplete) this.runAll();
    this.checkSticky('cuStreamQuery');
    return this.stream(stream).queue.length === 0;
  }

  eventCreate(): number {
    this.enter('eventCreate');
    const id = this.nextHandle++;
    this.events.set(id, undefined);
    return id;
  }
  eventDestroy(event: number): void {
    this.enter('eventDestroy');
    if (!this.events.delete(event)) this.check(STATUS.INVALID_HANDLE, 'cuEventDestroy_v2');
  }
  eventRecord(event: number, stream: number): void {
    this.enter('eventRecord');
    if (!this.events.has(event)) this.check(STATUS.INVALID_HANDLE, 'cuEventRecord');
    this.events.set(event, this.enqueue(stream, 'eventRecord', () => {}));
  }
  eventQuery(event: number): boolean {
    this.enter('eventQuery');
    if (!this.events.has(event)) this.check(STATUS.INVALID_HANDLE, 'cuEventQuery');
    if (this.autoComplete) this.runAll();
    this.checkSticky('cuEventQuery');
    return this.events.get(event)?.done ?? true;
  }
  streamWaitEvent(stream: number, event: number): void {
    this.enter('streamWaitEvent');
    const marker = this.events.get(event);
    this.enqueue(stream, 'streamWaitEvent', () => marker?.done ?? true, true);
  }

  graphCreate(): number {
    this.enter('graphCreate');
    const id = this.nextHandle++;
    this.graphs.set(id, []);
    return id;
  }
  graphDestroy(graph: number): void {
    this.enter('graphDestroy');
    this.graphs.delete(graph);
  }
  graphAddEmptyNode(graph: number): number {
    this.enter('graphAddEmptyNode');
    return this.addNode(graph, () => {});
  }
  graphAddKernelNode(graph: number, _deps: readonly number[], fn: number): number {
    this.enter('graphAddKernelNode');
    const name = this.functions.get(fn) ?? '?';
    return this.addNode(graph, () => void this.launched.push(name));
  }
  graphAddMemsetNode(graph: number, _deps: readonly number[], dst: number, value: number, elementSize: 1 | 2 | 4, count: number): number {
    this.enter('graphAddMemsetNode');
    return this.addNode(graph, () => this.fill(dst, value, elementSize, count));
  }
  graphAddMemcpyNode(graph: number, _deps: readonly number[], dst: number, src: number, bytes: number): number {
    this.enter('graphAddMemcpyNode');
    return this.addNode(graph, () => this.copy(dst, src, bytes));
  }
  graphInstantiate(graph: number): number {
    this.enter('graphInstantiate');
    const id = this.nextHandle++;
    this.execs.set(id, [...(this.graphs.get(graph) ?? [])]);
    return id;
  }
  graphExecDestroy(exec: number): void {
    this.enter('graphExecDestroy');
    this.execs.delete(exec);
  }
  graphLaunch(exec: number, stream: number): void {
    this.enter('graphLaunch');
    const nodes = this.execs.get(exec)!;
    // Nodes were added in a topological order; running them in that order honours every edge.
    this.enqueue(stream, 'graphLaunch', () => {
      for (const node of nodes) node.run();
    });
  }

  moduleLoadData(): number {
    this.enter('moduleLoadData');
    const id = this.nextHandle++;
    this.modules.add(id);
    return id;
  }
  moduleUnload(module: number): void {
    this.enter('moduleUnload');
    this.modules.delete(module);
  }
  moduleGetFunction(_module: number, name: string): number {
    this.enter('moduleGetFunction');
    if (name.startsWith('missing')) return 0;
    const id = this.nextHandle++;
    this.functions.set(id, name);
    return id;
  }
  functionParameters(fn: number): readonly KernelParameter[] | undefined {
    return this.parameterLayouts[this.functions.get(fn) ?? ''];
  }
  launchKernel(fn: number, _grid: Dims3, _block: Dims3, _shared: number, stream: number, kernelParams: number): void {
    this.enter('launchKernel');
    const name = this.functions.get(fn) ?? '?';
    const layout = this.parameterLayouts[name];
    if (layout !== undefined) {
      // What a driver does with kernelParams: copies each parameter's bytes from where its pointer points.
      const pointers = new BigUint64Array(koffi.view(kernelParams, layout.length * 8).slice(0));
      this.argumentBytes.push(layout.map((p, i) => new Uint8Array(koffi.view(Number(pointers[i]!), p.size).slice(0))));
    }
    this.enqueue(stream, 'launchKernel', () => void this.launched.push(name));
  }

  // --- internals ------------------------------------------------------------------------------------------------

  /** Records the call, then fails it if a status was injected for it or the device has a sticky fault. */
  private enter(call: string): void {
    this.calls.push(call);
    const status = this.injected.get(call)?.shift();
    if (status !== undefined) {
      if (losesDevice(status)) this.sticky = status;
      this.check(status, call);
    }
    this.checkSticky(call);
  }

  private checkSticky(call: string): void {
    if (this.sticky !== undefined) this.check(this.sticky, call);
  }

  private stream(stream: number): FakeStream {
    const s = this.streams.get(stream);
    if (s === undefined) throw new Error(`fake platform: unknown stream ${stream}`);
    return s;
  }

  private enqueue(stream: number, name: string, effect: () => boolean | void, isWait = false): Op {
    const op: Op = {
      name,
      done: false,
      run: () => {
        const result = effect();
        return isWait ? result === true : true;
      },
    };
    this.stream(stream).queue.push(op);
    return op;
  }

  private addNode(graph: number, run: () => void): number {
    this.graphs.get(graph)!.push({ run });
    return this.nextHandle++;
  }

  /** The bytes at [address, address + bytes) inside one device allocation. */
  private device(address: number, bytes: number): Uint8Array {
    for (const [base, block] of this.memory) {
      if (address >= base && address + bytes <= base + block.byteLength) return block.subarray(address - base, address - base + bytes);
    }
    throw new Error(`fake platform: [0x${address.toString(16)}, +${bytes}) is outside every allocation`);
  }

  private copy(dst: number, src: number, bytes: number): void {
    this.device(dst, bytes).set(this.device(src, bytes));
  }

  private fill(dst: number, value: number, elementSize: 1 | 2 | 4, count: number): void {
    const bytes = this.device(dst, count * elementSize);
    for (let i = 0; i < count; i++) for (let b = 0; b < elementSize; b++) bytes[i * elementSize + b] = (value >>> (8 * b)) & 0xff;
  }
}
