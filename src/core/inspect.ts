/**
 * How public objects print: `console.log(semaphore)` shows `Semaphore { label: 'ready', value: 1n }`, not the
 * scheduler's waiter indexes, and `${semaphore}` reads `Semaphore "ready"`. The symbol is Node's registered
 * `util.inspect.custom` key, used without importing node:util so the core still runs in a browser.
 */

/** `util.inspect.custom`. */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

type Inspect = (value: unknown, options?: unknown) => string;

/** Formats `Name { field: value, ... }`, with Node's inspect when it is given (colours, depth), else plainly. */
export function inspectAs(name: string, fields: Readonly<Record<string, unknown>>, options: unknown, inspect: Inspect | undefined): string {
  if (typeof inspect === 'function') return `${name} ${inspect({ ...fields }, options)}`;
  const text = Object.entries(fields).map(([key, value]) => `${key}: ${typeof value === 'string' ? `'${value}'` : typeof value === 'bigint' ? `${value}n` : String(value)}`);
  return `${name} { ${text.join(', ')} }`;
}
