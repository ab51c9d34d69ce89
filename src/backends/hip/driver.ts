/**
 * HipDriver: the GpuDriver of the hip backend, written once against PlatformApi so the same code drives AMD GPUs
 * (libamdhip64) and NVIDIA GPUs (libcuda).
 *
 * What lives here: the seam's calls, the bookkeeping of live handles (handles.ts makes them), the lost-device state,
 * progress and teardown. Its helpers each do one job: pinned staging of host copies (host_staging.ts, readback.ts),
 * driver-internal completion (fences.ts), stream-ordered allocation or its fallback (stream_ordered.ts), what each
 * module format loads as (module_code.ts), argument checks (validation.ts) and kernel arguments (kernel_args.ts).
 * Nothing blocks the JS thread but destroy() with work in flight: completion is only ever learned by querying events
 * between `nextProgress()` ticks.
 */
import type {
  DevicePtr,
  DriverDeviceInfo,
  DriverEvent,
  DriverFunction,
  DriverGraph,
  DriverGraphExec,
  DriverGraphNode,
  DriverModule,
  DriverObjectCounts,
  DriverReadback,
  DriverStream,
  DriverTimer,
  GpuDriver,
  KernelLaunch,
  MemcpyParams,
  MemsetParams,
  ModuleImage,
} from '../../core/driver.js';
import { failedPrecondition, HalError, invalidArgument, StatusCode } from '../../core/errors.js';
import { Fence, FenceSet } from './fences.js';
import {
  asHandle,
  EventObject,
  expectLive,
  FunctionObject,
  GraphExecObject,
  GraphNodeObject,
  GraphObject,
  LiveObjects,
  ModuleObject,
  StreamObject,
} from './handles.js';
import { PinnedPool, type PinnedBlock } from './host_staging.js';
import { KernelArgPacker } from './kernel_args.js';
import { HipReadback } from './readback.js';
import { checkByteLength, checkDevicePtr, checkLaunchShape, checkMemset } from './validation.js';
import type { DeviceFacts, Dims3, PlatformApi } from './platform_api.js';
import { DeadlineTimers, nowNs, PollBackoff } from './progress.js';
import { ModuleCode } from './module_code.js';
import { StreamOrderedMemory } from './stream_ordered.js';
import { ignoreErrors } from '../../util/ignore_errors.js';

type Allocation = { readonly byteLength: number };

export class HipDriver implements GpuDriver {
  readonly info: DriverDeviceInfo;

  private lost: HalError | undefined;
  private destroyed = false;
  private readonly streams = new LiveObjects<StreamObject>();
  private readonly events = new LiveObjects<EventObject>();
  private readonly graphs = new LiveObjects<GraphObject>();
  private readonly graphExecs = new LiveObjects<GraphExecObject>();
  private readonly modules = new LiveObjects<ModuleObject>();
  private readonly allocations = new Map<number, Allocation>();
  private readonly fences: FenceSet;
  private readonly pinned: PinnedPool;
  private readonly args = new KernelArgPacker();
  private readonly backoff = new PollBackoff();
  private readonly timers = new DeadlineTimers();
  private readonly streamOrdered: StreamOrderedMemory;
  private readonly moduleCode: ModuleCode;

  constructor(
    private readonly api: PlatformApi,
    readonly ordinal: number,
    facts: DeviceFacts,
  ) {
    this.fences = new FenceSet(api);
    this.pinned = new PinnedPool(api);
    this.streamOrdered = new StreamOrderedMemory(api, this.fences, facts.memoryPools);
    api.onDeviceLosingError = (error) => this.markLost(error);

    const details: Record<string, string> = {
      library: api.libraryName,
      arch: facts.arch,
      ...api.details,
    };
    const missing = Object.keys(api.fallbacks);
    if (missing.length > 0) {
      details.missingSymbols = missing.join(', ');
      details.fallbacks = missing.map((name) => `${name}: ${api.fallbacks[name]}`).join('; ');
    }
    const fallback = this.streamOrdered.fallbackNote();
    if (fallback !== undefined) details.streamOrderedAllocation = fallback;
    this.moduleCode = new ModuleCode(api.platform, facts.arch, api.platform === 'amd' ? api.libraryName : undefined);
    details.runtimeCompiler = this.moduleCode.describeCompiler();
    details.completion = 'events polled from the JS event loop (no host-function callbacks)';
    const formats = this.moduleCode.formats();

    this.info = {
      name: facts.name,
      platform: api.platform,
      clock: 'real',
      ordinal,
      totalMemoryBytes: facts.totalMemoryBytes,
      computeUnits: facts.computeUnits,
      warpSize: facts.warpSize,
      limits: facts.limits,
      formats,
      streamOrderedAllocation: this.streamOrdered.native,
      hostFunctions: false,
      indirectDispatch: false,
      stickyFaults: true,
      details,
    };
  }

