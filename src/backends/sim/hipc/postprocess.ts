/**
 * Turns the module clang and wasm-ld produced into a simulator kernel module, with binaryen:
 *
 *  - picks, per kernel, the straight entry (no barrier reachable: threads run one after another) or the coroutine
 *    entry (a barrier is reachable: Asyncify instruments only the functions that can reach it);
 *  - checks every load and store of kernel code against the launch's bindings, the workgroup's shared scratch and
 *    the thread's own stack (unless memory checks are off), faulting with the binding and offset on a miss;
 *  - counts loop iterations against a per-workgroup budget, so an endless loop is a reported fault, not a hang;
 *  - replaces the header's `gh` imports with their wasm bodies (globals, Asyncify calls), leaving the device's
 *    functions `gh.random` (the simulator's seeded generator) and `gh.set_running_workgroup_x` (asm/device/
 *    dispatch.ts) and the `gh.thread_memory`, `gh.explore_every_workgroup` (and, with `__device__` variables,
 *    `gh.device_globals`) globals as the only imports besides memory.
 */
import { HalError, StatusCode } from '../../../core/errors.js';
import { findCheckFreeLoops, splitCheckFreeLoop } from './check_free_loops.js';
import { memoryAccess } from './wasm_access.js';
import { children, walk } from './wasm_tree.js';

type Binaryen = typeof import('binaryen').default;
type BModule = InstanceType<Binaryen['Module']>;

let loading: Promise<Binaryen> | undefined;

/** binaryen (installed with AssemblyScript), imported on first use. */
export function loadBinaryen(): Promise<Binaryen> {
  loading ??= (async () => {
    const specifier: string = 'binaryen';
    try {
      return ((await import(specifier)) as { default: Binaryen }).default;
    } catch (cause) {
      loading = undefined;
      throw new HalError(StatusCode.UNAVAILABLE,
        `compiling 'hip-source' kernels for the simulator needs the package binaryen: install it with \`npm install binaryen\``, { cause });
    }
  })();
  return loading;
}

/** Loop iterations one workgroup may run (all its threads together) before it is stopped as a runaway. */
export const LOOP_BUDGET = 1 << 26;
/** Loop iterations a function call counts locally before charging them to the workgroup's budget. */
const LOOP_BUDGET_BLOCK = 1024;
/** Memory-check sites of a straight entry that keep a window of their own (the rest use the two shared ones). */
const SITE_WINDOWS = 32;
/** Fault kinds raised by HIP-C kernels, after those of asm/kernels/abi.ts. */
export const FAULT_BARRIER_DIVERGENCE = 6;
export const FAULT_LOOP_BUDGET = 7;
/** Largest initialized static image (constant tables) copied into each workgroup's scratch. */
const MAX_INITIALIZED_BYTES = 16384;

export interface PostprocessOptions {
  readonly memoryChecks: boolean;
  readonly label: string;
  /** Where the module's statics start (the shared scratch address they are linked at). */
  readonly staticStart: number;
}

export interface KernelModuleImage {
  readonly wasm: Uint8Array;
  /** Kernel name → whether it runs as coroutines (reaches a barrier). */
  readonly kernels: Readonly<Record<string, boolean>>;
  /** True when the module needs per-thread memory (coroutine kernels, or kernel code using the shadow stack). */
  readonly threadMemory: boolean;
}

/** The header's imports that stay imports: functions of the device module (asm/device). */
const DEVICE_IMPORTS = new Set(['random', 'set_running_workgroup_x']);
const RUNTIME_HELPERS = new Set(['__gh_check_slow', '__gh_budget_exhausted']);

/**
 * The linker's bounds of the device-wide variables (device_header.ts): exported by the link when the sections
 * exist, read here, then recorded in the `gh.device_globals` custom section for the loader.
 */
export const DEVICE_SECTION_BOUNDS = ['__start_gh_device', '__stop_gh_device'] as const;

/**
 * `gh.device_globals`: u32 words [start, end] of the device-wide variables (equal when there are none), then their
 * initial bytes. The loader keeps those bytes in device memory of their own.
 */
export const DEVICE_GLOBALS_SECTION = 'gh.device_globals';

/** binaryen.js's expression classes, which its type declarations omit. */
interface ExpressionClasses {
  Call: { getTarget(e: number): string };
  GlobalGet: { getName(e: number): string };
  GlobalSet: { getName(e: number): string };
  Loop: { getBody(e: number): number; setBody(e: number, body: number): void };
}
const classes = (b: Binaryen): ExpressionClasses => b as unknown as ExpressionClasses;

