/**
 * What HAL objects need from the device that created them. Device (src/core/device.ts) implements it; buffers,
 * layouts, executables and command buffers depend on this small interface instead of the whole Device, which
 * keeps the object modules independent of the scheduling stack.
 */
import type { RaceChecker } from './check/race_checker.js';
import type { GpuDriver } from './driver.js';

/** Limits the core enforces (docs/design.md rule 8); `device.limits` reports them. */
export interface DeviceLimits {
  /** Descriptor sets per pipeline layout (at least 4). */
  readonly maxDescriptorSets: number;
  /** Bindings per descriptor set layout (at least 16). */
  readonly maxBindingsPerSet: number;
  /** 32-bit push constants per pipeline layout (at least 64). */
  readonly maxPushConstants: number;
  readonly maxWorkgroupInvocations: number;
  readonly maxWorkgroupSize: readonly [number, number, number];
  readonly maxWorkgroupCount: readonly [number, number, number];
  readonly maxSharedMemoryBytes: number;
  /** Largest single buffer in bytes. */
  readonly maxBufferBytes: number;
}

export type CommandBufferMode = 'graph' | 'stream';

export interface DeviceContext {
  readonly driver: GpuDriver;
  readonly limits: DeviceLimits;
  /** How command buffers are lowered: driver graphs (default) or replay onto a stream. */
  readonly commandBufferMode: CommandBufferMode;
  /** Used in messages. */
  readonly label: string;
  /** The race checker, when the device was created with `check` (createDevice({ check: true })). */
  readonly checker?: RaceChecker | undefined;
  /** Throws FAILED_PRECONDITION when the device was destroyed, or the device-lost error once it is lost. */
  assertUsable(use: string): void;
  /**
   * Runs a device allocation (memory, graph instantiation, module load); on RESOURCE_EXHAUSTED frees the buffer
   * memory whose release the device deferred while work was in flight, then runs it once more.
   */
  retryAfterReclaim<T>(allocate: () => T): T;
}
