/**
 * SimDriver: the simulated GPU behind the GpuDriver seam (src/core/driver.ts).
 *
 * This file validates every call and wires the parts together; each part lives in its own module:
 *   wasm_device.ts   the WASM device (asm/device) over one WebAssembly.Memory and function table
 *   allocations.ts   device memory: allocator face and the range checks every operation goes through
 *   streams.ts       stream queues and operations; events.ts: event captures
 *   graphs.ts        graphs under construction; graph_exec.ts: instantiated graphs replayed in WASM
 *   modules.ts       kernel modules; kernel_launch.ts: launch validation and argument blocks
 *   executor.ts      what an operation does when it runs; faults.ts: the errors of failed work
 *   fault_plan.ts    fault plans (validated); fault_injector.ts: applying one while the simulator runs
 *   scheduler.ts     the discrete-event scheduler, virtual clock, timers and progress
 *   cost_model.ts    how long operations take; event_log.ts: what ran
 *
 * Bad input throws before any state changes. Failures of running work surface through events (eventQuery),
 * readbacks and streamSynchronize, never as exceptions from the enqueue calls.
 */
import { HalError, failedPrecondition, invalidArgument, resourceExhausted } from '../../core/errors.js';
import type {
  DevicePtr, DriverDeviceInfo, DriverEvent, DriverFunction, DriverGraph, DriverGraphExec, DriverGraphNode,
  DriverModule, DriverObjectCounts, DriverReadback, DriverStepper, DriverStream, DriverTimer, GpuDriver, KernelLaunch, OpenChoiceKind,
  MemcpyParams, MemsetParams, ModuleImage,
} from '../../core/driver.js';
import { Allocations, type Allocation } from './allocations.js';
import { Costs } from './cost_model.js';
import { EventLog, type LogEntry } from './event_log.js';
import { SimEvent } from './events.js';
import { Executor } from './executor.js';
import { allocationNotExecutedError } from './faults.js';
import { GraphExec } from './graph_exec.js';
import { SimGraph, memsetPattern, type GraphNodeSpec } from './graphs.js';
import { HandleTable } from './handles.js';
import { SIM_LIMITS, prepareLaunch } from './kernel_launch.js';
import { KernelModules, type KernelFunction, type KernelModule } from './modules.js';
import { compiledImage, type CompileRequest } from './hipc/compiler.js';
import { prepareHipSource } from './hipc/prebuilt.js';
import { driverOptionsOf, resolveSimOptions, type ResolvedSimOptions, type SimDriverOptions, type SimRunOptions } from './options.js';
import { SimReadback } from './readback.js';
import { DiscreteEventScheduler, destroyedError, type SimTimer, type StepEvent } from './scheduler.js';
import { SimStream, StreamOp, type OpPayload } from './streams.js';
import { WasmDevice } from './wasm_device.js';
import type { SimFootprint } from './schedule_source.js';
import { describe } from '../../core/validation.js';
import { FaultInjector, type InjectedFault } from './fault_injector.js';
import { type FaultPlan, resolveFaultPlan } from './fault_plan.js';

interface GraphNodeRef {
  readonly graph: SimGraph;
  readonly index: number;
}

/** Allocator statistics (sim-only, for tests and tools). */
export interface HeapStats {
  /** Bytes of the device heap (allocation headers included). */
  readonly heapBytes: number;
  /** Bytes in free blocks; equals heapBytes when nothing is allocated. */
  readonly freeBytes: number;
  /** The largest allocation that would succeed now. */
  readonly largestFreeBytes: number;
  /** 0 when every allocator invariant holds; otherwise the code of the first broken one. */
  readonly integrity: number;
  /** The memory's size in bytes; it never grows. */
  readonly memoryBytes: number;
}

/** One operation on a stream (streamContents). */
export interface SimQueuedOp {
  /** memset, memcpy, htod, dtoh, kernel, graph, record, wait, alloc, free, host. */
  readonly op: string;
  readonly label: string;
}

/** A stream's running and queued operations (streamContents). */
export interface SimStreamContents {
  readonly stream: number;
  /** Started and not yet completed; virtual ns. */
  readonly running: (SimQueuedOp & { readonly start: bigint; readonly end: bigint; readonly status: 'ok' | 'failed' | 'skipped' }) | null;
  readonly queued: readonly SimQueuedOp[];
  /** The error that skips this stream's work until its next event record, if any. */
  readonly poisoned: string | null;
}

