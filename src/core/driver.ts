/**
 * The GPU driver interface: the one seam between gpuhal's core and its backends.
 *
 * It is deliberately shaped like the HIP / CUDA driver API (streams, events, graphs, modules) and kept minimal,
 * so that the whole scheduling stack above it runs unchanged on every backend, real GPU or modelled. A backend
 * is a driver, not a second HAL: it keeps no semaphores, knows
 * nothing of queues or submissions, and never calls back into the core. It still checks its own handles and
 * ranges, so a bad call is an error rather than corrupted device state.
 *
 * Conventions every implementation keeps:
 * - Handles are opaque values owned by the driver. Passing a destroyed handle, or one from another driver
 *   instance, throws HalError INVALID_ARGUMENT (never undefined behaviour).
 * - Every failure is a thrown HalError; driver statuses keep their own name, number and text in `error.driver`.
 * - Nothing blocks the JS thread. Completion is learned by `eventQuery` between `nextProgress()` ticks; host
 *   functions, where a driver has them, are never used for completion (docs/design.md, "Queues and the scheduling
 *   stack").
 * - Device addresses are plain numbers: every supported platform uses at most 48-bit virtual addresses, well
 *   inside Number.MAX_SAFE_INTEGER, and numbers keep the hot paths free of BigInt allocation.
 */

import type { HalError } from './errors.js';

declare const handleBrand: unique symbol;
/** An opaque driver-owned handle; `Kind` keeps the handle kinds from being mixed up at compile time. */
export type Handle<Kind extends string> = { readonly [handleBrand]: Kind };

export type DriverStream = Handle<'stream'>;
export type DriverEvent = Handle<'event'>;
export type DriverGraph = Handle<'graph'>;
export type DriverGraphNode = Handle<'graphNode'>;
export type DriverGraphExec = Handle<'graphExec'>;
export type DriverModule = Handle<'module'>;
export type DriverFunction = Handle<'function'>;
export type DriverTimer = Handle<'timer'>;

/** A device address. 0 is never a valid allocation. */
export type DevicePtr = number;

/** The platform a driver runs on, as it names it (shown in messages, device info and traces). */
export type Platform = string;

/**
 * What `now()` counts: 'real' nanoseconds of a device that runs by itself, or 'virtual' nanoseconds of a modelled
 * device whose clock moves only as it processes work (so the same program gives the same timestamps every run).
 */
export type DriverClock = 'virtual' | 'real';

/** Executable payload formats; a driver lists the ones it can load in `info.formats`. */
export type ModuleFormat =
  /** A WebAssembly kernel module (see asm/kernels/abi.ts for its ABI). */
  | 'sim-wasm'
  /** HIP-C source compiled at load time with hiprtc (amd) or nvrtc (nvidia). */
  | 'hip-source'
  /** A prebuilt AMD GPU code object (ELF) for one gfx target. */
  | 'amdgcn'
  /** NVIDIA PTX text, JIT-compiled by the CUDA driver. */
  | 'ptx';

export interface DriverLimits {
  /** Largest workgroup (block) size in invocations. */
  readonly maxWorkgroupInvocations: number;
  /** Largest workgroup size per dimension. */
  readonly maxWorkgroupSize: readonly [number, number, number];
  /** Largest number of workgroups per dimension. */
  readonly maxWorkgroupCount: readonly [number, number, number];
  /** Shared (LDS) memory per workgroup in bytes. */
  readonly maxSharedMemoryBytes: number;
  /** Required alignment of allocations in bytes. */
  readonly minAllocationAlignment: number;
}

export interface DriverDeviceInfo {
  /** Human-readable device name. */
  readonly name: string;
  readonly platform: Platform;
  /** What `now()` and `setTimer` deadlines count. */
  readonly clock: DriverClock;
  /** Which device of the platform this driver drives. */
  readonly ordinal: number;
  /** Device memory in bytes. */
  readonly totalMemoryBytes: number;
  readonly computeUnits: number;
  readonly warpSize: number;
  readonly limits: DriverLimits;
  /** Executable payload formats `moduleLoad` accepts, in order of preference. */
  readonly formats: readonly ModuleFormat[];
  /** True when memAllocAsync/memFreeAsync are truly stream-ordered (else they fall back to ordered sync calls). */
  readonly streamOrderedAllocation: boolean;
  /** True when launchHostFunc exists. */
  readonly hostFunctions: boolean;
  /** True when KernelLaunch.indirectWorkgroupCount is supported (stream launches and graph kernel nodes). */
  readonly indirectDispatch: boolean;
  /**
   * True when every failure of work already on a stream loses the device (`lostError`), as CUDA/HIP sticky errors
   * do: nothing behind a failed operation on its stream then completes normally. False or absent when a failure is
   * confined to the work before the stream's next event record (the simulator): the core then gives a dependent
   * issued behind its producer on the same stream an event wait too, since only the event carries the failure.
   */
  readonly stickyFaults?: boolean;
  /** Free-form facts worth showing a user (driver version, library path, seed, ...). */
  readonly details: Readonly<Record<string, string>>;
}

