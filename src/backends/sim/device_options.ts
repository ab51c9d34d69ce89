/**
 * `createDevice({ sim: { ... } })`, typed: the simulator's options join the core's DeviceOptions by declaration
 * merging, so the core never names them. The driver checks them again at run time (options.ts). Only types that
 * need no WebAssembly typings are imported, so a consumer's type check needs nothing beyond ES2022.
 */
import type { CostModel } from './cost_model.js';
import type { FaultPlan } from './fault_plan.js';
import type { SimScheduleSource } from './schedule_source.js';

export interface SimDeviceOptions {
  /** PRNG seed (number or bigint, 0 ≤ seed < 2^64); default 1. Same seed → same run. Also createDevice's `seed`. */
  readonly seed?: number | bigint;
  /** Device memory in bytes, a multiple of 64 KiB in [4 MiB, 2 GiB]; default 256 MiB. Also createDevice's `memoryBytes`. */
  readonly memoryBytes?: number;
  /** Overrides of the cost model's fields (cost_model.ts). */
  readonly costModel?: Partial<CostModel>;
  /** 'auto' (default): the sim advances whenever the host yields. 'manual': only step() / runUntilIdle(). */
  readonly mode?: 'auto' | 'manual';
  /** Most live streams at once; default 1024. */
  readonly maxStreams?: number;
  /** Most event-log entries kept (oldest dropped first); default 10000, 0 disables the log. */
  readonly logLimit?: number;
  /** Record each graph launch's node order in the event log; default false. */
  readonly traceGraphNodes?: boolean;
  /** Faults to inject (fault_plan.ts); none by default. `injectFaults(device, plan)` replaces it at run time. */
  readonly faults?: FaultPlan;
  /**
   * An explorer's schedule source (schedule_source.ts): it picks every event the contract leaves open, and
   * writes land when operations complete. Absent (the default), the seed alone decides, as it always has.
   */
  readonly schedule?: SimScheduleSource;
  /**
   * Check every load and store of HIP-C kernels against the launch's bindings, shared memory and the thread's stack
   * (a kernel fault on a miss); default true. Off trades that safety for speed.
   */
  readonly kernelMemoryChecks?: boolean;
  /**
   * Which workgroups of a barrier-free HIP-C kernel run their threads in a seeded order, so that a seed can expose a
   * race between threads. 'sampled' (the default): every workgroup of a launch of at most 16 workgroups, and a
   * seeded sample of larger launches (16 on average of up to 1024 workgroups, one in 64 up to 4096, 64 on average
   * beyond); the others run their threads in ascending order, at full speed. 'every-workgroup': all of them (a
   * memory-bound kernel then runs at about a third of the speed: a seeded order defeats the processor's
   * prefetching). Workgroups of kernels with barriers always run in a seeded order.
   */
  readonly kernelThreadOrder?: 'sampled' | 'every-workgroup';
}

declare module '../../core/device_options.js' {
  interface BackendDeviceOptions {
    /** Simulator options (cost model, manual stepping, log size, ...), passed to the sim backend. */
    readonly sim?: SimDeviceOptions;
  }
}
