/**
 * The JS objects behind the driver's opaque handles. Each remembers the driver that made it and whether it is
 * still alive, so a destroyed or foreign handle is a clear INVALID_ARGUMENT rather than a crash in the library.
 */
import type {
  DriverEvent, DriverFunction, DriverGraph, DriverGraphExec, DriverGraphNode, DriverModule, DriverStream,
} from '../../core/driver.js';
import { invalidArgument } from '../../core/errors.js';
import type { KernelParameter } from './platform_api.js';
import { describe } from '../../core/validation.js';

export abstract class NativeObject {
  alive = true;
  constructor(
    readonly raw: number,
    readonly owner: object,
  ) {}
  abstract readonly kind: string;
}

export class StreamObject extends NativeObject {
  readonly kind = 'stream' as const;
}

export class EventObject extends NativeObject {
  readonly kind = 'event' as const;
  /** Whether eventRecord was ever called: waiting on a never-recorded event would silently do nothing. */
  recorded = false;
}

export class GraphObject extends NativeObject {
  readonly kind = 'graph' as const;
}

export class GraphNodeObject extends NativeObject {
  readonly kind = 'graph node' as const;
  constructor(
    raw: number,
    owner: object,
    readonly graph: GraphObject,
  ) {
    super(raw, owner);
  }
}

export class GraphExecObject extends NativeObject {
  readonly kind = 'graph exec' as const;
}

export class ModuleObject extends NativeObject {
  readonly kind = 'module' as const;
  readonly functions = new Map<string, FunctionObject>();
  constructor(
    raw: number,
    owner: object,
    readonly label: string,
    /** Plain kernel name → the symbol the module knows it by, for kernels that are not extern "C". */
    readonly symbols: ReadonlyMap<string, string> = new Map(),
  ) {
    super(raw, owner);
  }
}

export class FunctionObject extends NativeObject {
  readonly kind = 'function' as const;
  constructor(
    raw: number,
    owner: object,
    readonly module: ModuleObject,
    readonly name: string,
    /** Where each parameter sits in the GPU's parameter block, when the driver can say (kernel_args.ts). */
    readonly parameters?: readonly KernelParameter[],
  ) {
    super(raw, owner);
  }
}

type ObjectClass<T extends NativeObject> = abstract new (...args: never[]) => T;

/** The seam's handle kind each object class stands behind. */
interface HandleOf {
  stream: DriverStream;
  event: DriverEvent;
  graph: DriverGraph;
  'graph node': DriverGraphNode;
  'graph exec': DriverGraphExec;
  module: DriverModule;
  function: DriverFunction;
}

/**
 * An object as the opaque handle the core holds: the one place the driver's objects become seam handles (the
 * brand exists only at compile time, so the object itself is the handle).
 */
export function asHandle<T extends NativeObject & { readonly kind: keyof HandleOf }>(object: T): HandleOf[T['kind']] {
  return object as unknown as HandleOf[T['kind']];
}

/**
 * The live objects of one kind a driver has handed out: what `outstanding()` counts and `destroy()` releases.
 * Tracking and the alive flag change together here, so a handle the driver no longer tracks is never taken as live.
 */
export class LiveObjects<T extends NativeObject & { readonly kind: keyof HandleOf }> implements Iterable<T> {
  private readonly objects = new Set<T>();

  /** Tracks a newly made object and returns it as the handle the core holds. */
  adopt(object: T): HandleOf[T['kind']] {
    this.objects.add(object);
    return asHandle(object);
  }

  /** Marks `object` destroyed and stops tracking it; releasing its native handle is the caller's. */
  retire(object: T): void {
    object.alive = false;
    this.objects.delete(object);
  }

  /** Marks every object destroyed and stops tracking them all (teardown, after their native release). */
  retireAll(): void {
    for (const object of this.objects) object.alive = false;
    this.objects.clear();
  }

  get size(): number {
    return this.objects.size;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.objects.values();
  }
}

/** Returns `value` as a live object of `type` made by `owner`, or throws INVALID_ARGUMENT naming `field`. */
export function expectLive<T extends NativeObject>(value: unknown, type: ObjectClass<T>, owner: object, field: string): T {
  if (!(value instanceof type)) throw invalidArgument(`${field} is not a handle of the hip driver (got ${describe(value)})`);
  if (value.owner !== owner) throw invalidArgument(`${field} belongs to another hip driver instance`);
  if (!value.alive) throw invalidArgument(`${field} (a ${value.kind}) was already destroyed`);
  if (value instanceof FunctionObject && !value.module.alive) {
    throw invalidArgument(`${field} (function '${value.name}') belongs to module '${value.module.label}', which was unloaded`);
  }
  return value;
}
