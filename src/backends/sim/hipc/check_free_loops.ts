/**
 * Check-free iterations: the memory checks of an innermost loop's strided accesses, moved from every iteration to
 * one test per stretch of iterations.
 *
 * A vectorized (or plain) thread loop walks its bindings with pointer induction variables: locals that the loop
 * sets exactly once per iteration, to themselves plus a constant. An access whose address is such a local moves by
 * a known step every iteration, so whether the next N iterations stay inside the window its check last admitted is
 * arithmetic on the local's current value. The loop becomes
 *
 *     if (safe == 0) safe = iterations every strided access stays inside its site window (0 if one is outside now),
 *                          and fewer than the loop budget's counter has left
 *     if (safe != 0) { limit = budget - safe
 *                      loop { budget -= 1; <the body, strided accesses unchecked>; while the loop goes on and budget != limit }
 *                      safe = 0 }
 *     else <the body, every access checked>
 *
 * When the loop's exit test is a counter that must land on a value the loop never changes (`while (--n)`,
 * `while (i != end)`), and nothing else leaves the loop, the stretch is also at most the iterations until the counter
 * lands there, and the counter alone bounds the inner loop:
 *
 *     if (safe != 0) { budget -= safe; limit = counter + safe * step
 *                      loop { <the body, strided accesses unchecked>; update the counter; while counter != limit }
 *                      if (counter == end) leave the loop
 *                      safe = 0 }
 *
 * so the hot loop tests one counter, as the loop itself did, instead of its own and the budget's.
 *
 * The unchecked body runs as an inner loop of its own, so the engine allocates the hot loop's registers without the
 * checked body's values. An access is never performed unchecked unless the test proved it inside a window: a miss,
 * a fault or a window change always happens in the checked body, and the test runs again after it. `safe` is
 * cleared before the loop is entered, because another entry may start from other addresses. Accesses whose address
 * is anything else keep their checks in both bodies.
 *
 * Only loops with a simple shape qualify (checked by `findCheckFreeLoops`): an innermost loop, directly inside a
 * block, whose body is a block of type none, never branched to, ending in its only branch back to the loop.
 */
import { memoryAccess } from './wasm_access.js';
import { children, walk } from './wasm_tree.js';

type Binaryen = typeof import('binaryen').default;
type BModule = InstanceType<Binaryen['Module']>;

/** Safe iterations granted by one test at most (keeps the arithmetic far from wrapping). */
const MAX_STRETCH = 1 << 24;
/** Largest distance, in bytes, of a strided access from its induction variable (keeps every span below 2^30 bytes). */
const MAX_OFFSET = 1 << 29;
/** Largest trip counter step: 2^32 / MAX_TRIP_STEP iterations exceed MAX_STRETCH, so a stretch ends on its limit first. */
const MAX_TRIP_STEP = 128;

export interface StridedAccess {
  /** The access expression in the checked body. */
  readonly expr: number;
  /** Local holding its address: an induction variable of the loop. */
  readonly local: number;
  /** Bytes the address moves per iteration (negative when descending). */
  readonly step: number;
  /** The address at this access, minus the local's value at the start of the iteration. */
  readonly lead: number;
  readonly offset: number;
  readonly bytes: number;
}

/**
 * The loop's own exit test, when the stretch can count it: the back edge continues while a counter, after its update
 * in this iteration, differs from a value the loop never changes, and nothing else leaves the loop.
 */
export interface TripCounter {
  /** The counter: set once per iteration, to itself plus `step`. */
  readonly local: number;
  /** A power of two, at most MAX_TRIP_STEP, of either sign (so a stretch never wraps the counter past its end). */
  readonly step: number;
  /** The value that ends the loop: a constant, or a local the loop never sets. */
  readonly end: { readonly constant: number } | { readonly local: number };
}

