/**
 * The oracle the race checker is measured against: from a tapped event log (program_tap.ts) it builds the whole
 * operation graph after the fact and decides, by brute force, whether two conflicting accesses are left unordered.
 *
 * Deliberately the naive way, sharing nothing with the checker: every node's full set of ancestors (a bit set per
 * node, a transitive closure), then every pair of accesses compared. Edges, from the contract alone:
 *   - the host is one sequence: each host step follows the one before; an operation follows the host step before
 *     its submission;
 *   - a wait on S ≥ v follows the signal of S with the smallest value ≥ v (operation or host signal), none when the
 *     initial value already reaches v;
 *   - a host observation (a wait that resolved, a query) follows that same signal; an awaited read or upload that
 *     resolved is followed by the host steps after it;
 *   - inside a command buffer, commands separated by a barrier are ordered; command buffers of one execute run in
 *     list order.
 * Defects it counts: conflicting accesses (same buffer, overlapping bytes, one a write) in unordered operations or
 * in unordered commands of one command buffer; signals of one semaphore that are unordered or ordered against their
 * values; a use not ordered after its buffer's alloca; a use submitted after its buffer's dealloca and not ordered
 * before it.
 */
import type { Semaphore } from '../../../src/index.js';
import type { TapAccess, TapEvent, TapOp } from './program_tap.js';

export interface OracleVerdict {
  readonly defects: string[];
}

interface Node {
  readonly preds: number[];
}

