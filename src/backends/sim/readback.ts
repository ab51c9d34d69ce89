/**
 * Device→host copies: the bytes land in staging the driver owns (a snapshot taken when the copy executes on its
 * stream), and `take()` hands them out only once that operation has completed.
 */
import { failedPrecondition, invalidArgument } from '../../core/errors.js';
import type { DriverReadback } from '../../core/driver.js';
import type { StreamOp } from './streams.js';

export class SimReadback implements DriverReadback {
  private staging: Uint8Array | null;
  op: StreamOp | null = null;

  constructor(readonly byteLength: number) {
    this.staging = new Uint8Array(byteLength);
  }

  /** Where the executing copy writes (null once released: the copy then just drops its bytes). */
  get target(): Uint8Array | null {
    return this.staging;
  }

  take(into?: Uint8Array): Uint8Array {
    const op = this.op;
    if (this.staging === null) throw failedPrecondition('readback was released');
    if (op === null || op.state !== 'complete') {
      throw failedPrecondition(`readback of ${this.byteLength} bytes is not complete yet (the copy has ${op?.state === 'running' ? 'started but not finished' : 'not run'})`);
    }
    if (op.error !== null) throw op.error;
    if (into === undefined) return this.staging.slice();
    if (!(into instanceof Uint8Array) || into.length < this.byteLength) {
      throw invalidArgument(`readback take(into): into must be a Uint8Array of at least ${this.byteLength} bytes (got ${into instanceof Uint8Array ? into.length : String(into)})`);
    }
    into.set(this.staging);
    return into;
  }

  release(): void {
    this.staging = null;
  }
}