export interface CheckFreeLoop {
  readonly loop: number;
  /** The block holding the loop, and the loop's index in it. */
  readonly parent: number;
  readonly index: number;
  readonly accesses: readonly StridedAccess[];
  readonly trip?: TripCounter;
}

interface ExpressionClasses {
  Block: { getName(e: number): string | null; getChildren(e: number): number[]; setChildAt(e: number, i: number, c: number): void; setName(e: number, n: string): void };
  Loop: { getName(e: number): string; getBody(e: number): number; setBody(e: number, body: number): void; setName(e: number, n: string): void };
  Break: { getName(e: number): string; getCondition(e: number): number; setName(e: number, n: string): void };
  Switch: { getNames(e: number): string[]; getDefaultName(e: number): string; setNameAt(e: number, i: number, n: string): void; setDefaultName(e: number, n: string): void };
  LocalSet: { getIndex(e: number): number; isTee(e: number): boolean; getValue(e: number): number };
  LocalGet: { getIndex(e: number): number };
  Binary: { getOp(e: number): number; getLeft(e: number): number; getRight(e: number): number };
  Const: { getValueI32(e: number): number };
}
const classes = (b: Binaryen): ExpressionClasses => b as unknown as ExpressionClasses;

/** Expression ids whose control flow the analysis cannot follow (exceptions, typed branches). */
function unsupported(b: Binaryen): Set<number> {
  const ids = b as unknown as Record<string, number | undefined>;
  return new Set(['TryId', 'TryTableId', 'ThrowId', 'RethrowId', 'ThrowRefId', 'BrOnId', 'ReturnCallId'].map((k) => ids[k]).filter((v): v is number => v !== undefined));
}

/**
 * Innermost loops of `body` with at least one strided access, and those accesses.
 */
