/**
 * Kernel modules: WebAssembly modules compiled from asm/kernels/** (see asm/kernels/abi.ts) and instantiated
 * against the device's memory. A module is checked before it is instantiated: it must import `env.memory`
 * (kernels run directly on device memory), must carry no data segment and no start function (either would write
 * device memory at instantiation), and may import nothing else but `env.abort`. Entry points are exports of type
 * (i32, i32, i32, i32) → (); `moduleGetFunction` places one into the device's function table, where the device
 * dispatches every workgroup with call_indirect.
 */
import { HalError, StatusCode, invalidArgument } from '../../core/errors.js';
import type { ModuleImage } from '../../core/driver.js';
import type { WasmDevice } from './wasm_device.js';
import { instantiateHipModule } from './hipc/loader.js';
import type { KernelModuleImage } from './hipc/postprocess.js';

export interface KernelFunction {
  readonly module: KernelModule;
  readonly name: string;
  readonly tableIndex: number;
  live: boolean;
}

export interface KernelModule {
  readonly label: string;
  readonly instance: WebAssembly.Instance;
  /** Export names whose type is the kernel entry signature. */
  readonly entryPoints: ReadonlySet<string>;
  readonly functions: Map<string, KernelFunction>;
  /** Bytes at the start of the shared scratch holding the module's statics (HIP-C modules; 0 for sim-wasm). */
  readonly staticSharedBytes: number;
  /** Device memory the module owns (HIP-C per-thread memory and __device__ variables), freed on unload; 0 when none. */
  readonly ownedMemory: number;
  /** How many bytes from `ownedMemory` the module owns; 0 when none. */
  readonly ownedBytes: number;
  /** Its kernels draw thread orders from the device's seeded generator (HIP-C modules); sim-wasm kernels do not. */
  readonly seededThreadOrder: boolean;
  live: boolean;
}

interface ModuleShape {
  dataSegments: number;
  hasStart: boolean;
  /** Export name → true when its signature is (i32, i32, i32, i32) → (). */
  functionExports: Map<string, boolean>;
}

/** Reads the sections of a wasm binary that decide whether it is a safe kernel module. */
function inspect(bytes: Uint8Array): ModuleShape {
  let p = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[p++]!;
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  };
  const name = (): string => {
    const length = leb();
    const s = new TextDecoder().decode(bytes.subarray(p, p + length));
    p += length;
    return s;
  };
  const skipLimits = (): void => {
    const flags = leb();
    leb();
    if (flags & 1) leb();
  };
  const types: boolean[] = [];
  const functionTypes: number[] = [];
  const exports: [string, number][] = [];
  let dataSegments = 0;
  let hasStart = false;
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = leb();
    const end = p + size;
    if (id === 1) {
      for (let n = leb(), i = 0; i < n; i++) {
        p++; // 0x60 func
        const params: number[] = [];
        for (let k = leb(), j = 0; j < k; j++) params.push(bytes[p++]!);
        const results = leb();
        p += results;
        types.push(params.length === 4 && params.every((t) => t === 0x7f) && results === 0);
      }
    } else if (id === 2) {
      for (let n = leb(), i = 0; i < n; i++) {
        name();
        name();
        const kind = bytes[p++]!;
        if (kind === 0) functionTypes.push(leb());
        else if (kind === 1) { p++; skipLimits(); }
        else if (kind === 2) skipLimits();
        else if (kind === 3) p += 2;
        else leb();
      }
    } else if (id === 3) {
      for (let n = leb(), i = 0; i < n; i++) functionTypes.push(leb());
    } else if (id === 7) {
      for (let n = leb(), i = 0; i < n; i++) {
        const exportName = name();
        const kind = bytes[p++]!;
        const index = leb();
        if (kind === 0) exports.push([exportName, index]);
      }
    } else if (id === 8) {
      hasStart = true;
    } else if (id === 11) {
      dataSegments = leb();
    }
    p = end;
  }
  const functionExports = new Map<string, boolean>();
  for (const [exportName, index] of exports) functionExports.set(exportName, types[functionTypes[index] ?? -1] ?? false);
  return { dataSegments, hasStart, functionExports };
}

const kernelAbort = (): never => {
  throw new Error('kernel called abort()');
};

/** Compiled kernel modules by image bytes (only images that passed every check are kept). */
const compiledImages = new WeakMap<Uint8Array, WebAssembly.Module>();

export class KernelModules {
  private readonly freeSlots: number[] = [];
  private nextSlot: number;

  constructor(private readonly device: WasmDevice) {
    this.nextSlot = device.reservedTableSlots;
  }

