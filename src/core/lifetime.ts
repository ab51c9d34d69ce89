/**
 * Lifetimes of HAL objects (docs/design.md rules 6 and 9).
 *
 * Every object has an idempotent `destroy()` and `Symbol.dispose`. Destroying only drops the *user's*
 * reference: work that captured the object (a submission using a buffer, a command buffer holding an
 * executable) holds its own reference through `retain()`/`release()`, and the driver resources are returned
 * when the last reference goes. Using an object after the user destroyed it throws FAILED_PRECONDITION.
 */
import { failedPrecondition } from './errors.js';
import { inspectAs, inspectCustom } from './inspect.js';

export abstract class HalObject implements Disposable {
  /**
   * `x instanceof GpuBuffer` (or any HAL class) holds only for objects this constructor made. An object made with
   * `Object.create(GpuBuffer.prototype)` has the prototype but none of the state, and every entry point would fail on
   * it with a TypeError instead of rejecting it as "must be a GpuBuffer".
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && #constructed in value && Function.prototype[Symbol.hasInstance].call(this, value);
  }

  readonly #constructed = true;
  /** Shown in error messages and traces. */
  readonly label: string;
  private userDestroyed = false;
  /** The user's reference plus one per capture. */
  private references = 1;
  /** Called once after `freeResources` (devices use it to stop tracking the object). */
  private onFreed: (() => void) | undefined;

  /** 'semaphore', 'commandBuffer', ...: names default labels and, capitalized, the printed type. */
  private readonly kind: string;

  protected constructor(kind: string, label: string | undefined) {
    this.kind = kind;
    this.label = label ?? `${kind}#${nextId(kind)}`;
  }

  /** True once the user destroyed the object (it may still be alive for in-flight work). */
  get destroyed(): boolean {
    return this.userDestroyed;
  }

  /** Throws FAILED_PRECONDITION if the user destroyed this object; `use` says what was attempted. */
  assertAlive(use = 'use'): void {
    if (this.userDestroyed) throw failedPrecondition(`cannot ${use} ${this.label}: it was destroyed`);
  }

  /** Drops the user's reference; idempotent. Driver resources go once no submission holds the object. */
  destroy(): void {
    if (this.userDestroyed) return;
    this.userDestroyed = true;
    this.release();
  }

  [Symbol.dispose](): void {
    this.destroy();
  }

  /** The public name of the object's type, as printed (from the kind: a minifier may rename the class). */
  protected get typeName(): string {
    return this.kind.charAt(0).toUpperCase() + this.kind.slice(1);
  }

  /** What `console.log` shows besides the label: the object's public state, never its internals. */
  protected inspectFields(): Record<string, unknown> {
    return {};
  }

  /** `Semaphore "ready"`: the type and the label. */
  toString(): string {
    return `${this.typeName} ${JSON.stringify(this.label)}`;
  }

  [inspectCustom](_depth: number, options: unknown, inspect?: (value: unknown, options?: unknown) => string): string {
    return inspectAs(this.typeName, { label: this.label, ...this.inspectFields(), ...(this.userDestroyed ? { destroyed: true } : {}) }, options, inspect);
  }

  /** @internal Keeps the object's resources alive for in-flight work; pair with `release()`. */
  retain(): void {
    this.references++;
  }

  /** @internal Drops a reference taken by `retain()`; the last one frees the resources. */
  release(): void {
    if (this.references <= 0) return;
    if (--this.references === 0) this.free();
  }

  /**
   * @internal
   * Device teardown: frees the resources now, whatever still references the object. Later
   * `release()` calls are no-ops and later uses throw FAILED_PRECONDITION.
   */
  forceFree(): void {
    this.userDestroyed = true;
    if (this.references <= 0) return;
    this.references = 0;
    this.free();
  }

  /** @internal Registers the single callback run after the resources were freed (replaces any earlier one). */
  setFreedCallback(callback: (() => void) | undefined): void {
    this.onFreed = callback;
  }

  private free(): void {
    try {
      this.freeResources();
    } finally {
      const callback = this.onFreed;
      this.onFreed = undefined;
      callback?.();
    }
  }

  /** Returns driver resources; called exactly once, when the last reference is released. */
  protected abstract freeResources(): void;
}

const counters = new Map<string, number>();
function nextId(kind: string): number {
  const id = (counters.get(kind) ?? 0) + 1;
  counters.set(kind, id);
  return id;
}