const MAX_SHARED_BYTES = SIM_LIMITS.maxSharedMemoryBytes;
const NO_FOOTPRINT: SimFootprint = Object.freeze({ accesses: [], observable: false });
const hex = (n: number): string => `0x${n.toString(16)}`;
let nextDriverId = 1;

export class SimDriver implements GpuDriver {
  readonly info: DriverDeviceInfo;
  options: ResolvedSimOptions;
  /** Step mode's view of the simulator: step() and streamContents(), manual when created with mode 'manual'. */
  readonly stepper: DriverStepper;
  private readonly id = nextDriverId++;
  private readonly device: WasmDevice;
  private readonly allocations: Allocations;
  private readonly costs: Costs;
  private kernelModules: KernelModules;
  private log: EventLog;
  private scheduler: DiscreteEventScheduler;
  private executor: Executor;
  private nextOpSeq = 1;
  private readonly streams = new HandleTable<'stream', SimStream>(this.id, 'stream');
  private readonly events = new HandleTable<'event', SimEvent>(this.id, 'event');
  private readonly graphs = new HandleTable<'graph', SimGraph>(this.id, 'graph');
  private readonly graphNodes = new HandleTable<'graphNode', GraphNodeRef>(this.id, 'graphNode');
  private readonly execs = new HandleTable<'graphExec', GraphExec>(this.id, 'graphExec');
  private readonly modules = new HandleTable<'module', KernelModule>(this.id, 'module');
  private readonly functions = new HandleTable<'function', KernelFunction>(this.id, 'function');
  private readonly timers = new HandleTable<'timer', SimTimer>(this.id, 'timer');
  private readonly functionHandles = new Map<KernelFunction, DriverFunction>();
  private nextStreamId = 1;
  private nextGraphId = 1;
  private traceGraphNodes: boolean;
  private destroyed = false;
  /** HIP-C modules being compiled by prepareModule (host work in flight; see hasPendingWork). */
  private preparing = 0;
  /** The fault plan at work (fault_plan.ts); inactive unless one was given. */
  private faults: FaultInjector;

  constructor(options: SimDriverOptions = {}) {
    this.options = resolveSimOptions(options);
    this.device = new WasmDevice(this.options.memoryBytes, MAX_SHARED_BYTES);
    this.seedDevice();
    this.device.exports.setWorkgroupCountLimits(...SIM_LIMITS.maxWorkgroupCount);
    this.device.exports.setKernelCostModel(this.options.costModel.computeUnits, this.options.costModel.workgroupNs);
    this.allocations = new Allocations(this.device);
    this.costs = new Costs(this.options.costModel);
    this.kernelModules = new KernelModules(this.device);
    this.log = new EventLog(this.options.logLimit);
    this.traceGraphNodes = this.options.traceGraphNodes;
    this.faults = new FaultInjector(this.options.seed);
    this.faults.setPlan(this.options.faults);
    this.executor = new Executor(this.device, this.allocations, this.costs, () => this.traceGraphNodes, this.faults);
    this.scheduler = this.createScheduler();
    this.info = Object.freeze({
      name: 'gpuhal simulated GPU',
      platform: 'sim',
      clock: 'virtual',
      ordinal: 0,
      totalMemoryBytes: this.device.heapBytes,
      computeUnits: this.options.costModel.computeUnits,
      warpSize: 32,
      limits: SIM_LIMITS,
      formats: Object.freeze(['hip-source', 'sim-wasm'] as const),
      streamOrderedAllocation: true,
      hostFunctions: true,
      indirectDispatch: true,
      stickyFaults: false,
      details: Object.freeze({
        seed: String(this.options.seed),
        memoryBytes: String(this.options.memoryBytes),
        mode: this.options.mode,
        driver: `sim #${this.id}`,
      }),
    });
    this.stepper = Object.freeze({
      manual: this.options.mode === 'manual',
      manualHint: "createDevice({ backend: 'sim', sim: { mode: 'manual' }, trace: true })",
      step: () => this.step(),
      streamContents: () => this.streamContents(),
    });
  }

  now(): bigint {
    return BigInt(this.scheduler.now);
  }

  // --- memory -------------------------------------------------------------------------------------------------

  memAlloc(byteLength: number): DevicePtr {
    this.assertUsable('memAlloc');
    this.injectAllocationFault('memAlloc', byteLength);
    return this.allocations.allocate(byteLength, 'memAlloc').ptr;
  }