interface FunctionView {
  readonly name: string;
  readonly ref: number;
  readonly imported: boolean;
}

function functions(b: Binaryen, m: BModule): FunctionView[] {
  const out: FunctionView[] = [];
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const ref = m.getFunctionByIndex(i);
    const info = b.getFunctionInfo(ref);
    out.push({ name: info.name, ref, imported: info.module !== '' && info.module !== null });
  }
  return out;
}

/** Function name → names of the functions it calls directly. */
function callGraph(b: Binaryen, fns: readonly FunctionView[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const f of fns) {
    const callees = new Set<string>();
    if (!f.imported) {
      walk(b, b.getFunctionInfo(f.ref).body, (e) => {
        if (b.getExpressionId(e) === b.CallId) callees.add(classes(b).Call.getTarget(e));
      });
    }
    graph.set(f.name, callees);
  }
  return graph;
}

function reaches(graph: Map<string, Set<string>>, from: string, target: string): boolean {
  const seen = new Set<string>([from]);
  const todo = [from];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (f === target) return true;
    for (const c of graph.get(f) ?? []) if (!seen.has(c)) { seen.add(c); todo.push(c); }
  }
  return false;
}

/**
 * Sets every binaryen option the post-processor's output depends on, and returns a function that puts back the
 * previous values: binaryen keeps them in process-wide state, which other users of binaryen in the same process
 * (AssemblyScript's compiler among them) change. Traps must never be assumed away (the memory checker's miss path
 * ends in one), and a function clang kept out of line stays out of line (binaryen would inline any function with one
 * caller): the thread loops of in-range chunks are separate so the engine allocates their registers on their own.
 * Low memory counts as unused, so a small constant added to an address becomes the access's offset (one add less
 * per access in a vectorized loop's second vector): that changes only an address that wraps past 4 GiB, which then
 * traps instead of landing in the lowest bytes of memory (the device's own state). A checked access is unaffected:
 * its check tests the address it computed before the optimizer runs.
 */
function useOptimizerSettings(b: Binaryen): () => void {
  const settings: [() => unknown, (value: never) => unknown, unknown][] = [
    [b.getOptimizeLevel, b.setOptimizeLevel, 2],
    [b.getShrinkLevel, b.setShrinkLevel, 0],
    [b.getDebugInfo, b.setDebugInfo, false],
    [b.getTrapsNeverHappen, b.setTrapsNeverHappen, false],
    [b.getClosedWorld, b.setClosedWorld, false],
    [b.getLowMemoryUnused, b.setLowMemoryUnused, true],
    [b.getZeroFilledMemory, b.setZeroFilledMemory, false],
    [b.getFastMath, b.setFastMath, false],
    [b.getAlwaysInlineMaxSize, b.setAlwaysInlineMaxSize, 2],
    [b.getFlexibleInlineMaxSize, b.setFlexibleInlineMaxSize, 20],
    [b.getOneCallerInlineMaxSize, b.setOneCallerInlineMaxSize, 20],
    [b.getAllowInliningFunctionsWithLoops, b.setAllowInliningFunctionsWithLoops, false],
  ];
  const previous = settings.map(([get]) => get());
  for (const [, set, value] of settings) set(value as never);
  return () => settings.forEach(([, set], i) => set(previous[i] as never));
}

