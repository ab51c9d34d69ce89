/**
 * gpuhal's public API.
 *
 *   const device = await createDevice({ backend: 'sim', seed: 1 });
 *   const done = device.createSemaphore(0n);
 *   device.queue.fill({ buffer, pattern: 0xff, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });
 *   await done.wait(1n);
 *
 * Backends load lazily (see src/core/registry.ts), so importing this module loads neither koffi nor WebAssembly.
 */
// gpuhal's own backends (hip, then the simulator) register themselves; each loads only when a device asks for it.
import './backends/builtin.js';

export { createDevice, Device, type DeviceChecker, type DeviceInfo, type DeviceLostInfo, type DeviceOptions, type SemaphoreOptions } from './core/device.js';
export type { RaceCheckOptions, RaceCheckerStats } from './core/check/race_checker.js';
export type { RaceKind, RaceOperation, RaceRange, RaceReport } from './core/check/race_report.js';
export type { BackendDeviceOptions } from './core/device_options.js';
// Each backend's createDevice options (they extend BackendDeviceOptions; exporting them brings the typing along).
export type { SimDeviceOptions } from './backends/sim/device_options.js';
export type { HipDeviceOptions } from './backends/hip/device_options.js';
export { listBackends, registerBackend, type BackendLoader, type BackendStatus } from './core/registry.js';
export type { DeviceLimits, CommandBufferMode, DeviceContext } from './core/device_context.js';
export { HalError, StatusCode, type DriverErrorInfo, type HalErrorOptions } from './core/errors.js';
export { HalObject } from './core/lifetime.js';
export { GpuBuffer, BufferUsage, type BufferDescriptor, type MemoryType } from './core/gpu_buffer.js';
import { GpuBuffer as CoreBuffer } from './core/gpu_buffer.js';
/** @deprecated Renamed `GpuBuffer`: a class named `Buffer` shadows Node's global `Buffer` in every module importing it. */
export const Buffer = CoreBuffer;
/** @deprecated Renamed `GpuBuffer`. */
export type Buffer = CoreBuffer;
export { Semaphore, type SemaphoreCounts } from './core/semaphore/semaphore.js';
export type { StallDiagnosis, StalledHostWait, StalledSubmission, StalledWait } from './core/stall/stall_diagnosis.js';
export type { SemaphoreValue, WaitMode, WaitOptions } from './core/semaphore/host_wait.js';
export { MAX_PAYLOAD } from './core/semaphore/payload.js';
export {
  Queue,
  type AllocaOperation,
  type CopyOperation,
  type DeallocaOperation,
  type ExecuteOperation,
  type FillOperation,
  type QueueSync,
  type ReadOperation,
  type UpdateOperation,
} from './core/queue/queue.js';
export type { BindingSlot, BindingTable, BindingTableEntry, BufferOrSlot } from './core/command_buffer/binding_table.js';
export {
  CommandBuffer,
  type CommandBufferDescriptor,
  type CommandBufferUsageMode,
  type CopyCommandOptions,
  type DescriptorSetBinding,
  type DispatchIndirectOptions,
  type DispatchOptions,
  type FillCommandOptions,
  type PushConstantsOptions,
  type PushDescriptorSetOptions,
  type UpdateCommandOptions,
} from './core/command_buffer/command_buffer.js';
export {
  DescriptorSetLayout,
  PipelineLayout,
  type DescriptorSetLayoutBinding,
  type DescriptorSetLayoutDescriptor,
  type PipelineLayoutDescriptor,
} from './core/layouts.js';
export { Executable, type EntryPoint, type ExecutableOptions } from './core/executable.js';
export type { BindingInput, EntryPointInput, ExecutableManifestInput, ManifestPayloadsInput, PipelineLayoutInput } from './core/manifest_input.js';
export type { ExecutableManifest, ManifestEntryPoint, ManifestPayloads } from './core/executable_manifest.js';
export { f32Bits, f32FromBits, f64Words, i32Bits, u64Words } from './core/bit_patterns.js';
export type {
  BackendAvailability,
  DriverDeviceInfo,
  DriverDeviceSummary,
  DriverLimits,
  DriverLogEntry,
  DriverObjectCounts,
  DriverClock,
  DriverProvider,
  DriverStepEvent,
  DriverStepper,
  DriverStreamContents,
  DriverStreamOp,
  GpuDriver,
  ModuleFormat,
  Platform,
} from './core/driver.js';
/** What one step of a simulator (or any driver with a stepper) did; the name `device.step()` documents. */
export type { DriverStepEvent as SimStepEvent } from './core/driver.js';
/** Traces of what a device did (`createDevice({ trace: true })`, then `device.trace`): export, render, replay. */
export * as trace from './trace/index.js';
export type { MemoryTraceRecorder } from './trace/recorder.js';
/** Step mode on the simulator (`device.step()`, `device.inspect()`): what a step did and the state snapshot. */
export type {
  Inspection,
  SemaphoreView,
  StepOutcome,
  StreamOpView,
  StreamView,
  SubmissionView,
  WaitView,
} from './core/inspection.js';
