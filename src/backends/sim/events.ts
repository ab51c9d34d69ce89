/**
 * Events, with CUDA/HIP semantics: recording captures the work enqueued on the stream so far (as the record
 * operation itself, which runs after that work); re-recording replaces the capture; an event that was never
 * recorded counts as complete, and waiting on it does nothing. A capture whose stream was poisoned carries the
 * original error, which every eventQuery throws until the event is recorded again.
 */
import type { StreamOp } from './streams.js';

export class SimEvent {
  /** The record operation of the latest eventRecord, or null if never recorded. */
  capture: StreamOp | null = null;

  /** True once the captured work completed; throws the capture's error. */
  query(): boolean {
    const capture = this.capture;
    if (capture === null) return true;
    if (capture.state !== 'complete') return false;
    if (capture.error !== null) throw capture.error;
    return true;
  }
}
