/** The simulated GPU backend (see driver.ts for a map of its modules). */
export { SimDriver, createSimDriver, type HeapStats, type SimQueuedOp, type SimStreamContents } from './driver.js';
export { simProvider } from './provider.js';
export { DEFAULT_COST_MODEL, type CostModel } from './cost_model.js';
export type { SimDriverOptions } from './options.js';
export type { LogEntry, LogStatus } from './event_log.js';
export type { StepEvent } from './scheduler.js';
export type { DeviceLostRule, FaultPlan, KernelFaultRule, KernelMatch, OutOfMemoryRule, RandomFaults, SlowOperationKind, SlowRule } from './fault_plan.js';
export type { InjectedFault } from './fault_injector.js';
export { injectFaults, injectedFaults } from './inject_faults.js';
