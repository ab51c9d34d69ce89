/**
 * Loading the vendor libraries and binding their symbols.
 *
 * Libraries are tried by soname so the system's loader search path decides (ld.so.conf, LD_LIBRARY_PATH), and each
 * loaded library is kept in a module-level list for the life of the process: unloading libcuda or libamdhip64
 * while their own worker threads still run crashes the process at exit.
 */
import koffi from 'koffi';

export type NativeLibrary = ReturnType<typeof koffi.load>;
export type NativeFunction = ReturnType<NativeLibrary['func']>;

/** Never unloaded; see the module comment. */
const keptLibraries = new Map<string, NativeLibrary>();

export interface LoadedLibrary {
  readonly lib: NativeLibrary;
  /** The candidate that loaded (a soname or a path). */
  readonly name: string;
}

export interface LoadFailure {
  /** Every candidate with the loader's message, for error texts. */
  readonly attempts: readonly { readonly name: string; readonly error: string }[];
}

export function loadFirst(candidates: readonly string[]): LoadedLibrary | LoadFailure {
  const attempts: { name: string; error: string }[] = [];
  for (const name of candidates) {
    const kept = keptLibraries.get(name);
    if (kept) return { lib: kept, name };
    try {
      const lib = koffi.load(name);
      keptLibraries.set(name, lib);
      return { lib, name };
    } catch (error) {
      attempts.push({ name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { attempts };
}

export function isLoaded(result: LoadedLibrary | LoadFailure): result is LoadedLibrary {
  return 'lib' in result;
}

export function describeLoadFailure(failure: LoadFailure): string {
  return failure.attempts.map((a) => `${a.name}: ${a.error}`).join('; ');
}

/**
 * A symbol table: C prototypes by symbol name. Required symbols must all resolve; optional ones may be missing
 * (older drivers), in which case the adapter uses its documented fallback and reports the name.
 */
export interface SymbolTable {
  readonly required: Readonly<Record<string, string>>;
  readonly optional: Readonly<Record<string, string>>;
}

export interface BoundSymbols {
  readonly fns: Readonly<Record<string, NativeFunction>>;
  readonly missingOptional: readonly string[];
  readonly missingRequired: readonly string[];
}

/** Bound tables by library and table: libraries are never unloaded, so bindings can be shared by every driver. */
const boundCache = new WeakMap<object, WeakMap<SymbolTable, BoundSymbols>>();

/** `prototype` is a koffi declaration with `$` standing for the symbol name, e.g. 'int $(uint64_t ptr)'. */
export function bindSymbols(lib: NativeLibrary, table: SymbolTable): BoundSymbols {
  let byTable = boundCache.get(lib);
  if (!byTable) boundCache.set(lib, (byTable = new WeakMap()));
  let bound = byTable.get(table);
  if (!bound) byTable.set(table, (bound = bindUncached(lib, table)));
  return bound;
}

function bindUncached(lib: NativeLibrary, table: SymbolTable): BoundSymbols {
  const fns: Record<string, NativeFunction> = {};
  const missingOptional: string[] = [];
  const missingRequired: string[] = [];
  const bind = (name: string, prototype: string, missing: string[]): void => {
    try {
      fns[name] = lib.func(prototype.replace('$', name));
    } catch {
      missing.push(name);
    }
  };
  for (const [name, prototype] of Object.entries(table.required)) bind(name, prototype, missingRequired);
  for (const [name, prototype] of Object.entries(table.optional)) bind(name, prototype, missingOptional);
  return { fns, missingOptional, missingRequired };
}