export function judge(events: readonly TapEvent[]): OracleVerdict {
  const nodes: Node[] = [];
  const opNode = new Map<TapOp, number>();
  const initial = new Map<Semaphore, bigint>();
  const signals = new Map<Semaphore, { value: bigint; node: number; op: TapOp | undefined }[]>();
  const pendingEdges: { node: number; semaphore: Semaphore; value: bigint }[] = [];
  const settled: { node: number; op: TapOp }[] = [];
  let lastHost = -1;
  const ops: TapOp[] = [];

  const addNode = (): number => {
    nodes.push({ preds: [] });
    return nodes.length - 1;
  };
  const addSignal = (semaphore: Semaphore, value: bigint, node: number, op: TapOp | undefined): void => {
    let list = signals.get(semaphore);
    if (list === undefined) signals.set(semaphore, (list = []));
    list.push({ value, node, op });
  };
  const hostStep = (): number => {
    const node = addNode();
    if (lastHost >= 0) nodes[node]!.preds.push(lastHost);
    lastHost = node;
    return node;
  };

  for (const event of events) {
    switch (event.kind) {
      case 'semaphore':
        initial.set(event.semaphore, event.initial);
        break;
      case 'op': {
        const node = addNode();
        opNode.set(event.op, node);
        ops.push(event.op);
        if (lastHost >= 0) nodes[node]!.preds.push(lastHost);
        for (const w of event.op.waits) pendingEdges.push({ node, semaphore: w.semaphore, value: w.value });
        for (const s of event.op.signals) addSignal(s.semaphore, s.value, node, event.op);
        break;
      }
      case 'host-signal':
        addSignal(event.semaphore, event.value, hostStep(), undefined);
        break;
      case 'host-observe':
        pendingEdges.push({ node: hostStep(), semaphore: event.semaphore, value: event.value });
        break;
      case 'host-settled':
        settled.push({ node: hostStep(), op: event.op });
        break;
    }
  }

  const provider = (semaphore: Semaphore, value: bigint): number | undefined => {
    if (value <= (initial.get(semaphore) ?? 0n)) return undefined;
    let best: { value: bigint; node: number } | undefined;
    for (const s of signals.get(semaphore) ?? []) if (s.value >= value && (best === undefined || s.value < best.value)) best = s;
    return best?.node;
  };
  // Operations whose waits nothing ever reaches never ran; they touch nothing.
  const blocked = new Set<number>();
  for (const { node, semaphore, value } of pendingEdges) {
    const from = provider(semaphore, value);
    if (from !== undefined) nodes[node]!.preds.push(from);
    else if (value > (initial.get(semaphore) ?? 0n)) blocked.add(node);
  }
  for (const { node, op } of settled) nodes[node]!.preds.push(opNode.get(op)!);

  // Transitive closure: ancestors[n] as a bit set (bigint), by memoized depth-first search.
  const ancestors: (bigint | undefined)[] = new Array(nodes.length);
  const visiting = new Set<number>();
  const closure = (n: number): bigint => {
    const known = ancestors[n];
    if (known !== undefined) return known;
    if (visiting.has(n)) return 0n; // a wait cycle: nothing on it ever ran
    visiting.add(n);
    let set = 0n;
    for (const p of nodes[n]!.preds) set |= (1n << BigInt(p)) | closure(p);
    visiting.delete(n);
    ancestors[n] = set;
    return set;
  };
  for (let n = 0; n < nodes.length; n++) closure(n);
  const before = (a: number, b: number): boolean => ((ancestors[b]! >> BigInt(a)) & 1n) === 1n;
  // Did it run: none of its own or its ancestors' waits were unreachable.
  const ran = (n: number): boolean => !blocked.has(n) && ![...blocked].some((b) => before(b, n));

  const defects: string[] = [];
  const overlap = (a: TapAccess, b: TapAccess): boolean => a.buffer === b.buffer && a.start < b.end && b.start < a.end && (a.write || b.write);
  const allAccesses = (op: TapOp): TapAccess[] => [...op.accesses, ...op.commandBuffers.flatMap((cb) => cb.flatMap((c) => (c.barrier ? [] : c.accesses)))];
  const running = ops.filter((op) => ran(opNode.get(op)!));

  // Conflicting accesses of unordered operations.
  for (let i = 0; i < running.length; i++) {
    for (let j = i + 1; j < running.length; j++) {
      const a = running[i]!;
      const b = running[j]!;
      const na = opNode.get(a)!;
      const nb = opNode.get(b)!;
      if (before(na, nb) || before(nb, na)) continue;
      const bAccesses = allAccesses(b);
      if (allAccesses(a).some((x) => bAccesses.some((y) => overlap(x, y)))) defects.push(`${a.kind} ${a.index} and ${b.kind} ${b.index} touch the same bytes unordered`);
    }
  }
  // Commands of one command buffer between the same two barriers.
  for (const op of running) {
    op.commandBuffers.forEach((commands, cbIndex) => {
      let segment = 0;
      const segmentOf = commands.map((c) => (c.barrier ? ++segment : segment));
      for (let i = 0; i < commands.length; i++) {
        for (let j = i + 1; j < commands.length; j++) {
          const ci = commands[i]!;
          const cj = commands[j]!;
          if (ci.barrier || cj.barrier || segmentOf[i] !== segmentOf[j]) continue;
          if (ci.accesses.some((x) => cj.accesses.some((y) => overlap(x, y)))) defects.push(`${op.kind} ${op.index}: commands ${i} and ${j} of command buffer ${cbIndex} unordered`);
        }
      }
    });
  }
  // Signals of one semaphore must be ordered, in the order of their values.
  for (const [semaphore, list] of signals) {
    const live = list.filter((s) => ran(s.node));
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const a = live[i]!;
        const b = live[j]!;
        const ab = before(a.node, b.node);
        const ba = before(b.node, a.node);
        if ((!ab && !ba) || (ab && b.value < a.value) || (ba && a.value < b.value)) defects.push(`signals ${a.value} and ${b.value} of ${semaphore.label} out of order`);
      }
    }
  }
  // Lifetimes.
  for (const op of running) {
    if (op.lifetime === undefined) continue;
    const { kind, buffer } = op.lifetime;
    const node = opNode.get(op)!;
    for (const use of running) {
      if (use === op) continue;
      const touches = allAccesses(use).some((a) => a.buffer === buffer) || (kind === 'alloca' && use.lifetime?.kind === 'dealloca' && use.lifetime.buffer === buffer);
      if (!touches) continue;
      const useNode = opNode.get(use)!;
      if (kind === 'alloca' && !before(node, useNode)) defects.push(`${use.kind} ${use.index} not ordered after the alloca of ${buffer.label}`);
      if (kind === 'dealloca' && use.index > op.index && !before(useNode, node)) defects.push(`${use.kind} ${use.index} submitted after the dealloca of ${buffer.label}, not ordered before it`);
    }
  }
  return { defects };
}