  load(image: ModuleImage): KernelModule {
    const label = image.label ?? 'sim-wasm module';
    if (image.format !== 'sim-wasm') {
      throw invalidArgument(`moduleLoad format '${String(image.format)}' is not loadable by the sim driver (it loads: sim-wasm)`);
    }
    if (!(image.bytes instanceof Uint8Array) || image.bytes.length < 8) {
      throw invalidArgument(`moduleLoad ${label}: bytes must be a WebAssembly binary (got ${image.bytes === undefined ? 'no bytes' : `${image.bytes.length} bytes`})`);
    }
    // Compiled once per image: an explorer reloads the same executable for every schedule it runs.
    let compiled = compiledImages.get(image.bytes);
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(image.bytes as Uint8Array<ArrayBuffer>);
      } catch (cause) {
        throw new HalError(StatusCode.INVALID_ARGUMENT, `moduleLoad ${label}: not a valid WebAssembly module (${String(cause)})`, { cause });
      }
    }
    const imports = WebAssembly.Module.imports(compiled);
    if (!imports.some((i) => i.module === 'env' && i.name === 'memory' && i.kind === 'memory')) {
      throw invalidArgument(`moduleLoad ${label}: module does not import env.memory; kernel modules must be compiled with --importMemory to run on device memory`);
    }
    const stray = imports.find((i) => !(i.module === 'env' && ((i.name === 'memory' && i.kind === 'memory') || (i.name === 'abort' && i.kind === 'function'))));
    if (stray !== undefined) {
      throw invalidArgument(`moduleLoad ${label}: unsupported import ${stray.module}.${stray.name} (${stray.kind}); kernel modules may import only env.memory and env.abort`);
    }
    const shape = inspect(image.bytes);
    if (shape.dataSegments > 0) {
      throw invalidArgument(`moduleLoad ${label}: module has ${shape.dataSegments} data segment(s), which would overwrite device memory; kernels must not use strings or static data`);
    }
    if (shape.hasStart) {
      throw invalidArgument(`moduleLoad ${label}: module has a start function, which could write device memory at load time`);
    }
    compiledImages.set(image.bytes, compiled);
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(compiled, { env: { memory: this.device.memory, abort: kernelAbort } });
    } catch (cause) {
      throw new HalError(StatusCode.INVALID_ARGUMENT, `moduleLoad ${label}: cannot instantiate against the device memory (${String(cause)})`, { cause });
    }
    const entryPoints = new Set([...shape.functionExports].filter(([, isKernel]) => isKernel).map(([n]) => n));
    return { label, instance, entryPoints, functions: new Map(), staticSharedBytes: 0, ownedMemory: 0, ownedBytes: 0, seededThreadOrder: false, live: true };
  }

  /** A HIP-C module compiled for the simulator (hipc/compiler.ts). */
  loadHip(image: KernelModuleImage, label: string, maxThreads: number, maxSharedBytes: number, exploreEveryWorkgroup: boolean): KernelModule {
    const loaded = instantiateHipModule(this.device, image, label, maxThreads, maxSharedBytes, exploreEveryWorkgroup);
    return {
      label, instance: loaded.instance, entryPoints: loaded.entryPoints, functions: new Map(),
      staticSharedBytes: loaded.staticSharedBytes, ownedMemory: loaded.ownedMemory, ownedBytes: loaded.ownedBytes, seededThreadOrder: true, live: true,
    };
  }

  /** The entry point `name`, placed in the function table on first use. */
  getFunction(module: KernelModule, name: string): KernelFunction {
    const existing = module.functions.get(name);
    if (existing !== undefined) return existing;
    const exported = module.instance.exports[name];
    if (typeof exported !== 'function') {
      const available = [...module.entryPoints].sort().join(', ') || 'none';
      // Itanium mangling spells a template instantiation of `name` as _Z<length><name>I...
      const instantiations = [...module.entryPoints].filter((e) => e.startsWith(`_Z${name.length}${name}I`)).sort();
      const hint = instantiations.length > 0 ? `; '${name}' is a template kernel: name an explicit instantiation by its mangled name: ${instantiations.join(', ')}` : '';
      throw new HalError(StatusCode.NOT_FOUND, `moduleGetFunction: ${module.label} has no entry point '${name}' (entry points: ${available})${hint}`);
    }
    if (!module.entryPoints.has(name)) {
      throw invalidArgument(`moduleGetFunction: export '${name}' of ${module.label} is not a kernel entry point; its signature must be (args: usize, wgX: u32, wgY: u32, wgZ: u32) => void`);
    }
    const tableIndex = this.freeSlots.pop() ?? this.nextSlot++;
    const table = this.device.table;
    if (tableIndex >= table.length) table.grow(Math.max(64, tableIndex + 1 - table.length));
    table.set(tableIndex, exported as (...args: never[]) => unknown);
    const fn: KernelFunction = { module, name, tableIndex, live: true };
    module.functions.set(name, fn);
    return fn;
  }

  unload(module: KernelModule): void {
    module.live = false;
    for (const fn of module.functions.values()) {
      fn.live = false;
      this.device.table.set(fn.tableIndex, null);
      this.freeSlots.push(fn.tableIndex);
    }
    module.functions.clear();
    if (module.ownedMemory !== 0) this.device.exports.free(module.ownedMemory);
  }
}