  now(): bigint {
    return nowNs();
  }

  // --- state ----------------------------------------------------------------------------------------------------

  private markLost(error: Error): void {
    if (this.lost) return;
    const original = error instanceof HalError ? error : undefined;
    this.lost = new HalError(original?.code ?? StatusCode.INTERNAL, `device lost: ${original?.detail ?? error.message}`, {
      cause: error,
      driver: original?.driver,
    });
  }

  /** Throws when the driver may not be used; makes the device current for the calling thread. */
  private usable(use: string): void {
    if (this.destroyed) throw failedPrecondition(`${use}: the hip driver was destroyed`);
    if (this.lost) throw this.lost;
    this.api.makeCurrent();
  }

  // --- memory ---------------------------------------------------------------------------------------------------

  memAlloc(byteLength: number): DevicePtr {
    checkByteLength(byteLength, 'memAlloc byteLength');
    this.usable('memAlloc');
    const ptr = this.api.memAlloc(Math.max(1, byteLength));
    this.allocations.set(ptr, { byteLength });
    return ptr;
  }

  memFree(ptr: DevicePtr): void {
    this.takeAllocation(ptr, 'memFree');
    this.releaseQuietlyIfLost(() => this.api.memFree(ptr));
  }

  memAllocAsync(byteLength: number, stream: DriverStream): DevicePtr {
    checkByteLength(byteLength, 'memAllocAsync byteLength');
    const s = this.stream(stream, 'memAllocAsync stream');
    this.usable('memAllocAsync');
    const ptr = this.streamOrdered.alloc(Math.max(1, byteLength), s.raw);
    this.allocations.set(ptr, { byteLength });
    return ptr;
  }

  memFreeAsync(ptr: DevicePtr, stream: DriverStream): void {
    const s = this.stream(stream, 'memFreeAsync stream');
    if (!this.allocations.has(ptr)) throw invalidArgument(`memFreeAsync ptr 0x${ptr.toString(16)} is not a live allocation of this driver`);
    this.usable('memFreeAsync');
    this.streamOrdered.free(ptr, s.raw);
    this.allocations.delete(ptr);
  }

  memcpyHtoDAsync(dst: DevicePtr, src: Uint8Array, stream: DriverStream): void {
    if (!(src instanceof Uint8Array)) throw invalidArgument('memcpyHtoDAsync src must be a Uint8Array');
    checkDevicePtr(dst, 'memcpyHtoDAsync dst');
    const s = this.stream(stream, 'memcpyHtoDAsync stream');
    this.usable('memcpyHtoDAsync');
    if (src.byteLength === 0) return;
    // The bytes are captured now (copied into pinned memory); the block returns to the pool after the DMA.
    const block = this.pinned.acquire(src.byteLength);
    try {
      block.bytes.set(src);
      this.api.memcpyHtoDAsync(dst, block.address, src.byteLength, s.raw);
    } catch (error) {
      this.pinned.release(block);
      throw error;
    }
    this.afterStreamPasses(s.raw, () => this.pinned.release(block));
  }

  memcpyDtoHAsync(src: DevicePtr, byteLength: number, stream: DriverStream): DriverReadback {
    checkDevicePtr(src, 'memcpyDtoHAsync src');
    checkByteLength(byteLength, 'memcpyDtoHAsync byteLength');
    const s = this.stream(stream, 'memcpyDtoHAsync stream');
    this.usable('memcpyDtoHAsync');
    if (byteLength === 0) return new HipReadback(this, undefined, undefined, 0);
    const block = this.pinned.acquire(byteLength);
    let fence: Fence;
    try {
      this.api.memcpyDtoHAsync(block.address, src, byteLength, s.raw);
      fence = this.fences.record(s.raw);
    } catch (error) {
      this.pinned.release(block);
      throw error;
    }
    return new HipReadback(this, block, fence, byteLength);
  }