/** Live driver objects, for leak checks: every count returns to 0 after the core destroys a device. */
export interface DriverObjectCounts {
  streams: number;
  events: number;
  graphs: number;
  graphExecs: number;
  modules: number;
  allocations: number;
  timers: number;
}

export interface ModuleImage {
  readonly format: ModuleFormat;
  /** Binary payloads (sim-wasm, amdgcn). */
  readonly bytes?: Uint8Array;
  /** Text payloads (hip-source, ptx). */
  readonly source?: string;
  /** Extra compiler options for source payloads. */
  readonly compileOptions?: readonly string[];
  /** Used in error messages and caches. */
  readonly label?: string;
}

/** One bound buffer range: kernels get `ptr`; a driver may also enforce `byteLength` (kernel faults). */
export interface KernelBinding {
  readonly ptr: DevicePtr;
  readonly byteLength: number;
}

/**
 * A kernel launch. Kernel arguments follow docs/design.md: every binding's device address in set-major order, then
 * the push constants as 32-bit values. The core flattens them; the driver packs them in its own ABI.
 */
export interface KernelLaunch {
  readonly fn: DriverFunction;
  /** Number of workgroups (grid) per dimension. Any dimension 0 makes the launch a no-op that still orders. */
  readonly workgroupCount: readonly [number, number, number];
  /** Invocations per workgroup (block) per dimension. */
  readonly workgroupSize: readonly [number, number, number];
  readonly sharedMemoryBytes: number;
  readonly bindings: readonly KernelBinding[];
  readonly constants: Uint32Array;
  /**
   * Indirect dispatch: when set, the workgroup counts are three u32 read from this device address when the launch
   * executes (`workgroupCount` is ignored). Only for drivers whose `info.indirectDispatch` is true.
   */
  readonly indirectWorkgroupCount?: DevicePtr;
}

export interface MemsetParams {
  readonly dst: DevicePtr;
  /** The pattern, as an unsigned integer of `elementSize` bytes. */
  readonly value: number;
  readonly elementSize: 1 | 2 | 4;
  /** Number of elements (not bytes). */
  readonly count: number;
}

export interface MemcpyParams {
  readonly dst: DevicePtr;
  readonly src: DevicePtr;
  readonly byteLength: number;
}

/**
 * A device→host copy whose bytes can be taken once the stream work it was enqueued with has completed
 * (i.e. an event recorded after it reports complete). Backends stage through memory they own (pinned host
 * memory on a GPU), so a JS buffer is never the target of asynchronous DMA.
 */
export interface DriverReadback {
  readonly byteLength: number;
  /** Copies the staged bytes into `into` (or a new array). Throws FAILED_PRECONDITION if not yet complete. */
  take(into?: Uint8Array): Uint8Array;
  /** Returns the staging memory; idempotent. */
  release(): void;
}

export interface GpuDriver {
  readonly info: DriverDeviceInfo;

  /** Current device time in nanoseconds, real or virtual as `info.clock` says. Monotonic. */
  now(): bigint;

  // --- memory -------------------------------------------------------------------------------------------------
  /** Allocates device memory; RESOURCE_EXHAUSTED when it cannot. The contents are unspecified. */
  memAlloc(byteLength: number): DevicePtr;
  memFree(ptr: DevicePtr): void;
  /** Stream-ordered allocation: the address is returned now and usable by work ordered after this call. */
  memAllocAsync(byteLength: number, stream: DriverStream): DevicePtr;
  /** Stream-ordered free: the memory returns to the pool once prior work on `stream` is done. */
  memFreeAsync(ptr: DevicePtr, stream: DriverStream): void;
  /** Host→device copy. `src` is captured at call time: the caller may reuse it as soon as this returns. */
  memcpyHtoDAsync(dst: DevicePtr, src: Uint8Array, stream: DriverStream): void;
  /** Device→host copy into driver-owned staging, taken with `take()` after completion. */
  memcpyDtoHAsync(src: DevicePtr, byteLength: number, stream: DriverStream): DriverReadback;
  memcpyDtoDAsync(params: MemcpyParams, stream: DriverStream): void;
  memsetAsync(params: MemsetParams, stream: DriverStream): void;

  // --- streams ------------------------------------------------------------------------------------------------
  streamCreate(): DriverStream;
  streamDestroy(stream: DriverStream): void;
  /** True when all work enqueued on the stream so far has completed. */
  streamQuery(stream: DriverStream): boolean;
  /** Resolves when all work enqueued so far has completed; never blocks the JS thread. */
  streamSynchronize(stream: DriverStream): Promise<void>;

