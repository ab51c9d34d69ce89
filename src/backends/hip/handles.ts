/**
 * The JS objects behind the driver's opaque handles. Each remembers the driver that made it and whether it is
 * still alive, so a destroyed or foreign handle is a clear INVALID_ARGUMENT rather than a crash in the library.
 */
import { invalidArgument } from '../../core/errors.js';
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
  readonly kind = 'stream';
}

export class EventObject extends NativeObject {
  readonly kind = 'event';
  /** Whether eventRecord was ever called: waiting on a never-recorded event would silently do nothing. */
  recorded = false;
}

export class GraphObject extends NativeObject {
  readonly kind = 'graph';
}

export class GraphNodeObject extends NativeObject {
  readonly kind = 'graph node';
  constructor(
    raw: number,
    owner: object,
    readonly graph: GraphObject,
  ) {
    super(raw, owner);
  }
}

export class GraphExecObject extends NativeObject {
  readonly kind = 'graph exec';
}

export class ModuleObject extends NativeObject {
  readonly kind = 'module';
  readonly functions = new Map<string, FunctionObject>();
  constructor(
    raw: number,
    owner: object,
    readonly label: string,
  ) {
    super(raw, owner);
  }
}

export class FunctionObject extends NativeObject {
  readonly kind = 'function';
  constructor(
    raw: number,
    owner: object,
    readonly module: ModuleObject,
    readonly name: string,
  ) {
    super(raw, owner);
  }
}

type ObjectClass<T extends NativeObject> = abstract new (...args: never[]) => T;

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
