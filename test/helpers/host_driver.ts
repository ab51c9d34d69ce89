/**
 * A third backend, as small as the seam allows: device memory is host memory and every operation runs when it is
 * enqueued, so streams are trivially in order and every recorded event is complete at once. It loads no kernels
 * (`formats: []`), keeps a real clock and has no stepper, so it shows that the core asks drivers for capabilities
 * (`info.clock`, `stepper`, `quiesce`, `lostError`) instead of testing which backend it runs on.
 */
import { HalError, StatusCode } from '../../src/index.js';
import type {
  DevicePtr, DriverDeviceInfo, DriverEvent, DriverFunction, DriverGraph, DriverGraphExec, DriverGraphNode, DriverModule,
  DriverObjectCounts, DriverProvider, DriverReadback, DriverStream, DriverTimer, GpuDriver, KernelLaunch, MemcpyParams,
  MemsetParams, ModuleImage,
} from '../../src/core/driver.js';

declare module '../../src/core/device_options.js' {
  interface BackendDeviceOptions {
    /** Options for the host test backend (it takes none, but its key is known once it is declared here). */
    readonly host?: Readonly<Record<string, unknown>>;
  }
}

const invalid = (message: string): HalError => new HalError(StatusCode.INVALID_ARGUMENT, message);

/** Handles are plain objects; each table knows its own, so a foreign or destroyed handle is INVALID_ARGUMENT. */
class Table<H, T> {
  private readonly items = new Map<object, T>();
  constructor(private readonly kind: string) {}
  add(value: T): H {
    const handle = Object.freeze({ kind: this.kind });
    this.items.set(handle, value);
    return handle as H;
  }
  get(handle: H): T {
    const value = this.items.get(handle as object);
    if (value === undefined) throw invalid(`host driver: unknown or destroyed ${this.kind}`);
    return value;
  }
  remove(handle: H): T {
    const value = this.get(handle);
    this.items.delete(handle as object);
    return value;
  }
  /** Removes the handle if it is still live. */
  take(handle: H): T | undefined {
    const value = this.items.get(handle as object);
    this.items.delete(handle as object);
    return value;
  }
  get size(): number {
    return this.items.size;
  }
}

type GraphNode = { readonly run: () => void };

export class HostDriver implements GpuDriver {
  readonly info: DriverDeviceInfo = Object.freeze<DriverDeviceInfo>({
    name: 'host memory test device',
    platform: 'host',
    clock: 'real',
    ordinal: 0,
    totalMemoryBytes: 64 << 20,
    computeUnits: 1,
    warpSize: 1,
    limits: {
      maxWorkgroupInvocations: 1024,
      maxWorkgroupSize: [1024, 1024, 64],
      maxWorkgroupCount: [65535, 65535, 65535],
      maxSharedMemoryBytes: 65536,
      minAllocationAlignment: 256,
    },
    formats: [],
    streamOrderedAllocation: true,
    hostFunctions: false,
    indirectDispatch: false,
    details: Object.freeze({ completion: 'every operation runs when it is enqueued' }),
  });

  private readonly memory = new Map<DevicePtr, Uint8Array>();
  private nextPtr = 0x1000;
  private readonly streams = new Table<DriverStream, true>('stream');
  private readonly events = new Table<DriverEvent, true>('event');
  private readonly graphs = new Table<DriverGraph, GraphNode[]>('graph');
  private readonly execs = new Table<DriverGraphExec, readonly GraphNode[]>('graphExec');
  private readonly timers = new Table<DriverTimer, ReturnType<typeof setTimeout>>('timer');
  private readonly start = process.hrtime.bigint();

  now(): bigint {
    return process.hrtime.bigint() - this.start;
  }

  memAlloc(byteLength: number): DevicePtr {
    const used = [...this.memory.values()].reduce((sum, block) => sum + block.byteLength, 0);
    if (used + byteLength > this.info.totalMemoryBytes) throw new HalError(StatusCode.RESOURCE_EXHAUSTED, `host driver: out of memory (${byteLength} bytes)`);
    const ptr = this.nextPtr;
    this.nextPtr += Math.ceil(Math.max(byteLength, 1) / 256) * 256 + 256;
    this.memory.set(ptr, new Uint8Array(byteLength));
    return ptr;
  }

  memFree(ptr: DevicePtr): void {
    if (!this.memory.delete(ptr)) throw invalid(`host driver: memFree of unknown address ${ptr}`);
  }

  memAllocAsync(byteLength: number, stream: DriverStream): DevicePtr {
    this.streams.get(stream);
    return this.memAlloc(byteLength);
  }

  memFreeAsync(ptr: DevicePtr, stream: DriverStream): void {
    this.streams.get(stream);
    this.memFree(ptr);
  }

  memcpyHtoDAsync(dst: DevicePtr, src: Uint8Array, stream: DriverStream): void {
    this.streams.get(stream);
    this.range(dst, src.byteLength).set(src);
  }

  memcpyDtoHAsync(src: DevicePtr, byteLength: number, stream: DriverStream): DriverReadback {
    this.streams.get(stream);
    const staged = this.range(src, byteLength).slice();
    return {
      byteLength,
      take: (into) => {
        const out = into ?? new Uint8Array(byteLength);
        out.set(staged);
        return out;
      },
      release: () => {},
    };
  }

  memcpyDtoDAsync(params: MemcpyParams, stream: DriverStream): void {
    this.streams.get(stream);
    this.copy(params);
  }