  // --- events -------------------------------------------------------------------------------------------------
  eventCreate(): DriverEvent;
  eventDestroy(event: DriverEvent): void;
  /** Captures the work enqueued on `stream` so far; re-recording overwrites the previous capture. */
  eventRecord(event: DriverEvent, stream: DriverStream): void;
  /**
   * True once the captured work has completed. As in HIP and CUDA, an event that was never recorded counts
   * as complete. Throws the HalError of a fault in the captured work (kernel fault, device lost).
   */
  eventQuery(event: DriverEvent): boolean;
  /**
   * Makes future work on `stream` wait for the work `event` captured at the time of this call.
   * The core only ever calls this with recorded events: an unrecorded event would make the wait a no-op.
   */
  streamWaitEvent(stream: DriverStream, event: DriverEvent): void;

  // --- graphs -------------------------------------------------------------------------------------------------
  graphCreate(): DriverGraph;
  graphDestroy(graph: DriverGraph): void;
  /** A node that does nothing; used as a join (barrier). */
  graphAddEmptyNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[]): DriverGraphNode;
  graphAddKernelNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[], launch: KernelLaunch): DriverGraphNode;
  graphAddMemsetNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[], params: MemsetParams): DriverGraphNode;
  /** Device→device copy node. */
  graphAddMemcpyNode(graph: DriverGraph, dependencies: readonly DriverGraphNode[], params: MemcpyParams): DriverGraphNode;
  /** Freezes the graph into a launchable executable graph; errors surface here (e.g. INVALID_ARGUMENT). */
  graphInstantiate(graph: DriverGraph): DriverGraphExec;
  graphExecDestroy(exec: DriverGraphExec): void;
  graphLaunch(exec: DriverGraphExec, stream: DriverStream): void;

  // --- modules and kernels ------------------------------------------------------------------------------------
  /**
   * Optional asynchronous preparation of an image before moduleLoad (e.g. compiling source in process); the core
   * awaits it before the synchronous moduleLoad. Compile errors surface here.
   */
  prepareModule?(image: ModuleImage): Promise<void>;
  moduleLoad(image: ModuleImage): DriverModule;
  moduleUnload(module: DriverModule): void;
  /** NOT_FOUND when the module has no such entry point. */
  moduleGetFunction(module: DriverModule, name: string): DriverFunction;
  launchKernel(launch: KernelLaunch, stream: DriverStream): void;

  // --- host functions (optional; never the completion mechanism) ----------------------------------------------
  launchHostFunc?(stream: DriverStream, fn: () => void): void;

  // --- progress and time --------------------------------------------------------------------------------------
  /**
   * Optional, for a simulator that explores schedules: picks one of several options the semantics contract leaves
   * open to the core and returns its index; `options` describe each one in words, and option 0 is what the core
   * does when the method is absent. 'cover': which in-flight signal a wait follows when several would cover it (a
   * wait on ≥ 1 is met by a signal of 2 as well as of 1; option 0 the lowest). 'resume': which of the host waits
   * one signal releases resumes next (option 0 the order the core settles them in without the method).
   */
  chooseOpen?(kind: OpenChoiceKind, options: readonly string[]): number;
  /**
   * Resolves when device work may have completed since the call: with a virtual clock, after the modelled device
   * processed its next completion (virtual time advances); with a real one, at the driver's next poll tick.
   * The core's completion poller awaits this between eventQuery rounds while submissions are in flight.
   */
  nextProgress(): Promise<void>;
  /**
   * Calls `callback` once driver time reaches `deadline` (virtual time with a virtual clock). Any non-negative
   * deadline is accepted; one beyond the driver clock's range (at least 2^53 ns) never fires but is still a timer
   * until cleared.
   */
  setTimer(deadline: bigint, callback: () => void): DriverTimer;
  /** Cancels a timer; idempotent, and harmless after it fired. */
  clearTimer(timer: DriverTimer): void;

  // --- lifetime -----------------------------------------------------------------------------------------------
  /**
   * Blocks until the work already enqueued on every stream has finished. Teardown only: the core calls it before it
   * frees memory that work still running on a real GPU could touch. The one call allowed to block the JS thread.
   * Drivers whose work cannot outlive the memory it uses (a modelled device discards it) omit it.
   */
  quiesce?(): void;
  /**
   * Optional: the sticky failure that made the device unusable (CUDA/HIP sticky errors such as an illegal
   * address), or undefined while the device is healthy. The core checks it after any driver call throws and then
   * fails every later call fast with this error (device lost). Drivers without sticky failures omit it.
   */
  lostError?(): HalError | undefined;
  /**
   * Optional: a device that can be advanced one event at a time and can show what its streams hold (a modelled
   * device). Step mode (`device.step()`, `device.inspect()`) needs it; drivers of real devices omit it.
   */
  readonly stepper?: DriverStepper;
  /**
   * Optional: the device's own record of the stream operations it ran, oldest first, each with its start and end on
   * the driver's clock (a modelled device keeps one). A device's trace adds them as stream lanes beside the core's
   * queue lanes, taking only the entries whose `seq` it has not seen. Drivers that keep no such record omit it.
   */
  eventLog?(): readonly DriverLogEntry[];
  /** Live driver objects (for leak checks). */
  outstanding(): DriverObjectCounts;
  /** Releases the device. Every object must have been destroyed first, or it is reported as leaked. */
  destroy(): void;
}