  memFree(ptr: DevicePtr): void {
    this.assertAlive('memFree');
    const allocation = this.allocations.lookupForFree(ptr, 'memFree');
    // A synchronous free of stream-ordered memory whose allocation is still queued would run before it: on a real
    // GPU the queued allocation then races the free (undefined behaviour). Rejected, and nothing is freed.
    if (allocation.live && !allocation.usable) throw allocationNotExecutedError(allocation, 'memFree');
    this.allocations.release(allocation);
  }

  memAllocAsync(byteLength: number, stream: DriverStream): DevicePtr {
    this.assertUsable('memAllocAsync');
    const s = this.streams.get(stream, 'memAllocAsync stream');
    this.injectAllocationFault('memAllocAsync', byteLength);
    // The memory is reserved now (so the address exists and enqueue-time range checks pass), but it becomes usable
    // only when the operation executes on its stream: work that runs earlier (another stream without an event
    // wait) fails, exposing an ordering bug that is undefined behaviour on a real GPU.
    const allocation = this.allocations.allocate(byteLength, 'memAllocAsync', s.id);
    this.enqueue(s, { kind: 'alloc', allocation }, `${hex(allocation.ptr)} ${byteLength} B`);
    return allocation.ptr;
  }

  memFreeAsync(ptr: DevicePtr, stream: DriverStream): void {
    this.assertAlive('memFreeAsync');
    const s = this.streams.get(stream, 'memFreeAsync stream');
    const allocation = this.allocations.lookupForFree(ptr, 'memFreeAsync');
    this.allocations.markFreeing(allocation, s.id);
    this.enqueue(s, { kind: 'free', allocation }, `${hex(allocation.ptr)} ${allocation.byteLength} B`);
  }

  memcpyHtoDAsync(dst: DevicePtr, src: Uint8Array, stream: DriverStream): void {
    this.assertUsable('memcpyHtoDAsync');
    const s = this.streams.get(stream, 'memcpyHtoDAsync stream');
    if (!(src instanceof Uint8Array)) throw invalidArgument(`memcpyHtoDAsync src must be a Uint8Array (got ${describe(src)})`);
    const allocation = this.allocations.check(dst, src.length, 'memcpyHtoDAsync dst');
    this.enqueue(s, { kind: 'htod', dst, data: src.slice(), allocation }, `${hex(dst)} ${src.length} B`);
  }

  memcpyDtoHAsync(src: DevicePtr, byteLength: number, stream: DriverStream): DriverReadback {
    this.assertUsable('memcpyDtoHAsync');
    const s = this.streams.get(stream, 'memcpyDtoHAsync stream');
    const allocation = this.allocations.check(src, byteLength, 'memcpyDtoHAsync src');
    const readback = new SimReadback(byteLength);
    readback.op = this.enqueue(s, { kind: 'dtoh', src, byteLength, allocation, readback }, `${hex(src)} ${byteLength} B`);
    return readback;
  }

  memcpyDtoDAsync(params: MemcpyParams, stream: DriverStream): void {
    this.assertUsable('memcpyDtoDAsync');
    const s = this.streams.get(stream, 'memcpyDtoDAsync stream');
    const { dst, src, byteLength, allocations } = this.checkMemcpy(params, 'memcpyDtoDAsync');
    this.enqueue(s, { kind: 'memcpy', dst, src, byteLength, allocations }, `${hex(src)} → ${hex(dst)} ${byteLength} B`);
  }

  memsetAsync(params: MemsetParams, stream: DriverStream): void {
    this.assertUsable('memsetAsync');
    const s = this.streams.get(stream, 'memsetAsync stream');
    const { dst, pattern, byteLength, allocations } = this.checkMemset(params, 'memsetAsync');
    this.enqueue(s, { kind: 'memset', dst, pattern, byteLength, allocation: allocations[0] },
      `${hex(dst)} ${params.count}×${params.elementSize} B = ${hex(params.value)}`);
  }

  // --- streams ------------------------------------------------------------------------------------------------

  streamCreate(): DriverStream {
    this.assertAlive('streamCreate');
    if (this.streams.size >= this.options.maxStreams) {
      throw resourceExhausted(`streamCreate: ${this.streams.size} streams are live, the limit (options.maxStreams) is ${this.options.maxStreams}`);
    }
    const stream = new SimStream(this.nextStreamId++);
    this.scheduler.addStream(stream);
    return this.streams.add(stream);
  }

  streamDestroy(stream: DriverStream): void {
    this.assertAlive('streamDestroy');
    // Work already enqueued still runs (as in CUDA); the handle is gone now.
    this.scheduler.retireStream(this.streams.remove(stream, 'streamDestroy stream'));
  }