export async function postprocess(wasm: Uint8Array, kernels: readonly string[], options: PostprocessOptions): Promise<KernelModuleImage> {
  const b = await loadBinaryen();
  const m = b.readBinary(wasm);
  const restore = useOptimizerSettings(b);
  try {
    m.setFeatures(m.getFeatures() | b.Features.MutableGlobals);
    const i32 = b.i32;
    const B = classes(b);
    const fns = functions(b, m);
    const byName = new Map(fns.map((f) => [f.name, f]));
    const graph = callGraph(b, fns);
    const coroutine: Record<string, boolean> = {};
    // Entry id → the name it is exported by: the kernel's own name, or a template instantiation's mangled name.
    const exportName = new Map<string, string>();
    for (const k of kernels) {
      if (!byName.has(`__gh_straight_${k}`)) {
        throw new HalError(StatusCode.INVALID_ARGUMENT, `${options.label}: kernel '${k}' was not compiled (is it defined in this source?)`);
      }
      const name = m.getExport(`__gh_kernel_ref_${k}`) ? referencedFunctionName(b, m, `__gh_kernel_ref_${k}`, options.label) : k;
      exportName.set(k, name);
      coroutine[name] = reaches(graph, `__gh_straight_${k}`, '__gh_barrier');
    }
    const heapBase = m.getExport('__heap_base') ? b.getExportInfo(m.getExport('__heap_base')).value : '';
    const heapBaseInit = heapBase === '' ? 0 : b.getGlobalInfo(m.getGlobal(heapBase)).init;
    if (heapBaseInit === 0 || b.getExpressionId(heapBaseInit) !== b.ConstId) {
      throw new HalError(StatusCode.INTERNAL, `${options.label}: the linked module does not export a constant __heap_base`);
    }
    const staticEndAddress = (b.getExpressionInfo(heapBaseInit) as unknown as { value: number }).value >>> 0;
    const staticEnd = new Uint8Array(4);
    new DataView(staticEnd.buffer).setUint32(0, staticEndAddress, true);
    m.addCustomSection('gh.static_end', staticEnd);
    const bound = (name: string): number => {
      const exported = m.getExport(name);
      if (!exported) return 0;
      const init = b.getGlobalInfo(m.getGlobal(b.getExportInfo(exported).value)).init;
      if (init === 0 || b.getExpressionId(init) !== b.ConstId) throw new HalError(StatusCode.INTERNAL, `${options.label}: the linked module's ${name} is not a constant`);
      return (b.getExpressionInfo(init) as unknown as { value: number }).value >>> 0;
    };
    const [deviceStart, deviceEnd] = DEVICE_SECTION_BOUNDS.map(bound) as [number, number];
    const deviceRanges = ([[deviceStart, deviceEnd]] as [number, number][]).filter(([s, e]) => e > s);
    m.addCustomSection(DEVICE_GLOBALS_SECTION, deviceGlobalsSection(m, deviceStart, deviceEnd));
    // Nothing the link exported stays exported (the runtime helpers, the bounds, every kernel under its symbol
    // name): only the entry points added below.
    for (let i = m.getNumExports() - 1; i >= 0; i--) m.removeExport(b.getExportInfo(m.getExportByIndex(i)).name);
    for (const k of kernels) {
      const name = exportName.get(k)!;
      m.addFunctionExport(coroutine[name] ? `__gh_coroutine_${k}` : `__gh_straight_${k}`, name);
    }
    // The table entries that named the instantiations are not needed at run time (nothing calls through them).
    const withElements = m as BModule & { getNumElementSegments(): number; getElementSegmentByIndex(i: number): number; removeElementSegment(name: string): void };
    for (let i = withElements.getNumElementSegments() - 1; i >= 0; i--) {
      withElements.removeElementSegment(b.getElementSegmentInfo(withElements.getElementSegmentByIndex(i)).name);
    }
    const usesStack = fns.some((f) => !f.imported && !RUNTIME_HELPERS.has(f.name) && (() => {
      let found = false;
      walk(b, b.getFunctionInfo(f.ref).body, (e) => {
        const id = b.getExpressionId(e);
        if ((id === b.GlobalGetId && classes(b).GlobalGet.getName(e) === '__stack_pointer') || (id === b.GlobalSetId && classes(b).GlobalSet.getName(e) === '__stack_pointer')) found = true;
      });
      return found;
    })());
    const anyCoroutine = Object.values(coroutine).some((c) => c);

    // Globals the replaced imports read and write.
    const zero = () => m.i32.const(0);
    for (const g of ['args', 'async_buffer', 'stack_lo', 'stack_hi', 'lo0', 'hi0', 'lo1', 'hi1', 'budget', 'launch_seed']) {
      m.addGlobal(`__gh_${g}`, i32, true, zero());
    }
    m.addGlobalImport('__gh_thread_memory_base', 'gh', 'thread_memory', i32, false);
    m.addGlobalImport('__gh_explore_every_workgroup', 'gh', 'explore_every_workgroup', i32, false);
    if (deviceRanges.length > 0) m.addGlobalImport('__gh_device_globals_base', 'gh', 'device_globals', i32, false);
    // Copies of the device-wide variables between their own device memory and their linked place in the scratch.
    const deviceCopies = (inward: boolean): number => {
      let at = 0;
      const copies = deviceRanges.map(([start, end]) => {
        const home = m.i32.add(m.global.get('__gh_device_globals_base', i32), m.i32.const(at));
        at += end - start;
        const linked = m.i32.const(start);
        return m.memory.copy(inward ? linked : home, inward ? home : linked, m.i32.const(end - start));
      });
      return copies.length === 0 ? m.nop() : m.block(null, copies, b.none);
    };

    // Instrument kernel code: every function compiled from the source, except the two slow-path helpers.
    const instrumented = fns.filter((f) => !f.imported && !RUNTIME_HELPERS.has(f.name) && f.name !== '__wasm_init_memory');
    // Memory checks: each access checks its address against two cached windows (a binding, the shared scratch or
    // the stack), held in locals of the function so the engine keeps them in registers. A miss searches the
    // workgroup's windows inline (the shared scratch, the thread's stack, each binding of the argument block) and
    // caches the one found, in the locals and in globals; only when none holds the access does it call the C++
    // slow path, which records the fault and traps. No call returns into the kernel's code: a call that may
    // return, even on a cold path, makes V8 keep the loop's values where the call cannot clobber them, which cost
    // more than the checks themselves. A function starts from the globals, which always hold windows valid for the
    // running workgroup and thread (a new workgroup or thread stack clears them); an entry point starts from empty
    // windows, because it runs before its own workgroup's bindings are set.
    //
    // The loop budget: every loop iteration counts down a local; each LOOP_BUDGET_BLOCK iterations are charged to
    // the workgroup's budget (a global), and a workgroup that has spent it faults. Counting in a local keeps the
    // global out of every loop; iterations a call has not yet charged when it returns are not counted, so the
    // budget is approximate, but a loop that never ends always keeps charging its own block.
    const windows = ['__gh_lo0', '__gh_hi0', '__gh_lo1', '__gh_hi1'];
    for (const f of instrumented) {
      const info = b.getFunctionInfo(f.ref);
      const base = b.expandType(info.params).length + info.vars.length;
      const tmp = base, win = (k: number) => base + 1 + k, counter = base + 5;
      const found = { lo: base + 6, hi: base + 7, index: base + 8, count: base + 9 };
      // Expressions the instrumentation itself creates (the inline search): never instrumented again.
      const generated = new Set<number>();
      const get = (k: number) => m.local.get(win(k), i32);
      const reload = () => windows.map((g, k) => m.local.set(win(k), m.global.get(g, i32)));
      // Accesses at a constant address inside the module's statics (the built-in variables, scalar __shared__
      // variables) always lie in the workgroup's scratch: they need no check.
      const staticAccess = (ptr: number, offset: number, bytes: number) => {
        if (b.getExpressionId(ptr) !== b.ConstId) return false;
        const at = ((b.getExpressionInfo(ptr) as unknown as { value: number }).value >>> 0) + offset;
        return at >= options.staticStart && at + bytes <= staticEndAddress;
      };
      // In a function that cannot reach a barrier (a straight entry, where the thread loop of a barrier-free kernel
      // is inlined, and the thread loops of in-range chunks) the first SITE_WINDOWS
      // access sites also keep a window of their own, tried first: a site nearly always touches the same binding,
      // so a hit costs one test however many bindings the loop alternates between. A site window is its start and
      // the last start address it admits for this site's access size: one subtraction and one unsigned compare
      // (an address below the start wraps to a large difference). It starts as (0xffffffff, 0), which admits only
      // the address 0xffffffff, where any access traps anyway. (Not in coroutine code: every local there adds to the
      // state Asyncify saves per thread.)
      const siteWindows = reaches(graph, f.name, '__gh_barrier') ? 0 : SITE_WINDOWS;
      const siteLo = (s: number) => base + 10 + 2 * s, siteLast = (s: number) => base + 11 + 2 * s;
      // Innermost loops whose strided accesses get check-free iterations (check_free_loops.ts): each such access
      // keeps a site window of its own (reserved first), which the loop's test reads; its copy in the unchecked
      // body stays uninstrumented.
      const forcedSite = new Map<number, number>();
      const trusted = new Set<number>();
      // Loops that count the budget themselves (the unchecked bodies of check-free loops).
      const budgeted = new Set<number>();
      let splitLoops = 0;
      if (options.memoryChecks && siteWindows > 0) {
        const scratch: [number, number] = [base + 10 + 2 * siteWindows, base + 11 + 2 * siteWindows];
        for (const loop of findCheckFreeLoops(b, info.body)) {
          if (forcedSite.size + loop.accesses.length > siteWindows) break;
          for (const access of loop.accesses) forcedSite.set(access.expr, forcedSite.size);
          const split = splitCheckFreeLoop(b, m, loop,
            (access) => ({ lo: siteLo(forcedSite.get(access.expr)!), last: siteLast(forcedSite.get(access.expr)!) }),
            [win(0), win(1), win(2), win(3)], base + 12 + 2 * siteWindows + splitLoops, scratch, counter, `unchecked${splitLoops}`);
          for (const e of split.trusted) trusted.add(e);
          budgeted.add(split.fastLoop);
          splitLoops++;
        }
      }
      let checks = 0;
      let nextSite = forcedSite.size;
      const check = (ptr: number, offset: number, bytes: number, forced?: number): number => {
        if (staticAccess(ptr, offset, bytes)) return ptr;
        const site = forced ?? (nextSite < siteWindows ? nextSite++ : -1);
        checks++;
        const at = () => m.local.get(tmp, i32);
        const within = (lo: number, hi: number) => m.i32.and(
          m.i32.ge_u(m.i32.add(at(), m.i32.const(offset | 0)), m.local.get(lo, i32)),
          m.i32.le_u(m.i32.add(at(), m.i32.const((offset + bytes) | 0)), m.local.get(hi, i32)));
        // Only after a hit: the window holds at least this access, so hi - lo - bytes does not wrap.
        const adopt = (k: number) => site < 0 ? [] : [
          m.local.set(siteLo(site), get(2 * k)),
          m.local.set(siteLast(site), m.i32.sub(m.i32.sub(get(2 * k + 1), get(2 * k)), m.i32.const(bytes))),
        ];
        // The inline search: [found.lo, found.hi) is a candidate window; the access [a, e) must lie in it (e < a
        // means the end wrapped past 4 GiB, which no window holds).
        const a = () => m.i32.add(at(), m.i32.const(offset | 0));
        const e = () => m.i32.add(at(), m.i32.const((offset + bytes) | 0));
        const fits = () => m.i32.and(m.i32.and(m.i32.ge_u(a(), m.local.get(found.lo, i32)), m.i32.le_u(e(), m.local.get(found.hi, i32))), m.i32.ge_u(e(), a()));
        const word = (address: number) => { const load = m.i32.load(0, 4, address); generated.add(load); return load; };
        const args = () => m.global.get('__gh_args', i32);
        const candidate = (lo: number, length: number) => [
          m.local.set(found.lo, lo), m.local.set(found.hi, m.i32.add(m.local.get(found.lo, i32), length))];
        const label = `gh_check_${checks}`;
        const scan = m.loop(`${label}_scan`, m.block(null, [
          m.br(`${label}_missing`, m.i32.ge_u(m.local.get(found.index, i32), m.local.get(found.count, i32))),
          ...candidate(word(m.i32.add(args(), m.i32.add(m.i32.const(56), m.i32.shl(m.local.get(found.index, i32), m.i32.const(3))))),
            word(m.i32.add(args(), m.i32.add(m.i32.const(60), m.i32.shl(m.local.get(found.index, i32), m.i32.const(3)))))),
          m.br(`${label}_found`, fits()),
          m.local.set(found.index, m.i32.add(m.local.get(found.index, i32), m.i32.const(1))),
          m.br(`${label}_scan`),
        ]));
        generated.add(scan);
        const search = m.block(`${label}_found`, [
          m.block(`${label}_missing`, [
            ...candidate(word(m.i32.add(args(), m.i32.const(48))), word(m.i32.add(args(), m.i32.const(52)))),
            m.br(`${label}_found`, fits()),
            m.local.set(found.lo, m.global.get('__gh_stack_lo', i32)), m.local.set(found.hi, m.global.get('__gh_stack_hi', i32)),
            m.br(`${label}_found`, fits()),
            m.local.set(found.count, word(m.i32.add(args(), m.i32.const(16)))),
            m.local.set(found.index, m.i32.const(0)),
            scan,
          ]),
          // No window holds the access: the C++ slow path records the fault and traps.
          m.drop(m.call('__gh_check_slow', [at(), m.i32.const(offset | 0), m.i32.const(bytes)], i32)),
          m.unreachable(),
        ]);
        const remember = [
          m.local.set(win(2), get(0)), m.local.set(win(3), get(1)),
          m.local.set(win(0), m.local.get(found.lo, i32)), m.local.set(win(1), m.local.get(found.hi, i32)),
          ...windows.map((g, k) => m.global.set(g, get(k))),
        ];
        const shared = m.if(within(win(0), win(1)), m.block(null, [...adopt(0), at()], i32),
          m.if(within(win(2), win(3)), m.block(null, [...adopt(1), at()], i32), m.block(null, [
            search,
            ...remember,
            ...adopt(0),
            at(),
          ], i32)));
        return m.block(null, [
          m.local.set(tmp, ptr),
          site < 0 ? shared : m.if(
            m.i32.le_u(m.i32.sub(m.i32.add(at(), m.i32.const(offset | 0)), m.local.get(siteLo(site), i32)), m.local.get(siteLast(site), i32)),
            at(), shared),
        ], i32);
      };
      if (options.memoryChecks) {
        walk(b, info.body, (e) => {
          if (generated.has(e)) return;
          const access = memoryAccess(b, e);
          if (access !== undefined) {
            if (!trusted.has(e)) access.setPtr(check(access.ptr, access.offset, access.bytes, forcedSite.get(e)));
            return;
          }
          const id = b.getExpressionId(e);
          if (id === b.MemoryFillId || id === b.MemoryCopyId) {
            throw new HalError(StatusCode.INVALID_ARGUMENT, `${options.label}: memory checks cannot yet instrument bulk memory operations (in ${f.name}); compile with memory checks off`);
          }
        });
      }
      let loops = 0;
      walk(b, info.body, (e) => {
        if (b.getExpressionId(e) !== b.LoopId || generated.has(e) || budgeted.has(e)) return;
        loops++;
        const body = B.Loop.getBody(e);
        const tick = m.if(m.i32.eqz(m.local.tee(counter, m.i32.sub(m.local.get(counter, i32), m.i32.const(1)), i32)), m.block(null, [
          m.local.set(counter, m.i32.const(LOOP_BUDGET_BLOCK)),
          m.global.set('__gh_budget', m.i32.sub(m.global.get('__gh_budget', i32), m.i32.const(LOOP_BUDGET_BLOCK))),
          // The helper records the fault and traps; the unreachable after its call tells the engine so, which
          // keeps the loop's values in registers (a call that could return makes the engine keep them across it,
          // spilled to the stack on every iteration).
          m.if(m.i32.le_s(m.global.get('__gh_budget', i32), m.i32.const(0)), m.block(null, [m.call('__gh_budget_exhausted', [], b.none), m.unreachable()])),
        ], b.none));
        B.Loop.setBody(e, m.block(null, [tick, body], b.getExpressionType(body)));
      });
      if (checks === 0 && loops === 0) continue;
      // The same function with more locals (the address, the windows, the loop counter, the search, the site
      // windows), started as above.
      const entry = f.name.startsWith('__gh_straight_') || f.name.startsWith('__gh_coroutine_');
      const start = [
        ...(checks === 0 ? [] : entry ? windows.map((_g, k) => m.local.set(win(k), m.i32.const(0))) : reload()),
        ...(loops === 0 ? [] : [m.local.set(counter, m.i32.const(LOOP_BUDGET_BLOCK))]),
      ];
      const results = info.results;
      m.removeFunction(f.name);
      const sites = splitLoops > 0 ? siteWindows : Math.min(checks, siteWindows);
      for (let k = 0; k < sites; k++) start.push(m.local.set(siteLo(k), m.i32.const(-1)), m.local.set(siteLast(k), m.i32.const(0)));
      m.addFunction(f.name, info.params, results, [...info.vars, ...new Array<number>(10 + 2 * sites + (splitLoops > 0 ? 2 + splitLoops : 0)).fill(i32)],
        m.block(null, [...start, info.body], results === b.none ? b.none : results));
    }

    if (anyCoroutine) {
      b.setPassArgument('asyncify-imports', 'gh.barrier');
      b.setPassArgument('asyncify-removelist', '__gh_straight_*,__gh_coroutine_*,__gh_check_slow,__gh_budget_exhausted');
      b.setPassArgument('asyncify-ignore-indirect', '');
      m.runPasses(['asyncify']);
      b.setPassArgument('asyncify-imports', null);
      b.setPassArgument('asyncify-removelist', null);
      b.setPassArgument('asyncify-ignore-indirect', null);
    }

    const clearWindows = () => m.block(null, windows.map((g) => m.global.set(g, zero())), b.none);
    // The header's imports become wasm bodies.
    const body: Record<string, [number[], number, () => number]> = {
      __gh_load_word: [[i32], i32, () => m.i32.load(0, 4, m.local.get(0, i32))],
      __gh_load_pair: [[i32], b.i64, () => m.i64.load(0, 4, m.local.get(0, i32))],
      __gh_store_word: [[i32, i32], b.none, () => m.i32.store(0, 4, m.local.get(0, i32), m.local.get(1, i32))],
      __gh_begin_dispatch: [[i32], b.none, () => m.block(null, [
        m.global.set('__gh_args', m.local.get(0, i32)),
        // The cached windows may name the previous dispatch's bindings.
        clearWindows()])],
      __gh_workgroup_args: [[], i32, () => m.global.get('__gh_args', i32)],
      __gh_reset_budget: [[], b.none, () => m.global.set('__gh_budget', m.i32.const(LOOP_BUDGET))],
      __gh_thread_memory: [[], i32, () => m.global.get('__gh_thread_memory_base', i32)],
      __gh_explore_every_workgroup: [[], i32, () => m.global.get('__gh_explore_every_workgroup', i32)],
      __gh_launch_seed: [[], i32, () => m.global.get('__gh_launch_seed', i32)],
      __gh_set_launch_seed: [[i32], b.none, () => m.global.set('__gh_launch_seed', m.local.get(0, i32))],
      __gh_set_stack: [[i32, i32], b.none, () => m.block(null, [
        ...(usesStack ? [m.global.set('__stack_pointer', m.local.get(0, i32))] : []),
        // Another thread's stack must not stay reachable through a cached window. (The same stack again, as for
        // every workgroup of a barrier-free kernel, keeps them.)
        m.if(m.i32.or(m.i32.ne(m.global.get('__gh_stack_hi', i32), m.local.get(0, i32)), m.i32.ne(m.global.get('__gh_stack_lo', i32), m.local.get(1, i32))),
          clearWindows()),
        m.global.set('__gh_stack_hi', m.local.get(0, i32)), m.global.set('__gh_stack_lo', m.local.get(1, i32))])],
      __gh_stack_lo: [[], i32, () => m.global.get('__gh_stack_lo', i32)],
      __gh_stack_hi: [[], i32, () => m.global.get('__gh_stack_hi', i32)],
      __gh_set_window: [[i32, i32], b.none, () => m.block(null, [
        m.global.set('__gh_lo1', m.global.get('__gh_lo0', i32)), m.global.set('__gh_hi1', m.global.get('__gh_hi0', i32)),
        m.global.set('__gh_lo0', m.local.get(0, i32)), m.global.set('__gh_hi0', m.local.get(1, i32))])],
      __gh_set_async_buffer: [[i32], b.none, () => m.global.set('__gh_async_buffer', m.local.get(0, i32))],
      __gh_barrier: [[], b.none, () => anyCoroutine
        ? m.if(m.i32.eq(m.call('asyncify_get_state', [], i32), m.i32.const(2)),
          m.call('asyncify_stop_rewind', [], b.none),
          m.call('asyncify_start_unwind', [m.global.get('__gh_async_buffer', i32)], b.none))
        : m.unreachable()],
      __gh_async_start_rewind: [[i32], b.none, () => anyCoroutine ? m.call('asyncify_start_rewind', [m.local.get(0, i32)], b.none) : m.unreachable()],
      __gh_async_stop_unwind: [[], b.none, () => anyCoroutine ? m.call('asyncify_stop_unwind', [], b.none) : m.unreachable()],
      __gh_async_unwinding: [[], i32, () => anyCoroutine ? m.i32.eq(m.call('asyncify_get_state', [], i32), m.i32.const(1)) : zero()],
      __gh_init_statics: [[], b.none, () => initStatics(b, m, options.label)],
      __gh_device_globals_in: [[], b.none, () => deviceCopies(true)],
      __gh_device_globals_out: [[], b.none, () => deviceCopies(false)],
    };
    for (const f of functions(b, m)) {
      if (!f.imported) continue;
      const info = b.getFunctionInfo(f.ref);
      if (info.module !== 'gh' || DEVICE_IMPORTS.has(info.base ?? '')) continue;
      const replacement = body[f.name];
      if (replacement === undefined) {
        throw new HalError(StatusCode.INVALID_ARGUMENT, `${options.label}: the kernel uses ${info.module}.${info.base}, which the simulator does not provide`);
      }
      m.removeFunction(f.name);
      m.addFunction(f.name, b.createType(replacement[0]), replacement[1], [], replacement[2]());
    }
    for (const f of functions(b, m)) {
      if (!f.imported) continue;
      const info = b.getFunctionInfo(f.ref);
      if (!(info.module === 'gh' && DEVICE_IMPORTS.has(info.base ?? ''))) {
        throw new HalError(StatusCode.INVALID_ARGUMENT,
          `${options.label}: the kernel calls ${info.base}, which is declared but never defined (device code cannot call host or library functions)`);
      }
    }
    for (const name of ['asyncify_start_unwind', 'asyncify_stop_unwind', 'asyncify_start_rewind', 'asyncify_stop_rewind', 'asyncify_get_state']) {
      if (m.getExport(name)) m.removeExport(name);
    }
    if (m.getExport('__gh_check_slow')) m.removeExport('__gh_check_slow');
    m.optimize();
    if (!m.validate()) throw new HalError(StatusCode.INTERNAL, `${options.label}: the post-processed kernel module does not validate`);
    return { wasm: m.emitBinary(), kernels: coroutine, threadMemory: anyCoroutine || usesStack };
  } finally {
    restore();
    m.dispose();
  }
}