export function findCheckFreeLoops(b: Binaryen, body: number): CheckFreeLoop[] {
  const C = classes(b);
  const bad = unsupported(b);
  const found: CheckFreeLoop[] = [];
  const visit = (expr: number, parent: number, index: number): void => {
    if (b.getExpressionId(expr) === b.LoopId && parent !== 0) {
      const candidate = analyse(expr, parent, index);
      if (candidate !== undefined) found.push(candidate);
    }
    const kids = children(b, expr);
    const isBlock = b.getExpressionId(expr) === b.BlockId;
    kids.forEach((child, i) => visit(child, isBlock ? expr : 0, i));
  };
  const subtree = (root: number): number[] => {
    const out: number[] = [];
    walk(b, root, (e) => out.push(e));
    return out;
  };
  const analyse = (loop: number, parent: number, index: number): CheckFreeLoop | undefined => {
    const name = C.Loop.getName(loop);
    const body = C.Loop.getBody(loop);
    if (!name || b.getExpressionId(body) !== b.BlockId || b.getExpressionType(body) !== b.none) return undefined;
    const statements = C.Block.getChildren(body);
    const all = subtree(body);
    const sets = new Map<number, number[]>();
    let backEdges = 0;
    for (const e of all) {
      const id = b.getExpressionId(e);
      if (id === b.LoopId || bad.has(id)) return undefined;
      if (id === b.LocalSetId) sets.set(C.LocalSet.getIndex(e), [...(sets.get(C.LocalSet.getIndex(e)) ?? []), e]);
      if (id === b.BreakId && C.Break.getName(e) === name) backEdges++;
      if (id === b.SwitchId && [...C.Switch.getNames(e), C.Switch.getDefaultName(e)].includes(name)) return undefined;
    }
    // A branch to the body block itself would leave the loop from the middle of the copy, whose statements move into
    // another block: such loops are left alone.
    const bodyName = C.Block.getName(body);
    if (bodyName && all.some((e) => (b.getExpressionId(e) === b.BreakId && C.Break.getName(e) === bodyName) ||
      (b.getExpressionId(e) === b.SwitchId && [...C.Switch.getNames(e), C.Switch.getDefaultName(e)].includes(bodyName)))) return undefined;
    const last = statements[statements.length - 1];
    if (backEdges !== 1 || last === undefined || b.getExpressionId(last) !== b.BreakId || C.Break.getName(last) !== name) return undefined;
    // Induction variables: set once per iteration, by a statement of the body itself, to themselves ± a constant.
    const inductions = new Map<number, { step: number; statement: number }>();
    statements.forEach((s, i) => {
      if (b.getExpressionId(s) !== b.LocalSetId || C.LocalSet.isTee(s)) return;
      const local = C.LocalSet.getIndex(s);
      if (sets.get(local)?.length !== 1) return;
      const step = selfStep(s, local);
      if (step !== undefined) inductions.set(local, { step, statement: i });
    });
    if (inductions.size === 0) return undefined;
    // An address is an induction variable, or one plus a constant (an unrolled or interleaved loop reaches its
    // second vector that way), either directly, through a tee, or through a local such a tee set earlier in the
    // iteration (a derived local: set once in the body, by a tee that always runs before the access).
    const inductionPlus = (e: number): { local: number; add: number } | undefined => {
      let x = e;
      while (b.getExpressionId(x) === b.LocalSetId && C.LocalSet.isTee(x)) x = C.LocalSet.getValue(x);
      const id = b.getExpressionId(x);
      if (id === b.LocalGetId) return inductions.has(C.LocalGet.getIndex(x)) ? { local: C.LocalGet.getIndex(x), add: 0 } : undefined;
      if (id !== b.BinaryId || C.Binary.getOp(x) !== b.AddInt32) return undefined;
      const [l, r] = [C.Binary.getLeft(x), C.Binary.getRight(x)];
      const [get, constant] = b.getExpressionId(l) === b.LocalGetId ? [l, r] : [r, l];
      if (b.getExpressionId(get) !== b.LocalGetId || !inductions.has(C.LocalGet.getIndex(get))) return undefined;
      if (b.getExpressionId(constant) !== b.ConstId || b.getExpressionType(constant) !== b.i32) return undefined;
      return { local: C.LocalGet.getIndex(get), add: C.Const.getValueI32(constant) };
    };
    // Each statement in evaluation order (operands left to right, then the operation: the order of binaryen's
    // expression info, see wasm_tree.ts), with whether the expression is `uncertain`: control flow lies above it in
    // its statement (it may not run), or an indirect call does, whose target binaryen lists before the operands that
    // run first (it may run in another order than listed). An uncertain tee never makes a derived local.
    const ids = b as unknown as Record<string, number | undefined>;
    const listedOutOfOrder = new Set([ids['CallIndirectId'], ids['CallRefId']].filter((v): v is number => v !== undefined));
    const ordered = statements.map((statement) => {
      const out: { expr: number; conditional: boolean }[] = [];
      const visit = (e: number, conditional: boolean): void => {
        const id = b.getExpressionId(e);
        const control = id === b.BlockId || id === b.IfId || id === b.LoopId || id === b.BreakId || id === b.SwitchId || listedOutOfOrder.has(id);
        for (const child of children(b, e)) visit(child, conditional || control);
        out.push({ expr: e, conditional });
      };
      visit(statement, false);
      return out;
    });
    const derived = new Map<number, { local: number; add: number; statement: number; position: number }>();
    ordered.forEach((list, i) => list.forEach(({ expr, conditional }, position) => {
      if (conditional || b.getExpressionId(expr) !== b.LocalSetId) return;
      const local = C.LocalSet.getIndex(expr);
      const base = inductionPlus(C.LocalSet.getValue(expr));
      if (base !== undefined && !inductions.has(local) && sets.get(local)?.length === 1) derived.set(local, { ...base, statement: i, position });
    }));
    const accesses: StridedAccess[] = [];
    ordered.forEach((list, i) => {
      const positions = new Map(list.map(({ expr }, position) => [expr, position]));
      for (const { expr: e } of list) {
        const access = memoryAccess(b, e);
        if (access === undefined) continue;
        let base: { local: number; add: number; statement: number } | undefined;
        const direct = inductionPlus(access.ptr);
        if (direct !== undefined) {
          base = { ...direct, statement: i };
        } else if (b.getExpressionId(access.ptr) === b.LocalGetId) {
          // The derived local's tee must run before the address is read.
          const d = derived.get(C.LocalGet.getIndex(access.ptr));
          if (d !== undefined && (d.statement < i || (d.statement === i && d.position < positions.get(access.ptr)!))) base = d;
        }
        if (base === undefined) continue;
        // Accesses far from the pointer (a memarg offset is unsigned, an added constant may be anything) stay
        // checked: the stretch test's span arithmetic assumes spans far below 2^31 bytes.
        const offset = (access.offset >>> 0) + base.add;
        if (Math.abs(offset) >= MAX_OFFSET) continue;
        const induction = inductions.get(base.local)!;
        if (induction.statement === base.statement) continue;
        accesses.push({
          expr: e, local: base.local, step: induction.step,
          lead: base.statement > induction.statement ? induction.step : 0, offset, bytes: access.bytes,
        });
      }
    });
    if (accesses.length === 0) return undefined;
    const trip = tripCounter(last, all, sets, inductions);
    return trip === undefined ? { loop, parent, index, accesses } : { loop, parent, index, accesses, trip };
  };
  /**
   * The back edge's counter (see TripCounter), or undefined. The counter is read after its update: through a tee in
   * the back edge's condition (the counter's only set), or as an induction variable the body updated earlier.
   */
  const tripCounter = (backEdge: number, all: readonly number[], sets: ReadonlyMap<number, number[]>,
    inductions: ReadonlyMap<number, { step: number }>): TripCounter | undefined => {
    // Only the back edge may leave the iteration early: a stretch charges the budget for all its iterations up front.
    const inner = new Set(all.filter((e) => b.getExpressionId(e) === b.BlockId).map((e) => C.Block.getName(e)).filter((n) => n));
    for (const e of all) {
      const id = b.getExpressionId(e);
      if (id === b.ReturnId) return undefined;
      if (id === b.BreakId && e !== backEdge && !inner.has(C.Break.getName(e))) return undefined;
      if (id === b.SwitchId && ![...C.Switch.getNames(e), C.Switch.getDefaultName(e)].every((n) => inner.has(n))) return undefined;
    }
    const condition = C.Break.getCondition(backEdge);
    if (!condition) return undefined;
    let counter = condition, end: TripCounter['end'] = { constant: 0 };
    if (b.getExpressionId(condition) === b.BinaryId && C.Binary.getOp(condition) === b.NeInt32) {
      const invariant = (e: number): TripCounter['end'] | undefined => {
        const id = b.getExpressionId(e);
        if (id === b.ConstId) return { constant: C.Const.getValueI32(e) };
        if (id === b.LocalGetId && !sets.has(C.LocalGet.getIndex(e))) return { local: C.LocalGet.getIndex(e) };
        return undefined;
      };
      const [l, r] = [C.Binary.getLeft(condition), C.Binary.getRight(condition)];
      const right = invariant(r), left = invariant(l);
      if (right !== undefined) [counter, end] = [l, right];
      else if (left !== undefined) [counter, end] = [r, left];
      else return undefined;
    }
    let local: number, step: number | undefined;
    if (b.getExpressionId(counter) === b.LocalSetId && C.LocalSet.isTee(counter)) {
      local = C.LocalSet.getIndex(counter);
      if (sets.get(local)?.length !== 1) return undefined;
      step = selfStep(counter, local);
    } else if (b.getExpressionId(counter) === b.LocalGetId) {
      local = C.LocalGet.getIndex(counter);
      step = inductions.get(local)?.step;
    } else {
      return undefined;
    }
    if (step === undefined || step === 0 || Math.abs(step) > MAX_TRIP_STEP || (Math.abs(step) & (Math.abs(step) - 1)) !== 0) return undefined;
    return { local, step, end };
  };
  /** The step of `local = local ± constant`, or undefined. */
  const selfStep = (set: number, local: number): number | undefined => {
    const value = C.LocalSet.getValue(set);
    if (b.getExpressionId(value) !== b.BinaryId) return undefined;
    const op = C.Binary.getOp(value);
    const left = C.Binary.getLeft(value), right = C.Binary.getRight(value);
    const isLocal = (e: number) => b.getExpressionId(e) === b.LocalGetId && C.LocalGet.getIndex(e) === local;
    const constant = (e: number) => b.getExpressionId(e) === b.ConstId && b.getExpressionType(e) === b.i32 ? C.Const.getValueI32(e) : undefined;
    if (op === b.AddInt32 && isLocal(left)) return constant(right);
    if (op === b.AddInt32 && isLocal(right)) return constant(left);
    if (op === b.SubInt32 && isLocal(left)) { const c = constant(right); return c === undefined ? undefined : -c; }
    return undefined;
  };
  visit(body, 0, 0);
  return found;
}