  streamQuery(stream: DriverStream): boolean {
    this.assertAlive('streamQuery');
    return this.streams.get(stream, 'streamQuery stream').idle;
  }

  /**
   * Resolves once the last operation enqueued so far has completed; rejects with the original error when that
   * operation failed or the stream was poisoned by an earlier fault not yet cleared by an event record.
   */
  streamSynchronize(stream: DriverStream): Promise<void> {
    try {
      this.assertUsable('streamSynchronize');
      const s = this.streams.get(stream, 'streamSynchronize stream');
      const last = s.lastOp;
      if (last === null) return Promise.resolve();
      if (last.state === 'complete') {
        const failure = last.error ?? s.poison;
        return failure ? Promise.reject(failure) : Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        (last.waiters ??= []).push({ resolve, reject });
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // --- events -------------------------------------------------------------------------------------------------

  eventCreate(): DriverEvent {
    this.assertAlive('eventCreate');
    return this.events.add(new SimEvent());
  }

  eventDestroy(event: DriverEvent): void {
    this.assertAlive('eventDestroy');
    this.events.remove(event, 'eventDestroy event');
  }

  eventRecord(event: DriverEvent, stream: DriverStream): void {
    this.assertUsable('eventRecord');
    const e = this.events.get(event, 'eventRecord event');
    const s = this.streams.get(stream, 'eventRecord stream');
    e.capture = this.enqueue(s, { kind: 'record' }, `event`);
    // The core records one completion event per queue operation it issues: the fault plan counts submissions here.
    if (this.faults.active) this.faults.submission(this.scheduler.now);
  }

  eventQuery(event: DriverEvent): boolean {
    this.assertUsable('eventQuery');
    return this.events.get(event, 'eventQuery event').query();
  }

  streamWaitEvent(stream: DriverStream, event: DriverEvent): void {
    this.assertUsable('streamWaitEvent');
    const s = this.streams.get(stream, 'streamWaitEvent stream');
    const capture = this.events.get(event, 'streamWaitEvent event').capture;
    // As in CUDA and HIP, waiting on a never-recorded event does nothing.
    if (capture === null) return;
    this.enqueue(s, { kind: 'wait', capture }, `stream ${capture.stream.id}`);
  }

  // --- graphs -------------------------------------------------------------------------------------------------

  graphCreate(): DriverGraph {
    this.assertAlive('graphCreate');
    return this.graphs.add(new SimGraph(this.nextGraphId++));
  }

  graphDestroy(graph: DriverGraph): void {
    this.assertAlive('graphDestroy');
    const g = this.graphs.remove(graph, 'graphDestroy graph');
    for (const node of g.nodeHandles) this.graphNodes.remove(node as DriverGraphNode, 'graph node');
  }

  graphAddEmptyNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[]): DriverGraphNode {
    this.assertAlive('graphAddEmptyNode');
    return this.addNode(graph, dependencies, 'graphAddEmptyNode', () => ({ kind: 'empty' }));
  }

  graphAddKernelNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[], launch: KernelLaunch): DriverGraphNode {
    this.assertAlive('graphAddKernelNode');
    return this.addNode(graph, dependencies, 'graphAddKernelNode', () => ({ kind: 'kernel', launch: this.prepare(launch, 'graphAddKernelNode') }));
  }

  graphAddMemsetNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[], params: MemsetParams): DriverGraphNode {
    this.assertAlive('graphAddMemsetNode');
    return this.addNode(graph, dependencies, 'graphAddMemsetNode', () => ({
      kind: 'memset', ...this.checkMemset(params, 'graphAddMemsetNode'), label: `${hex(params.dst)} ${params.count}×${params.elementSize} B`,
    }));
  }

  graphAddMemcpyNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[], params: MemcpyParams): DriverGraphNode {
    this.assertAlive('graphAddMemcpyNode');
    return this.addNode(graph, dependencies, 'graphAddMemcpyNode', () => ({
      kind: 'memcpy', ...this.checkMemcpy(params, 'graphAddMemcpyNode'), label: `${hex(params.src)} → ${hex(params.dst)}`,
    }));
  }

  /**
   * Sim-only (like cuGraphAddDependencies): makes each node of `to` depend on the node of `from` at the same index.
   * The only way to build a cycle, which graphInstantiate then rejects.
   */
  graphAddDependencies(graph: DriverGraph, from: readonly DriverGraphNode[], to: readonly DriverGraphNode[]): void {
    this.assertAlive('graphAddDependencies');
    const g = this.graphs.get(graph, 'graphAddDependencies graph');
    if (!Array.isArray(from) || !Array.isArray(to) || from.length !== to.length) {
      throw invalidArgument(`graphAddDependencies from and to must be arrays of the same length (got ${describe(from?.length)} and ${String(to?.length)})`);
    }
    const f = this.nodeIndices(g, from, 'graphAddDependencies from');
    const t = this.nodeIndices(g, to, 'graphAddDependencies to');
    f.forEach((fromIndex, i) => g.addDependency(fromIndex, t[i]!));
  }

  graphInstantiate(graph: DriverGraph): DriverGraphExec {
    this.assertUsable('graphInstantiate');
    const g = this.graphs.get(graph, 'graphInstantiate graph');
    return this.execs.add(GraphExec.instantiate(g, this.device, this.allocations, this.costs));
  }

  graphExecDestroy(exec: DriverGraphExec): void {
    this.assertAlive('graphExecDestroy');
    const e = this.execs.remove(exec, 'graphExecDestroy exec');
    e.destroyed = true;
    e.releaseIfUnused();
  }

  graphLaunch(exec: DriverGraphExec, stream: DriverStream): void {
    this.assertUsable('graphLaunch');
    const e = this.execs.get(exec, 'graphLaunch exec');
    const s = this.streams.get(stream, 'graphLaunch stream');
    e.pendingLaunches++;
    this.enqueue(s, { kind: 'graph', exec: e }, `${e.nodeCount} nodes`);
  }

  // --- modules and kernels ------------------------------------------------------------------------------------

  /**
   * Compiles a 'hip-source' image to WebAssembly in process (cached by content), or takes the build's prebuilt image
   * of the same request (the sample kernels); other formats need nothing.
   */
  async prepareModule(image: ModuleImage): Promise<void> {
    this.assertAlive('prepareModule');
    if (typeof image !== 'object' || image === null || image.format !== 'hip-source') return;
    this.preparing++;
    try {
      await prepareHipSource(this.hipRequest(image));
    } finally {
      this.preparing--;
    }
  }

  moduleLoad(image: ModuleImage): DriverModule {
    this.assertUsable('moduleLoad');
    if (typeof image !== 'object' || image === null) throw invalidArgument(`moduleLoad image must be an object (got ${describe(image)})`);
    if (image.format === 'hip-source') {
      const request = this.hipRequest(image);
      const compiled = compiledImage(request);
      if (compiled === undefined) {
        throw failedPrecondition(`moduleLoad ${request.label}: 'hip-source' is compiled asynchronously; await prepareModule(image) first (Executable.create does)`);
      }
      const module = this.kernelModules.loadHip(compiled, request.label, SIM_LIMITS.maxWorkgroupInvocations, MAX_SHARED_BYTES, this.options.kernelThreadOrder === 'every-workgroup');
      // Its own memory (per-thread stacks and coroutine state, __device__ variables) comes from the heap outside the
      // allocation table; a reset must zero it too, or a reused driver hands a later run buffers holding this run's
      // stacks and variables.
      if (module.ownedBytes !== 0) this.allocations.noteTouched(module.ownedMemory, module.ownedBytes);
      return this.modules.add(module);
    }
    return this.modules.add(this.kernelModules.load(image));
  }

  private hipRequest(image: ModuleImage): CompileRequest {
    if (typeof image.source !== 'string' || image.source.length === 0) throw invalidArgument(`moduleLoad 'hip-source' needs non-empty source text`);
    const compileOptions = image.compileOptions ?? [];
    if (!Array.isArray(compileOptions) || compileOptions.some((o) => typeof o !== 'string')) {
      throw invalidArgument(`moduleLoad compileOptions must be an array of strings`);
    }
    return {
      source: image.source, compileOptions, scratchAddress: this.device.sharedScratchPtr,
      memoryChecks: this.options.kernelMemoryChecks, label: image.label ?? 'hip-source module',
    };
  }

  moduleUnload(module: DriverModule): void {
    this.assertAlive('moduleUnload');
    const m = this.modules.remove(module, 'moduleUnload module');
    for (const fn of m.functions.values()) {
      const handle = this.functionHandles.get(fn);
      if (handle !== undefined) this.functions.remove(handle, 'function');
      this.functionHandles.delete(fn);
    }
    this.kernelModules.unload(m);
  }

  moduleGetFunction(module: DriverModule, name: string): DriverFunction {
    this.assertAlive('moduleGetFunction');
    const m = this.modules.get(module, 'moduleGetFunction module');
    if (typeof name !== 'string') throw invalidArgument(`moduleGetFunction name must be a string (got ${describe(name)})`);
    const fn = this.kernelModules.getFunction(m, name);
    let handle = this.functionHandles.get(fn);
    if (handle === undefined) {
      handle = this.functions.add(fn);
      this.functionHandles.set(fn, handle);
    }
    return handle;
  }

  launchKernel(launch: KernelLaunch, stream: DriverStream): void {
    this.assertUsable('launchKernel');
    const s = this.streams.get(stream, 'launchKernel stream');
    const prepared = this.prepare(launch, 'launchKernel');
    this.enqueue(s, { kind: 'kernel', launch: prepared }, prepared.summary);
  }

  launchHostFunc(stream: DriverStream, fn: () => void): void {
    this.assertUsable('launchHostFunc');
    const s = this.streams.get(stream, 'launchHostFunc stream');
    if (typeof fn !== 'function') throw invalidArgument(`launchHostFunc fn must be a function (got ${describe(fn)})`);
    this.enqueue(s, { kind: 'host', fn }, fn.name || 'anonymous');
  }

  // --- progress and time --------------------------------------------------------------------------------------

  nextProgress(): Promise<void> {
    if (this.destroyed) return Promise.reject(failedPrecondition('nextProgress: the sim driver was destroyed'));
    return this.scheduler.nextProgress();
  }

  setTimer(deadline: bigint, callback: () => void): DriverTimer {
    this.assertAlive('setTimer');
    if (typeof deadline !== 'bigint' || deadline < 0n) {
      throw invalidArgument(`setTimer deadline must be a non-negative bigint of virtual ns (got ${describe(deadline)})`);
    }
    if (typeof callback !== 'function') throw invalidArgument(`setTimer callback must be a function (got ${describe(callback)})`);
    if (deadline > BigInt(Number.MAX_SAFE_INTEGER)) {
      // The virtual clock (a number of ns) never gets there: a timer that never fires, and never keeps the
      // scheduler busy, but is a live handle until cleared like any other.
      return this.timers.add({ id: 0, deadline: Number.POSITIVE_INFINITY, callback, pending: true });
    }
    let handle: DriverTimer | undefined;
    const timer = this.scheduler.addTimer(Number(deadline), () => {
      this.timers.remove(handle!, 'timer');
      callback();
    });
    handle = this.timers.add(timer);
    return handle;
  }

  clearTimer(timer: DriverTimer): void {
    this.assertAlive('clearTimer');
    const t = this.timers.lookup(timer, 'clearTimer timer');
    if (t === undefined) return; // fired or cleared already
    this.timers.remove(timer, 'clearTimer timer');
    this.scheduler.cancelTimer(t);
  }

  // --- lifetime -----------------------------------------------------------------------------------------------

  outstanding(): DriverObjectCounts {
    return {
      streams: this.streams.size,
      events: this.events.size,
      graphs: this.graphs.size,
      graphExecs: this.execs.size,
      modules: this.modules.size,
      allocations: this.allocations.count,
      timers: this.timers.size,
    };
  }

  /** Releases everything; throws FAILED_PRECONDITION listing the objects that were still alive (leaks). */
  destroy(): void {
    if (this.destroyed) return;
    // Memory whose stream-ordered free is queued was released by its owner; that the stream never reached the free
    // (destroy discards queued work) is not a leak.
    const counts = { ...this.outstanding(), allocations: this.allocations.count - this.allocations.freeingCount };
    this.destroyed = true;
    this.scheduler.stop(destroyedError);
    for (const table of [this.streams, this.events, this.graphs, this.graphNodes, this.execs, this.modules, this.functions, this.timers]) {
      table.clear();
    }
    this.functionHandles.clear();
    this.allocations.forgetAll();
    const leaks = Object.entries(counts).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`);
    if (leaks.length > 0) {
      throw failedPrecondition(`sim driver destroyed with live objects (leaked): ${leaks.join(', ')}`);
    }
  }

  /** The loss a fault plan injected, if any (the simulator has no other sticky failure). */
  lostError(): HalError | undefined {
    return this.faults.lost;
  }

  // --- sim-only -----------------------------------------------------------------------------------------------

  /**
   * Replaces the fault plan (validated; INVALID_ARGUMENT naming the field) and starts its counting over; undefined
   * removes it. A device already lost stays lost.
   */
  setFaultPlan(plan: FaultPlan | undefined): void {
    this.assertAlive('setFaultPlan');
    this.faults.setPlan(plan === undefined ? undefined : resolveFaultPlan('fault plan', plan));
  }

  /** Every fault the plan injected so far, oldest first. */
  injectedFaults(): InjectedFault[] {
    return this.faults.injected();
  }

  /** Manual mode (works in auto mode too): processes one scheduler event and says what it was; null when idle. */
  step(): StepEvent | null {
    this.assertAlive('step');
    return this.scheduler.stepAndNotify();
  }

  /** Runs until no work and no timers are left; returns the number of events processed. */
  runUntilIdle(): number {
    this.assertAlive('runUntilIdle');
    return this.scheduler.runUntilIdle();
  }

  /**
   * What each stream holds now, as plain data: the running operation and the queued ones in order (step mode's
   * inspector shows this). Streams in creation order; a destroyed stream is listed until its work has run.
   */
  streamContents(): SimStreamContents[] {
    const view = (op: StreamOp): SimQueuedOp => ({ op: op.kind, label: op.label });
    return this.scheduler.liveStreams.map((s) => ({
      stream: s.id,
      running: s.inFlight === null ? null : { ...view(s.inFlight), start: BigInt(s.inFlight.start), end: BigInt(s.inFlight.end), status: s.inFlight.status },
      queued: s.queued().map(view),
      poisoned: s.poison === null ? null : s.poison.message,
    }));
  }

  /** The event log (oldest first). */
  eventLog(): LogEntry[] {
    return this.log.snapshot();
  }

  /** Entries dropped because the log is bounded. */
  get droppedLogEntries(): number {
    return this.log.dropped;
  }

  clearEventLog(): void {
    this.log.clear();
  }

  /** Turns recording of graph node order in the log on or off. */
  setGraphNodeTracing(enabled: boolean): void {
    this.traceGraphNodes = enabled;
  }

  heapStats(): HeapStats {
    return {
      heapBytes: this.device.heapBytes,
      freeBytes: this.device.freeBytes(),
      largestFreeBytes: this.device.largestFreeBytes(),
      integrity: this.device.exports.checkHeap(),
      memoryBytes: this.device.memory.buffer.byteLength,
    };
  }

  /** Sim-only: destroy() ran (a pool may reset() the driver). */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /**
   * Sim-only: anything queued, running or timed, or a module being compiled (nothing pending means nothing can ever
   * happen without the host: a compile is host work that ends on its own, so a run waiting on one has not stalled).
   */
  hasPendingWork(): boolean {
    return !this.destroyed && (this.scheduler.hasWork() || this.preparing > 0);
  }

  /**
   * Sim-only: makes a destroyed driver new again, for an explorer that runs thousands of short schedules (creating
   * the WebAssembly device is most of a driver's cost). Memory, allocator, streams, handles, modules, timers, the
   * event log, the fault injector and the virtual clock start over as in a fresh driver; `seed`, `schedule` and
   * `faults` replace the old ones, the other options stay. Bytes the previous run wrote are zeroed, so a reused driver replays exactly like a
   * fresh one. FAILED_PRECONDITION while the driver is alive: reset only follows destroy(), which checked leaks.
   */
  reset(options: SimRunOptions = {}): void {
    if (!this.destroyed) throw failedPrecondition('reset: destroy() the sim driver first (reset follows a completed run)');
    this.options = resolveSimOptions({ ...driverOptionsOf(this.options), ...options });
    const { memoryBytes, logLimit, traceGraphNodes } = this.options;
    this.allocations.zeroTouched();
    if (this.device.exports.init(memoryBytes, MAX_SHARED_BYTES) !== 1) throw failedPrecondition('reset: the device heap could not be laid out again');
    this.seedDevice();
    for (let i = this.device.reservedTableSlots; i < this.device.table.length; i++) this.device.table.set(i, null);
    this.kernelModules = new KernelModules(this.device);
    this.log = new EventLog(logLimit);
    this.traceGraphNodes = traceGraphNodes;
    this.nextStreamId = 1;
    this.nextGraphId = 1;
    this.nextOpSeq = 1;
    this.faults = new FaultInjector(this.options.seed);
    this.faults.setPlan(this.options.faults);
    this.executor = new Executor(this.device, this.allocations, this.costs, () => this.traceGraphNodes, this.faults);
    this.scheduler = this.createScheduler();
    this.destroyed = false;
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private seedDevice(): void {
    const seed = this.options.seed;
    this.device.exports.seedRandom(Number(seed & 0xffffffffn) | 0, Number(seed >> 32n) | 0);
  }

  /**
   * Present only under a schedule source (so the core, which checks for the method, does no work otherwise): the
   * core's open choices go to the source like the simulator's own.
   */
  chooseOpen?: (kind: OpenChoiceKind, options: readonly string[]) => number;

  private createScheduler(): DiscreteEventScheduler {
    const source = this.options.schedule;
    this.chooseOpen = source === null ? undefined : (kind, options) => {
      if (options.length < 2) return 0;
      return source.choose({
        kind,
        options: options.map((description, i) => ({ kind: 'order', stream: 0, key: `${kind}${i}:${description}`, description, footprint: NO_FOOTPRINT })),
        time: this.scheduler.now,
      });
    };
    return new DiscreteEventScheduler(this.options.mode, (n) => this.device.exports.random(n) >>> 0, this.executor, this.log,
      this.faults, source === null ? null : { source, device: this.device });
  }

  private assertAlive(call: string): void {
    if (this.destroyed) throw failedPrecondition(`${call}: the sim driver was destroyed`);
  }

  /** assertAlive, and for calls that make or observe device work, the loss a fault plan injected (as on a GPU). */
  private assertUsable(call: string): void {
    this.assertAlive(call);
    const lost = this.faults.lost;
    if (lost !== undefined) throw lost;
  }

  private injectAllocationFault(call: string, byteLength: number): void {
    if (!this.faults.active || !Number.isInteger(byteLength) || byteLength <= 0) return;
    const error = this.faults.allocation(call, byteLength, this.scheduler.now);
    if (error !== undefined) throw error;
  }

  private enqueue(stream: SimStream, payload: OpPayload, label: string): StreamOp {
    const op = new StreamOp(stream, payload, label, this.scheduler.now);
    op.seq = this.nextOpSeq++;
    this.scheduler.enqueue(op);
    return op;
  }

  private checkMemset(params: MemsetParams, call: string): { dst: number; pattern: number; byteLength: number; allocations: [Allocation] } {
    if (typeof params !== 'object' || params === null) throw invalidArgument(`${call} params must be an object`);
    const pattern = memsetPattern(params.value, params.elementSize, call);
    if (!Number.isInteger(params.count) || params.count < 0) throw invalidArgument(`${call} count must be a non-negative integer (got ${describe(params.count)})`);
    const byteLength = params.count * params.elementSize;
    return { dst: params.dst, pattern, byteLength, allocations: [this.allocations.check(params.dst, byteLength, `${call} dst`)] };
  }

  private checkMemcpy(params: MemcpyParams, call: string): { dst: number; src: number; byteLength: number; allocations: Allocation[] } {
    if (typeof params !== 'object' || params === null) throw invalidArgument(`${call} params must be an object`);
    const src = this.allocations.check(params.src, params.byteLength, `${call} src`);
    const dst = this.allocations.check(params.dst, params.byteLength, `${call} dst`);
    return { dst: params.dst, src: params.src, byteLength: params.byteLength, allocations: src === dst ? [src] : [src, dst] };
  }

  private prepare(launch: KernelLaunch, call: string): ReturnType<typeof prepareLaunch> {
    if (typeof launch !== 'object' || launch === null) throw invalidArgument(`${call} launch must be an object`);
    const fn = this.functions.get(launch.fn, `${call} launch.fn`);
    return prepareLaunch(launch, fn, this.allocations, this.device.sharedScratchPtr, call);
  }

  private nodeIndices(graph: SimGraph, nodes: readonly DriverGraphNode[], field: string): number[] {
    if (!Array.isArray(nodes)) throw invalidArgument(`${field} must be an array of graph nodes (got ${describe(nodes)})`);
    return nodes.map((h, i) => {
      const ref = this.graphNodes.get(h, `${field}[${i}]`);
      if (ref.graph !== graph) throw invalidArgument(`${field}[${i}] is node #${ref.index} of graph #${ref.graph.id}, not of graph #${graph.id}`);
      return ref.index;
    });
  }

  private addNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[], call: string, spec: () => GraphNodeSpec): DriverGraphNode {
    const g = this.graphs.get(graph, `${call} graph`);
    const deps = this.nodeIndices(g, dependencies, `${call} dependencies`);
    const index = g.addNode(spec(), deps);
    const handle = this.graphNodes.add({ graph: g, index });
    g.nodeHandles.push(handle);
    return handle;
  }
}

export function createSimDriver(options: SimDriverOptions = {}): SimDriver {
  return new SimDriver(options);
}

