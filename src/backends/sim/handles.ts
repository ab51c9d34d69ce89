/**
 * Handle tables: every driver object the sim hands out is a small frozen token {driver, kind, slot, generation}.
 * A slot's generation is bumped when its object is destroyed, so a stale handle (destroyed object, even after
 * its slot was reused) and a handle from another driver instance are both caught with INVALID_ARGUMENT instead
 * of reaching the wrong object.
 */
import { invalidArgument } from '../../core/errors.js';
import type { Handle } from '../../core/driver.js';
import { describe } from '../../core/validation.js';

interface Token {
  readonly driver: number;
  readonly kind: string;
  readonly slot: number;
  readonly generation: number;
}

export class HandleTable<Kind extends string, T> {
  private readonly objects: (T | undefined)[] = [];
  private readonly generations: number[] = [];
  private readonly freeSlots: number[] = [];
  private liveCount = 0;

  constructor(private readonly driverId: number, readonly kind: Kind) {}

  get size(): number {
    return this.liveCount;
  }

  add(object: T): Handle<Kind> {
    const slot = this.freeSlots.pop() ?? this.objects.length;
    if (slot === this.objects.length) this.generations.push(1);
    this.objects[slot] = object;
    this.liveCount++;
    const token: Token = Object.freeze({ driver: this.driverId, kind: this.kind, slot, generation: this.generations[slot]! });
    return token as unknown as Handle<Kind>;
  }

  /** The live object behind `handle`; INVALID_ARGUMENT naming `field` when it is destroyed, foreign or not a handle. */
  get(handle: Handle<Kind>, field: string): T {
    const object = this.lookup(handle, field);
    if (object === undefined) throw invalidArgument(`${field} is a destroyed ${this.kind}`);
    return object;
  }

  /** Like get, but a destroyed (stale) handle of this driver gives undefined instead of an error. */
  lookup(handle: Handle<Kind>, field: string): T | undefined {
    const token = handle as unknown as Token;
    if (typeof token !== 'object' || token === null || typeof token.slot !== 'number') {
      throw invalidArgument(`${field} is not a ${this.kind} handle (got ${describe(handle)})`);
    }
    if (token.kind !== this.kind) {
      throw invalidArgument(`${field} is a ${String(token.kind)} handle, expected a ${this.kind}`);
    }
    if (token.driver !== this.driverId) {
      throw invalidArgument(`${field} is a ${this.kind} of another driver (sim driver #${token.driver}, this is #${this.driverId})`);
    }
    const object = this.objects[token.slot];
    if (object === undefined || this.generations[token.slot] !== token.generation) return undefined;
    return object;
  }

  /** Removes the object behind `handle` (validated as in get) and returns it. */
  remove(handle: Handle<Kind>, field: string): T {
    const object = this.get(handle, field);
    const slot = (handle as unknown as Token).slot;
    this.objects[slot] = undefined;
    this.generations[slot]!++;
    this.freeSlots.push(slot);
    this.liveCount--;
    return object;
  }

  values(): T[] {
    return this.objects.filter((o): o is T => o !== undefined);
  }

  clear(): void {
    for (let slot = 0; slot < this.objects.length; slot++) {
      if (this.objects[slot] !== undefined) {
        this.objects[slot] = undefined;
        this.generations[slot]!++;
        this.freeSlots.push(slot);
      }
    }
    this.liveCount = 0;
  }
}