  memcpyDtoDAsync(params: MemcpyParams, stream: DriverStream): void {
    checkDevicePtr(params.dst, 'memcpy dst');
    checkDevicePtr(params.src, 'memcpy src');
    checkByteLength(params.byteLength, 'memcpy byteLength');
    const s = this.stream(stream, 'memcpyDtoDAsync stream');
    this.usable('memcpyDtoDAsync');
    if (params.byteLength === 0) return;
    this.api.memcpyDtoDAsync(params.dst, params.src, params.byteLength, s.raw);
  }

  memsetAsync(params: MemsetParams, stream: DriverStream): void {
    checkMemset(params);
    const s = this.stream(stream, 'memsetAsync stream');
    this.usable('memsetAsync');
    if (params.count === 0) return;
    this.api.memsetAsync(params.dst, params.value, params.elementSize, params.count, s.raw);
  }

  // --- streams --------------------------------------------------------------------------------------------------

  streamCreate(): DriverStream {
    this.usable('streamCreate');
    return this.streams.adopt(new StreamObject(this.api.streamCreate(), this));
  }

  streamDestroy(stream: DriverStream): void {
    const s = this.stream(stream, 'streamDestroy stream');
    this.streams.retire(s);
    this.releaseQuietlyIfLost(() => {
      this.fenceUnfinishedWork(s.raw);
      this.api.streamDestroy(s.raw);
    });
  }

  streamQuery(stream: DriverStream): boolean {
    const s = this.stream(stream, 'streamQuery stream');
    this.usable('streamQuery');
    return this.completion(this.api.streamQuery(s.raw));
  }

  async streamSynchronize(stream: DriverStream): Promise<void> {
    while (!this.streamQuery(stream)) await this.nextProgress();
  }

  // --- events ---------------------------------------------------------------------------------------------------

  eventCreate(): DriverEvent {
    this.usable('eventCreate');
    return this.events.adopt(new EventObject(this.api.eventCreate(), this));
  }

  eventDestroy(event: DriverEvent): void {
    const e = this.event(event, 'eventDestroy event');
    this.events.retire(e);
    this.releaseQuietlyIfLost(() => this.api.eventDestroy(e.raw));
  }

  eventRecord(event: DriverEvent, stream: DriverStream): void {
    const e = this.event(event, 'eventRecord event');
    const s = this.stream(stream, 'eventRecord stream');
    this.usable('eventRecord');
    this.api.eventRecord(e.raw, s.raw);
    e.recorded = true;
  }

  eventQuery(event: DriverEvent): boolean {
    const e = this.event(event, 'eventQuery event');
    this.usable('eventQuery');
    return this.completion(this.api.eventQuery(e.raw));
  }

  streamWaitEvent(stream: DriverStream, event: DriverEvent): void {
    const s = this.stream(stream, 'streamWaitEvent stream');
    const e = this.event(event, 'streamWaitEvent event');
    // HIP and CUDA treat a never-recorded event as complete, so the wait would silently do nothing.
    // Refuse instead of ordering nothing.
    if (!e.recorded) throw failedPrecondition('streamWaitEvent event was never recorded: the wait would not order anything');
    this.usable('streamWaitEvent');
    this.api.streamWaitEvent(s.raw, e.raw);
  }

  // --- graphs ---------------------------------------------------------------------------------------------------

  graphCreate(): DriverGraph {
    this.usable('graphCreate');
    return this.graphs.adopt(new GraphObject(this.api.graphCreate(), this));
  }

  graphDestroy(graph: DriverGraph): void {
    const g = this.graph(graph, 'graphDestroy graph');
    this.graphs.retire(g);
    this.releaseQuietlyIfLost(() => this.api.graphDestroy(g.raw));
  }

  graphAddEmptyNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[]): DriverGraphNode {
    const g = this.graph(graph, 'graphAddEmptyNode graph');
    const deps = this.dependencies(g, dependencies, 'graphAddEmptyNode');
    this.usable('graphAddEmptyNode');
    return this.node(g, this.api.graphAddEmptyNode(g.raw, deps));
  }

  graphAddKernelNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[], launch: KernelLaunch): DriverGraphNode {
    const g = this.graph(graph, 'graphAddKernelNode graph');
    const deps = this.dependencies(g, dependencies, 'graphAddKernelNode');
    const { fn, grid, block } = this.checkLaunch(launch, 'graphAddKernelNode');
    this.usable('graphAddKernelNode');
    // A launch of zero workgroups does nothing but must still order: an empty node keeps the edges.
    if (grid.x === 0 || grid.y === 0 || grid.z === 0) return this.node(g, this.api.graphAddEmptyNode(g.raw, deps));
    const params = this.args.pack(launch.bindings, launch.constants, fn.parameters, fn.name);
    return this.node(g, this.api.graphAddKernelNode(g.raw, deps, fn.raw, grid, block, launch.sharedMemoryBytes, params));
  }

  graphAddMemsetNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[], params: MemsetParams): DriverGraphNode {
    const g = this.graph(graph, 'graphAddMemsetNode graph');
    const deps = this.dependencies(g, dependencies, 'graphAddMemsetNode');
    checkMemset(params);
    this.usable('graphAddMemsetNode');
    if (params.count === 0) return this.node(g, this.api.graphAddEmptyNode(g.raw, deps));
    return this.node(g, this.api.graphAddMemsetNode(g.raw, deps, params.dst, params.value, params.elementSize, params.count));
  }

  graphAddMemcpyNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[], params: MemcpyParams): DriverGraphNode {
    const g = this.graph(graph, 'graphAddMemcpyNode graph');
    const deps = this.dependencies(g, dependencies, 'graphAddMemcpyNode');
    checkDevicePtr(params.dst, 'memcpy dst');
    checkDevicePtr(params.src, 'memcpy src');
    checkByteLength(params.byteLength, 'memcpy byteLength');
    this.usable('graphAddMemcpyNode');
    if (params.byteLength === 0) return this.node(g, this.api.graphAddEmptyNode(g.raw, deps));
    return this.node(g, this.api.graphAddMemcpyNode(g.raw, deps, params.dst, params.src, params.byteLength));
  }

  graphInstantiate(graph: DriverGraph): DriverGraphExec {
    const g = this.graph(graph, 'graphInstantiate graph');
    this.usable('graphInstantiate');
    return this.graphExecs.adopt(new GraphExecObject(this.api.graphInstantiate(g.raw), this));
  }

  graphExecDestroy(exec: DriverGraphExec): void {
    const x = expectLive(exec, GraphExecObject, this, 'graphExecDestroy exec');
    this.graphExecs.retire(x);
    this.releaseQuietlyIfLost(() => this.api.graphExecDestroy(x.raw));
  }

  graphLaunch(exec: DriverGraphExec, stream: DriverStream): void {
    const x = expectLive(exec, GraphExecObject, this, 'graphLaunch exec');
    const s = this.stream(stream, 'graphLaunch stream');
    this.usable('graphLaunch');
    this.api.graphLaunch(x.raw, s.raw);
  }

  // --- modules and kernels --------------------------------------------------------------------------------------

  moduleLoad(image: ModuleImage): DriverModule {
    const label = image.label ?? `${image.format} module`;
    const { code, symbols } = this.moduleCode.code(image, label, this.info.formats);
    this.usable('moduleLoad');
    let raw: number;
    try {
      raw = this.api.moduleLoadData(code);
    } catch (error) {
      throw error instanceof HalError
        ? new HalError(error.code, `module '${label}': ${error.detail}`, { cause: error, driver: error.driver })
        : error;
    }
    return this.modules.adopt(new ModuleObject(raw, this, label, symbols));
  }

  moduleUnload(module: DriverModule): void {
    const m = expectLive(module, ModuleObject, this, 'moduleUnload module');
    this.modules.retire(m);
    for (const fn of m.functions.values()) fn.alive = false;
    this.releaseQuietlyIfLost(() => this.api.moduleUnload(m.raw));
  }

  moduleGetFunction(module: DriverModule, name: string): DriverFunction {
    const m = expectLive(module, ModuleObject, this, 'moduleGetFunction module');
    if (typeof name !== 'string' || name.length === 0) throw invalidArgument(`moduleGetFunction name must be a non-empty string (got ${String(name)})`);
    const cached = m.functions.get(name);
    if (cached) return asHandle(cached);
    this.usable('moduleGetFunction');
    const raw = this.api.moduleGetFunction(m.raw, m.symbols.get(name) ?? name);
    if (raw === 0) throw new HalError(StatusCode.NOT_FOUND, `module '${m.label}' has no function '${name}'`);
    const fn = new FunctionObject(raw, this, m, name, this.api.functionParameters?.(raw));
    m.functions.set(name, fn);
    return asHandle(fn);
  }

  launchKernel(launch: KernelLaunch, stream: DriverStream): void {
    const { fn, grid, block } = this.checkLaunch(launch, 'launchKernel');
    const s = this.stream(stream, 'launchKernel stream');
    this.usable('launchKernel');
    // Stream order is implicit, so a launch of zero workgroups has nothing left to do.
    if (grid.x === 0 || grid.y === 0 || grid.z === 0) return;
    const params = this.args.pack(launch.bindings, launch.constants, fn.parameters, fn.name);
    this.api.launchKernel(fn.raw, grid, block, launch.sharedMemoryBytes, s.raw, params);
  }

  // --- progress and time ----------------------------------------------------------------------------------------

  nextProgress(): Promise<void> {
    this.fences.poll();
    return this.backoff.next();
  }

  setTimer(deadline: bigint, callback: () => void): DriverTimer {
    if (typeof deadline !== 'bigint') throw invalidArgument(`setTimer deadline must be a bigint of nanoseconds (got ${typeof deadline})`);
    if (typeof callback !== 'function') throw invalidArgument('setTimer callback must be a function');
    return this.timers.set(deadline, callback);
  }

  clearTimer(timer: DriverTimer): void {
    if (!this.timers.clear(timer)) throw invalidArgument('clearTimer timer is not a timer of the hip driver');
  }

  // --- lifetime -------------------------------------------------------------------------------------------------

  lostError(): HalError | undefined {
    return this.lost;
  }

  outstanding(): DriverObjectCounts {
    return {
      streams: this.streams.size,
      events: this.events.size,
      graphs: this.graphs.size,
      graphExecs: this.graphExecs.size,
      modules: this.modules.size,
      allocations: this.allocations.size,
      timers: this.timers.count,
    };
  }

  /**
   * Releases the device. Objects the caller still holds are released too (so the process exits cleanly), and then
   * reported: FAILED_PRECONDITION listing what leaked.
   *
   * If work is still running on any stream, destroy() first blocks until the device finishes it (cuCtxSynchronize /
   * hipDeviceSynchronize): the only call of this driver that blocks the JS thread, for as long as that work runs.
   * Without it a running kernel could write memory freed here (cuMemFree of cuMemAllocAsync memory does not wait),
   * memory the next device opened in this process is given (the primary context outlives this driver), or run code
   * of an unloaded module. A lost device is not waited for: its work will never finish normally.
   */
  quiesce(): void {
    if (!this.destroyed) this.waitForRunningWork();
  }

  /** Blocks until the device has finished its work, unless it is idle or lost. */
  private waitForRunningWork(): void {
    if (this.lost !== undefined || !this.hasRunningWork()) return;
    // A fault found here marks the device lost (onDeviceLosingError); teardown then proceeds as for a lost device.
    this.api.synchronizeDevice();
  }

  destroy(): void {
    if (this.destroyed) return;
    const leaked = Object.entries(this.outstanding()).filter(([, n]) => n > 0);
    this.destroyed = true;
    // Teardown of a lost device: the library may refuse, the process still exits cleanly.
    const quietly = (fn: () => void): void => ignoreErrors('releasing a lost device', fn);
    this.timers.clearAll();
    // A fault found here marks the device lost (onDeviceLosingError), so closeDevice below still gives it up as lost.
    quietly(() => this.waitForRunningWork());
    for (const x of this.graphExecs) quietly(() => this.api.graphExecDestroy(x.raw));
    for (const g of this.graphs) quietly(() => this.api.graphDestroy(g.raw));
    for (const m of this.modules) quietly(() => this.api.moduleUnload(m.raw));
    this.fences.destroy();
    for (const e of this.events) quietly(() => this.api.eventDestroy(e.raw));
    for (const s of this.streams) quietly(() => this.api.streamDestroy(s.raw));
    for (const ptr of this.allocations.keys()) quietly(() => this.api.memFree(ptr));
    for (const objects of [this.graphExecs, this.graphs, this.modules, this.events, this.streams]) objects.retireAll();
    this.allocations.clear();
    this.pinned.destroy();
    this.args.release();
    quietly(() => this.api.closeDevice(this.lost !== undefined));
    if (leaked.length > 0) {
      throw failedPrecondition(`hip driver destroyed with live objects (now released): ${leaked.map(([k, n]) => `${n} ${k}`).join(', ')}`);
    }
  }

  // --- internals ------------------------------------------------------------------------------------------------

  /** Whether a driver-internal fence completed; throws the device error when its work faulted. */
  fenceComplete(fence: Fence): boolean {
    // After destroy the staging memory is gone: refuse even a completed readback.
    if (this.destroyed) throw failedPrecondition('readback take(): the hip driver was destroyed');
    if (fence.completed) return true;
    this.usable('readback');
    return this.completion(this.fences.isComplete(fence));
  }

  /** Passes a completion query's answer through; one that found work done makes polling eager again. */
  private completion(done: boolean): boolean {
    if (done) this.backoff.noteCompletion();
    return done;
  }

  /** Returns a readback's staging block once its copy is done. */
  releaseStaging(block: PinnedBlock, fence: Fence | undefined): void {
    if (this.destroyed) return;
    if (!fence) this.pinned.release(block);
    else this.fences.whenComplete(fence, () => this.pinned.release(block));
  }

  /**
   * A destroyed stream's work still runs to completion: a fence after it keeps destroy() aware of that work
   * (hasRunningWork) once the stream is gone from `streams`.
   */
  private fenceUnfinishedWork(stream: number): void {
    if (this.lost !== undefined) return;
    // A fault of the stream's work marks the device lost (markLost), and destroy() never waits for a lost device.
    ignoreErrors('a faulted stream loses the device', () => {
      if (!this.api.streamQuery(stream)) this.afterStreamPasses(stream, () => {});
    });
  }

  /**
   * Whether work is still in flight: on a live stream, or fenced by the driver (staging copies, deferred frees, work
   * of destroyed streams). True when that cannot be told, unless the device is lost.
   */
  private hasRunningWork(): boolean {
    try {
      this.api.makeCurrent();
      this.fences.poll();
      if (this.fences.pending > 0) return true;
      for (const s of this.streams) if (!this.api.streamQuery(s.raw)) return true;
      return false;
    } catch {
      return this.lost === undefined;
    }
  }

  private afterStreamPasses(stream: number, action: () => void): void {
    this.fences.whenComplete(this.fences.record(stream), action);
  }

  private releaseQuietlyIfLost(release: () => void): void {
    if (this.destroyed) throw failedPrecondition('the hip driver was destroyed');
    if (this.lost) {
      // The bookkeeping above already released the handle; a lost device may refuse the call itself.
      ignoreErrors('releasing a lost device', release);
      return;
    }
    this.api.makeCurrent();
    release();
  }

  private takeAllocation(ptr: DevicePtr, use: string): void {
    if (!this.allocations.has(ptr)) throw invalidArgument(`${use} ptr 0x${Number(ptr).toString(16)} is not a live allocation of this driver`);
    if (this.destroyed) throw failedPrecondition(`${use}: the hip driver was destroyed`);
    this.allocations.delete(ptr);
  }

  private stream(value: DriverStream, field: string): StreamObject {
    return expectLive(value, StreamObject, this, field);
  }

  private event(value: DriverEvent, field: string): EventObject {
    return expectLive(value, EventObject, this, field);
  }

  private graph(value: DriverGraph, field: string): GraphObject {
    return expectLive(value, GraphObject, this, field);
  }

  private node(graph: GraphObject, raw: number): DriverGraphNode {
    return asHandle(new GraphNodeObject(raw, this, graph));
  }

  private dependencies(graph: GraphObject, dependencies: readonly DriverGraphNode[], use: string): number[] {
    if (!Array.isArray(dependencies)) throw invalidArgument(`${use} dependencies must be an array of graph nodes`);
    return dependencies.map((dep, i) => {
      const node = expectLive(dep, GraphNodeObject, this, `${use} dependencies[${i}]`);
      if (node.graph !== graph) throw invalidArgument(`${use} dependencies[${i}] is a node of another graph`);
      return node.raw;
    });
  }

  private checkLaunch(launch: KernelLaunch, use: string): { fn: FunctionObject; grid: Dims3; block: Dims3 } {
    const fn = expectLive(launch.fn, FunctionObject, this, `${use} fn`);
    return { fn, ...checkLaunchShape(launch, use) };
  }

}