  memsetAsync(params: MemsetParams, stream: DriverStream): void {
    this.streams.get(stream);
    this.fill(params);
  }

  streamCreate(): DriverStream {
    return this.streams.add(true);
  }
  streamDestroy(stream: DriverStream): void {
    this.streams.remove(stream);
  }
  streamQuery(stream: DriverStream): boolean {
    this.streams.get(stream);
    return true;
  }
  async streamSynchronize(stream: DriverStream): Promise<void> {
    this.streams.get(stream);
  }

  eventCreate(): DriverEvent {
    return this.events.add(true);
  }
  eventDestroy(event: DriverEvent): void {
    this.events.remove(event);
  }
  eventRecord(event: DriverEvent, stream: DriverStream): void {
    this.events.get(event);
    this.streams.get(stream);
  }
  eventQuery(event: DriverEvent): boolean {
    this.events.get(event);
    return true;
  }
  streamWaitEvent(stream: DriverStream, event: DriverEvent): void {
    this.streams.get(stream);
    this.events.get(event);
  }

  graphCreate(): DriverGraph {
    return this.graphs.add([]);
  }
  graphDestroy(graph: DriverGraph): void {
    this.graphs.remove(graph);
  }
  // Nodes run in the order they were added: a topological order of any dependencies given.
  graphAddEmptyNode(graph: DriverGraph): DriverGraphNode {
    return this.addNode(graph, () => {});
  }
  graphAddKernelNode(): DriverGraphNode {
    throw new HalError(StatusCode.UNIMPLEMENTED, 'host driver: no kernels');
  }
  graphAddMemsetNode(graph: DriverGraph, _dependencies: readonly DriverGraphNode[], params: MemsetParams): DriverGraphNode {
    this.range(params.dst, params.count * params.elementSize);
    return this.addNode(graph, () => this.fill(params));
  }
  graphAddMemcpyNode(graph: DriverGraph, _dependencies: readonly DriverGraphNode[], params: MemcpyParams): DriverGraphNode {
    this.range(params.src, params.byteLength);
    this.range(params.dst, params.byteLength);
    return this.addNode(graph, () => this.copy(params));
  }
  graphInstantiate(graph: DriverGraph): DriverGraphExec {
    return this.execs.add([...this.graphs.get(graph)]);
  }
  graphExecDestroy(exec: DriverGraphExec): void {
    this.execs.remove(exec);
  }
  graphLaunch(exec: DriverGraphExec, stream: DriverStream): void {
    this.streams.get(stream);
    for (const node of this.execs.get(exec)) node.run();
  }

  moduleLoad(image: ModuleImage): DriverModule {
    throw new HalError(StatusCode.UNIMPLEMENTED, `host driver: cannot load ${image.format} modules (it loads none)`);
  }
  moduleUnload(): void {
    throw invalid('host driver: no modules');
  }
  moduleGetFunction(): DriverFunction {
    throw invalid('host driver: no modules');
  }
  launchKernel(_launch: KernelLaunch): void {
    throw new HalError(StatusCode.UNIMPLEMENTED, 'host driver: no kernels');
  }

  nextProgress(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  setTimer(deadline: bigint, callback: () => void): DriverTimer {
    const delayMs = Number((deadline - this.now()) / 1_000_000n);
    const timer: DriverTimer = this.timers.add(
      setTimeout(() => {
        this.timers.remove(timer);
        callback();
      }, Math.max(0, delayMs)),
    );
    return timer;
  }

  clearTimer(timer: DriverTimer): void {
    // Clearing a timer that already fired is allowed by the seam.
    const pending = this.timers.take(timer);
    if (pending !== undefined) clearTimeout(pending);
  }

  outstanding(): DriverObjectCounts {
    return {
      streams: this.streams.size,
      events: this.events.size,
      graphs: this.graphs.size,
      graphExecs: this.execs.size,
      modules: 0,
      allocations: this.memory.size,
      timers: this.timers.size,
    };
  }

  destroy(): void {
    this.memory.clear();
  }

  private addNode(graph: DriverGraph, run: () => void): DriverGraphNode {
    const node = { run };
    this.graphs.get(graph).push(node);
    return node as unknown as DriverGraphNode;
  }

  /** The bytes at [ptr, ptr + byteLength) inside one allocation. */
  private range(ptr: DevicePtr, byteLength: number): Uint8Array {
    for (const [base, block] of this.memory) {
      if (ptr >= base && ptr + byteLength <= base + block.byteLength) return block.subarray(ptr - base, ptr - base + byteLength);
    }
    throw invalid(`host driver: [${ptr}, ${ptr + byteLength}) is not inside one allocation`);
  }

  private copy({ dst, src, byteLength }: MemcpyParams): void {
    this.range(dst, byteLength).set(this.range(src, byteLength));
  }

  private fill({ dst, value, elementSize, count }: MemsetParams): void {
    const bytes = this.range(dst, count * elementSize);
    for (let i = 0; i < count; i++) for (let b = 0; b < elementSize; b++) bytes[i * elementSize + b] = (value >>> (8 * b)) & 0xff;
  }
}

/** Registered under a name of its own: any string names a backend. */
export const hostProvider: DriverProvider = {
  name: 'host',
  async probe() {
    return { available: true, devices: [{ ordinal: 0, name: 'host memory test device', platform: 'host', totalMemoryBytes: 64 << 20 }] };
  },
  async open() {
    return new HostDriver();
  },
};
