/**
 * The simulator's cost model: how long each operation takes in virtual time.
 *
 * Virtual time is integer nanoseconds. The model is deliberately simple and documented so that a test or a
 * classroom can predict timestamps by hand:
 *
 *   stream memset / memcpy DtoD   opOverheadNs + ceil(bytes / deviceBytesPerNs)
 *   stream HtoD / DtoH            opOverheadNs + ceil(bytes / hostBytesPerNs)
 *   stream kernel launch          opOverheadNs + waves × workgroupNs, waves = ceil(workgroups / computeUnits)
 *   graph launch                  graphLaunchNs, then every node: graphNodeNs + the node's work
 *                                 (memset/memcpy: ceil(bytes / deviceBytesPerNs); kernel: waves × workgroupNs;
 *                                 empty: nothing); a node starts when its last dependency ends
 *   host function                 hostFunctionNs
 *   event record, stream wait, stream-ordered alloc/free: 0 (they only order)
 *
 * The defaults sketch a mid-range discrete GPU: 1 TB/s device memory, 25 GB/s host link, 2 µs launch latency.
 */
import { invalidArgument } from '../../core/errors.js';
import { suggestion } from '../../core/fields.js';
import { describe } from '../../core/validation.js';

export interface CostModel {
  /** Launch latency of every stream operation that does work (memset, memcpy, kernel). */
  readonly opOverheadNs: number;
  /** Device memory bandwidth in bytes per ns (1000 = 1 TB/s). */
  readonly deviceBytesPerNs: number;
  /** Host↔device bandwidth in bytes per ns (25 = 25 GB/s). */
  readonly hostBytesPerNs: number;
  /** Time one wave of workgroups takes. */
  readonly workgroupNs: number;
  /** Workgroups that run side by side in one wave. */
  readonly computeUnits: number;
  /** Launching an instantiated graph. */
  readonly graphLaunchNs: number;
  /** Per-node overhead inside a graph launch. */
  readonly graphNodeNs: number;
  /** Running a host function. */
  readonly hostFunctionNs: number;
}

export const DEFAULT_COST_MODEL: CostModel = Object.freeze({
  opOverheadNs: 2000,
  deviceBytesPerNs: 1000,
  hostBytesPerNs: 25,
  workgroupNs: 500,
  computeUnits: 64,
  graphLaunchNs: 2500,
  graphNodeNs: 50,
  hostFunctionNs: 1000,
});

/** Merges a partial override into the defaults, rejecting unknown fields and non-positive or non-finite values. */
export function resolveCostModel(override: unknown): CostModel {
  if (override === undefined) return DEFAULT_COST_MODEL;
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    throw invalidArgument(`options.costModel must be an object of numbers (got ${describe(override)})`);
  }
  const merged: Record<string, number> = { ...DEFAULT_COST_MODEL };
  for (const [key, value] of Object.entries(override)) {
    if (!(key in DEFAULT_COST_MODEL)) {
      throw invalidArgument(`options.costModel.${key} is not a cost model field; ${suggestion(key, Object.keys(DEFAULT_COST_MODEL))}`);
    }
    const positiveOnly = key === 'deviceBytesPerNs' || key === 'hostBytesPerNs' || key === 'computeUnits';
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positiveOnly && value <= 0)) {
      throw invalidArgument(`options.costModel.${key} must be a finite number ${positiveOnly ? '> 0' : '>= 0'} (got ${describe(value)})`);
    }
    if (key === 'computeUnits' && !Number.isInteger(value)) {
      throw invalidArgument(`options.costModel.computeUnits must be an integer (got ${value})`);
    }
    merged[key] = value;
  }
  return Object.freeze(merged as unknown as CostModel);
}

/** Costs of the individual operations, all integer ns. */
export class Costs {
  constructor(readonly model: CostModel) {}

  deviceBytes(bytes: number): number {
    return Math.ceil(bytes / this.model.deviceBytesPerNs);
  }
  hostBytes(bytes: number): number {
    return Math.ceil(bytes / this.model.hostBytesPerNs);
  }
  workgroupWaves(workgroups: number): number {
    return Math.ceil(workgroups / this.model.computeUnits) * this.model.workgroupNs;
  }
  streamDeviceCopy(bytes: number): number {
    return this.model.opOverheadNs + this.deviceBytes(bytes);
  }
  streamHostCopy(bytes: number): number {
    return this.model.opOverheadNs + this.hostBytes(bytes);
  }
  streamKernel(workgroups: number): number {
    return this.model.opOverheadNs + this.workgroupWaves(workgroups);
  }
}