/** Stores that rewrite the module's initialized static data (its active data segments) into the scratch. */
function initStatics(b: Binaryen, module: BModule, label: string): number {
  const m = module as BModule & {
    getNumDataSegments(): number;
    getDataSegmentByIndex(i: number): number;
    getDataSegmentInfo(segment: number): { offset: number; data: ArrayBuffer; passive: boolean };
  };
  const stores: number[] = [];
  let total = 0;
  for (let i = 0; i < m.getNumDataSegments(); i++) {
    const info = m.getDataSegmentInfo(m.getDataSegmentByIndex(i));
    const data = new Uint8Array(info.data);
    total += data.length;
    if (total > MAX_INITIALIZED_BYTES) {
      throw new HalError(StatusCode.INVALID_ARGUMENT, `${label}: the kernel has more than ${MAX_INITIALIZED_BYTES} bytes of initialized static data (constant tables); the simulator copies them into every workgroup`);
    }
    if (data.every((x) => x === 0)) continue;
    const view = new DataView(info.data);
    let at = 0;
    for (; at + 4 <= data.length; at += 4) {
      stores.push(m.i32.store(0, 1, m.i32.const(info.offset + at), m.i32.const(view.getInt32(at, true))));
    }
    for (; at < data.length; at++) stores.push(m.i32.store8(0, 1, m.i32.const(info.offset + at), m.i32.const(data[at]!)));
  }
  return stores.length === 0 ? m.nop() : m.block(null, stores, b.none);
}