/** One stream operation in a driver's log (`GpuDriver.eventLog`). */
export interface DriverLogEntry {
  /** Position in the driver's log: 0, 1, 2, ... in the order the operations ran (a bounded log drops the oldest). */
  readonly seq: number;
  /** The stream's id within its driver. */
  readonly stream: number;
  /** memset, memcpy, htod, dtoh, kernel, graph, alloc, free, wait, record, host. */
  readonly op: string;
  readonly label: string;
  /** Driver time (ns) the operation started and ended. */
  readonly start: number;
  readonly end: number;
  readonly status: 'ok' | 'failed' | 'skipped';
  /** Failed or skipped: the error's message. */
  readonly error?: string;
}

/** What a stepper processed in one step: an operation starting or completing, or a timer firing. */
export interface DriverStepEvent {
  readonly kind: 'start' | 'complete' | 'timer';
  /** Driver time (ns) of the event. */
  readonly time: bigint;
  readonly stream?: number;
  readonly op?: string;
  readonly label?: string;
  readonly status?: 'ok' | 'failed' | 'skipped';
}

/** One operation on a driver stream, as a stepper shows it. */
export interface DriverStreamOp {
  /** memset, memcpy, htod, dtoh, kernel, graph, record, wait, alloc, free, host. */
  readonly op: string;
  readonly label: string;
}

/** A stream's running and queued operations. */
export interface DriverStreamContents {
  readonly stream: number;
  /** Started and not yet completed; driver time. */
  readonly running: (DriverStreamOp & { readonly start: bigint; readonly end: bigint }) | null;
  readonly queued: readonly DriverStreamOp[];
  /** The error that skips this stream's work until its next event record, if any. */
  readonly poisoned: string | null;
}

/** See `GpuDriver.stepper`. */
export interface DriverStepper {
  /** True when the device moves only when stepped; false when it also runs by itself. */
  readonly manual: boolean;
  /** The call that opens this device so it moves only when stepped (shown when `device.step()` is refused). */
  readonly manualHint?: string;
  /** Processes the device's next event and says what it was; null when it has nothing to do. */
  step(): DriverStepEvent | null;
  /** What each stream holds now, in stream creation order. */
  streamContents(): readonly DriverStreamContents[];
}

/** The status a driver reports for a fault found in completed work (see eventQuery). */
export type DriverFault = HalError;

/** The core's open choices a schedule-exploring driver may make (GpuDriver.chooseOpen). */
export type OpenChoiceKind = 'cover' | 'resume';

/** Opens drivers of one backend. Registered by name in the core's backend registry. */
export interface DriverProvider {
  /** The name it is registered under; any lowercase identifier. */
  readonly name: string;
  /**
   * The createDevice options shared between backends that this one takes (a modelled device's scheduling `seed`
   * and `memoryBytes`): `open` and `probe` receive them beside the backend's own option object.
   */
  readonly sharedOptions?: readonly SharedDeviceOption[];
  /**
   * Says whether this backend can be used here and, when not, why (library missing, no device, ...).
   * Must not throw and must be cheap enough to call for `listBackends()`.
   */
  probe(options?: Readonly<Record<string, unknown>>): Promise<BackendAvailability>;
  /** Opens device `ordinal`; UNAVAILABLE naming the library and driver error when it cannot. */
  open(options?: Readonly<Record<string, unknown>>): Promise<GpuDriver>;
}

/** createDevice options a backend may take besides its own option object (see DriverProvider.sharedOptions). */
export type SharedDeviceOption = 'seed' | 'memoryBytes';

export type BackendAvailability =
  | { readonly available: true; readonly devices: readonly DriverDeviceSummary[] }
  | { readonly available: false; readonly reason: string; readonly error?: HalError };

export interface DriverDeviceSummary {
  readonly ordinal: number;
  readonly name: string;
  readonly platform: Platform;
  readonly totalMemoryBytes: number;
}
