/**
 * gpuhal/testing: explore a GPU program's schedules on the simulator, replay a failure from a short token, and
 * shrink it to the choices that matter.
 *
 *   import { explore } from 'gpuhal/testing';
 *   test('pipeline', () => explore(async ({ device }) => { ...submit, wait, assert... }, { schedules: 2000 }));
 */
export {
  explore, replay, runExploration, isScheduleFailure, ScheduleFailureError,
  type ExploreOptions, type ExploreProgress, type ExploreResult, type FailureReport, type ReplayResult,
  type Scenario, type ScenarioContext, type ScenarioDeviceOptions, type ScenarioFunction, type ScenarioLike, type Strategy,
} from './explore.js';
export type { FailureCheck, FailureKind, ScheduleFailure } from './failure.js';
export { encodeToken, decodeToken, decodeReplayToken } from './token.js';
export type { FaultUnit } from './fault_units.js';
export { exploreSeeds, seedsFromEnv } from './ci.js';