/** The `gh.device_globals` section: the device-wide range and its initial bytes. */
function deviceGlobalsSection(module: BModule, start: number, end: number): Uint8Array {
  const m = module as BModule & {
    getNumDataSegments(): number;
    getDataSegmentByIndex(i: number): number;
    getDataSegmentInfo(segment: number): { offset: number; data: ArrayBuffer; passive: boolean };
  };
  const bytes = Math.max(0, end - start);
  const out = new Uint8Array(8 + bytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, start, true);
  view.setUint32(4, end, true);
  for (let i = 0; i < m.getNumDataSegments() && bytes > 0; i++) {
    const info = m.getDataSegmentInfo(m.getDataSegmentByIndex(i));
    const data = new Uint8Array(info.data);
    const from = Math.max(info.offset, start);
    const to = Math.min(info.offset + data.length, end);
    if (to > from) out.set(data.subarray(from - info.offset, to - info.offset), 8 + from - start);
  }
  return out;
}

/**
 * The symbol (mangled) name of the function whose table index the exported function `ref` returns: how a template
 * instantiation's entry learns the name the GPU's module knows it by. The table names the function by its
 * internal (demangled) name; the link exported every kernel under its symbol name.
 */
function referencedFunctionName(b: Binaryen, module: BModule, ref: string, label: string): string {
  const internal = referencedFunction(b, module, ref);
  for (let i = 0; internal !== undefined && i < module.getNumExports(); i++) {
    const info = b.getExportInfo(module.getExportByIndex(i));
    if (info.kind === b.ExternalFunction && info.value === internal && !info.name.startsWith('__gh_')) return info.name;
  }
  throw new HalError(StatusCode.INTERNAL, `${label}: cannot tell which function the template instantiation ${ref} names`);
}

function referencedFunction(b: Binaryen, module: BModule, ref: string): string | undefined {
  const m = module as BModule & { getNumElementSegments(): number; getElementSegmentByIndex(i: number): number };
  const body = b.getFunctionInfo(m.getFunction(b.getExportInfo(m.getExport(ref)).value)).body;
  const value = b.getExpressionId(body) === b.ConstId ? (b.getExpressionInfo(body) as unknown as { value: number }).value
    : b.getExpressionId(body) === b.ReturnId ? constValue(b, (b.getExpressionInfo(body) as unknown as { value: number }).value) : undefined;
  for (let i = 0; value !== undefined && i < m.getNumElementSegments(); i++) {
    const info = b.getElementSegmentInfo(m.getElementSegmentByIndex(i)) as unknown as { offset: number; data: string[] };
    const offset = constValue(b, info.offset);
    if (offset !== undefined && value >= offset && value < offset + info.data.length) return info.data[value - offset]!;
  }
  return undefined;
}

function constValue(b: Binaryen, expr: number): number | undefined {
  return expr !== 0 && b.getExpressionId(expr) === b.ConstId ? (b.getExpressionInfo(expr) as unknown as { value: number }).value : undefined;
}