export interface SiteWindow {
  /** Locals holding the site's window start and the last start address it admits for this access's size. */
  readonly lo: number;
  readonly last: number;
}

export interface SplitLoop {
  /** The strided accesses of the unchecked body, which the caller must leave uninstrumented. */
  readonly trusted: Set<number>;
  /** The unchecked body's loop, which counts the loop budget itself: the caller must not add its own count. */
  readonly fastLoop: number;
}

/**
 * Rewrites `target` as described at the top of this file. `windowOf` gives each strided access's site window (the
 * checked body's check of that access keeps it); `cached` are the locals of the function's two cached windows
 * (start, end, start, end), valid for the running workgroup and thread; `safe` and `scratch` (two) are free i32
 * locals; `budget` is the function's loop-budget counter (postprocess.ts: every loop iteration counts it down, and
 * it is between 1 and its block size whenever a loop body starts).
 */
export function splitCheckFreeLoop(b: Binaryen, m: BModule, target: CheckFreeLoop,
  windowOf: (access: StridedAccess) => SiteWindow, cached: readonly [number, number, number, number], safe: number,
  scratch: readonly [number, number], budget: number, label: string): SplitLoop {
  const C = classes(b);
  const i32 = b.i32;
  const checked = C.Loop.getBody(target.loop);
  const unchecked = m.copyExpression(checked);
  // The copy's labels get names of their own; the copy and the original map one to one, child by child.
  const twin = new Map<number, number>();
  const renamed = new Map<string, string>();
  const pair = (a: number, c: number): void => {
    twin.set(a, c);
    const id = b.getExpressionId(c);
    if (id === b.BlockId && C.Block.getName(c)) { const n = `${C.Block.getName(c)}_${label}`; renamed.set(C.Block.getName(c)!, n); C.Block.setName(c, n); }
    const ac = children(b, a), cc = children(b, c);
    ac.forEach((child, i) => pair(child, cc[i]!));
  };
  pair(checked, unchecked);
  for (const c of twin.values()) {
    const id = b.getExpressionId(c);
    if (id === b.BreakId && renamed.has(C.Break.getName(c))) C.Break.setName(c, renamed.get(C.Break.getName(c))!);
    if (id === b.SwitchId) {
      C.Switch.getNames(c).forEach((n, i) => { if (renamed.has(n)) C.Switch.setNameAt(c, i, renamed.get(n)!); });
      if (renamed.has(C.Switch.getDefaultName(c))) C.Switch.setDefaultName(c, renamed.get(C.Switch.getDefaultName(c))!);
    }
  }
  const [distance, stretch] = scratch;
  const get = (local: number) => m.local.get(local, i32);
  // For each strided access: how far its next address lies into its window, and from that how many iterations
  // (this one included) stay inside; the minimum over all accesses is the stretch. Accesses through the same
  // induction variable at the same point of the iteration are tested as one span (the lowest offset to the highest
  // end, in the first one's window): a load and a store of one element, or an interleaved loop's two vectors, cost
  // one test. A span inside a window holds each of its accesses.
  const test = [m.local.set(safe, m.i32.const(MAX_STRETCH))];
  const spans = new Map<string, { first: StridedAccess; offset: number; bytes: number }>();
  for (const access of target.accesses) {
    const key = `${access.local}:${access.lead}:${access.step}`;
    const span = spans.get(key);
    if (span === undefined) {
      spans.set(key, { first: access, offset: access.offset, bytes: access.bytes });
    } else {
      const from = Math.min(span.offset, access.offset), to = Math.max(span.offset + span.bytes, access.offset + access.bytes);
      spans.set(key, { first: span.first, offset: from, bytes: to - from });
    }
  }
  for (const { first, offset, bytes } of spans.values()) {
    // The first access's site window; its `last` admits start addresses for that access's size, so the span, which
    // covers that access, fits while its start is at least `extra` bytes below `last`.
    const window = windowOf(first);
    const extra = bytes - first.bytes;
    const step = first.step;
    const room = () => (extra === 0 ? get(window.last) : m.i32.sub(get(window.last), m.i32.const(extra)));
    const remaining = step > 0
      ? m.i32.add(m.i32.div_u(m.i32.sub(room(), get(distance)), m.i32.const(step)), m.i32.const(1))
      : step < 0 ? m.i32.add(m.i32.div_u(get(distance), m.i32.const(-step)), m.i32.const(1)) : m.i32.const(MAX_STRETCH);
    // The address first; when the site's window does not hold it, the function's cached windows may (a loop entered
    // anew starts with empty site windows): adopting one here, as the checked body would, saves a checked iteration.
    const address = () => get(distance);
    const fits = (lo: number, hi: number) => m.i32.and(m.i32.and(
      m.i32.ge_u(address(), get(lo)), m.i32.le_u(m.i32.add(address(), m.i32.const(bytes)), get(hi))),
      m.i32.ge_u(m.i32.add(address(), m.i32.const(bytes)), address()));
    const adopt = (lo: number, hi: number) => m.block(null, [
      m.local.set(window.lo, get(lo)),
      m.local.set(window.last, m.i32.sub(m.i32.sub(get(hi), get(lo)), m.i32.const(first.bytes))),
    ], b.none);
    // Inside: the start lies in the window (distance <= last) and so does the end (last - distance >= extra).
    const inside = extra === 0
      ? m.i32.le_u(get(distance), get(window.last))
      : m.i32.and(m.i32.le_u(get(distance), get(window.last)), m.i32.ge_u(m.i32.sub(get(window.last), get(distance)), m.i32.const(extra)));
    test.push(
      m.local.set(distance, m.i32.add(get(first.local), m.i32.const((first.lead + offset) | 0))),
      m.if(m.i32.gt_u(m.i32.sub(address(), get(window.lo)), get(window.last)),
        m.if(fits(cached[0], cached[1]), adopt(cached[0], cached[1]), m.if(fits(cached[2], cached[3]), adopt(cached[2], cached[3])))),
      m.local.set(distance, m.i32.sub(address(), get(window.lo))),
      m.local.set(stretch, m.if(inside, remaining, m.i32.const(0))),
      m.local.set(safe, m.select(m.i32.lt_u(get(stretch), get(safe)), get(stretch), get(safe))),
    );
  }
  // The unchecked body counts the loop budget's counter down in place of its own count of the stretch, so the
  // stretch also ends one short of the counter running out: the outer loop's own budget count then charges the
  // block. (Counting the stretch and the budget separately made the hot loop carry two counters.)
  test.push(m.local.set(safe, m.select(m.i32.lt_u(get(safe), get(budget)), get(safe), m.i32.sub(get(budget), m.i32.const(1)))));
  const trip = target.trip;
  if (trip !== undefined) {
    // Iterations until the trip counter reaches its end: the distance to it in steps, when the counter lands on it
    // (otherwise, or when it is there already, the loop does not end within 2^32 / step iterations).
    const shift = Math.log2(Math.abs(trip.step));
    test.push(
      m.local.set(distance, trip.step > 0 ? m.i32.sub(tripEnd(b, m, trip), get(trip.local)) : m.i32.sub(get(trip.local), tripEnd(b, m, trip))),
      m.local.set(stretch, m.i32.shr_u(get(distance), m.i32.const(shift))),
      m.if(m.i32.or(m.i32.and(get(distance), m.i32.const(Math.abs(trip.step) - 1)), m.i32.eqz(get(stretch))), m.local.set(stretch, m.i32.const(MAX_STRETCH))),
      m.local.set(safe, m.select(m.i32.lt_u(get(stretch), get(safe)), get(stretch), get(safe))),
    );
  }
  const limit = distance;
  // The unchecked body's back edge continues while safe iterations remain and leaves the whole loop when the
  // original back edge would not be taken; when the stretch runs out, the outer loop tests again. Without a trip
  // counter, the stretch counts the loop budget's counter down to a limit, beside the loop's own exit test. With
  // one, the stretch never passes the loop's end, so the trip counter reaching a limit is the only test the
  // iteration needs, and the stretch's iterations are charged to the budget before it starts.
  const statements = C.Block.getChildren(unchecked);
  const backEdge = statements[statements.length - 1]!;
  const fast = `${C.Loop.getName(target.loop)}_${label}`;
  const exit = `${fast}_exit`;
  const fastLoop = trip === undefined
    ? m.loop(fast, m.block(null, [
      m.local.set(budget, m.i32.sub(get(budget), m.i32.const(1))),
      ...statements.slice(0, -1),
      m.br(exit, m.i32.eqz(C.Break.getCondition(backEdge))),
      m.br(fast, m.i32.ne(get(budget), get(limit))),
    ], b.none))
    : m.loop(fast, m.block(null, [
      ...statements.slice(0, -1),
      m.drop(C.Break.getCondition(backEdge)),
      m.br(fast, m.i32.ne(get(trip.local), get(limit))),
    ], b.none));
  const stretchRun = trip === undefined
    ? [m.local.set(limit, m.i32.sub(get(budget), get(safe))), fastLoop]
    : [
      m.local.set(budget, m.i32.sub(get(budget), get(safe))),
      m.local.set(limit, m.i32.add(get(trip.local), m.i32.mul(get(safe), m.i32.const(trip.step)))),
      fastLoop,
      m.br(exit, m.i32.eq(get(trip.local), tripEnd(b, m, trip))),
    ];
  const body = m.block(null, [
    m.if(m.i32.eqz(get(safe)), m.block(null, test, b.none)),
    m.if(get(safe), m.block(null, [
      ...stretchRun,
      m.local.set(safe, m.i32.const(0)),
      m.br(C.Loop.getName(target.loop)),
    ], b.none), checked),
  ], b.none);
  C.Loop.setBody(target.loop, body);
  C.Block.setChildAt(target.parent, target.index, m.block(exit, [m.local.set(safe, m.i32.const(0)), target.loop], b.none));
  return { trusted: new Set(target.accesses.map((a) => twin.get(a.expr)!)), fastLoop };
}

/** The value that ends a trip counter's loop, as a new expression. */
function tripEnd(b: Binaryen, m: BModule, trip: TripCounter): number {
  return 'constant' in trip.end ? m.i32.const(trip.end.constant) : m.local.get(trip.end.local, b.i32);
}
