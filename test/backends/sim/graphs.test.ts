import { describe, it, expect } from 'vitest';
import { StatusCode } from '../../../src/core/errors.js';
import type { DriverGraphNode } from '../../../src/core/driver.js';
import { MIB, makeDriver, expectHalError, expectRejects, loadTesting, readBack, asU32, expectNothingOutstanding } from '../../helpers/sim.js';

/** A random DAG: each node depends on up to 3 random earlier nodes. */
function randomDag(n: number, seed: number): number[][] {
  let x = seed;
  const rand = (k: number): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % k;
  };
  return Array.from({ length: n }, (_, i) => {
    if (i === 0) return [];
    const deps = new Set<number>();
    const count = rand(4);
    for (let k = 0; k < count; k++) deps.add(rand(i));
    return [...deps];
  });
}

describe('sim graphs', () => {
  it('replays in dependency order under 60 seeds, and some seeds reorder independent nodes', () => {
    const dag = randomDag(300, 99);
    const firstOfPair = new Set<number>();
    const orders = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const d = makeDriver({ seed, mode: 'manual', traceGraphNodes: true, memoryBytes: 4 * MIB });
      const g = d.graphCreate();
      const nodes: DriverGraphNode[] = [];
      for (const deps of dag) nodes.push(d.graphAddEmptyNode(g, deps.map((i) => nodes[i]!)));
      // Two extra nodes with no edge between them: their order is the seed's choice.
      const a = d.graphAddEmptyNode(g, []);
      const b = d.graphAddEmptyNode(g, []);
      void a; void b;
      const exec = d.graphInstantiate(g);
      const s = d.streamCreate();
      d.graphLaunch(exec, s);
      d.runUntilIdle();
      const order = d.eventLog().find((e) => e.op === 'graph')!.nodes!;
      expect(order.length).toBe(302);
      const position = new Map(order.map((node, i) => [node, i]));
      const violations = dag.flatMap((deps, node) => deps.filter((dep) => position.get(dep)! > position.get(node)!).map((dep) => `${dep}→${node}`));
      expect(violations).toEqual([]);
      firstOfPair.add(position.get(300)! < position.get(301)! ? 300 : 301);
      orders.add(order.join(','));
      d.graphExecDestroy(exec);
      d.graphDestroy(g);
      d.streamDestroy(s);
      expectNothingOutstanding(d);
      d.destroy();
    }
    // Both orders of the independent pair occur, and the seeds do not all produce one order.
    expect(firstOfPair).toEqual(new Set([300, 301]));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('a missing edge shows up as a seed-dependent result; the edge makes every seed agree', async () => {
    const results = { withEdge: new Set<number>(), withoutEdge: new Set<number>() };
    for (const withEdge of [true, false]) {
      for (let seed = 1; seed <= 50; seed++) {
        const d = makeDriver({ seed, memoryBytes: 4 * MIB });
        const { module, fn } = loadTesting(d);
        const p = d.memAlloc(4);
        const g = d.graphCreate();
        const append = (digit: number, deps: DriverGraphNode[]): DriverGraphNode => d.graphAddKernelNode(g, deps, {
          fn: fn('append_digit'), workgroupCount: [1, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0,
          bindings: [{ ptr: p, byteLength: 4 }], constants: new Uint32Array([digit]),
        });
        const zero = d.graphAddMemsetNode(g, [], { dst: p, value: 0, elementSize: 4, count: 1 });
        const one = append(1, [zero]);
        append(2, withEdge ? [one] : [zero]);
        const exec = d.graphInstantiate(g);
        const s = d.streamCreate();
        d.graphLaunch(exec, s);
        await d.streamSynchronize(s);
        (withEdge ? results.withEdge : results.withoutEdge).add(asU32(await readBack(d, p, 4))[0]!);
        d.graphExecDestroy(exec);
        d.graphDestroy(g);
        d.streamDestroy(s);
        d.memFree(p);
        d.moduleUnload(module);
        d.destroy();
      }
    }
    expect(results.withEdge).toEqual(new Set([12]));
    expect(results.withoutEdge).toEqual(new Set([12, 21]));
  });

  it('memset and memcpy nodes produce the same bytes as the stream operations; timing follows the edges', async () => {
    const d = makeDriver({ traceGraphNodes: true });
    const n = 1 << 20;
    const a = d.memAlloc(n);
    const b = d.memAlloc(n);
    const g = d.graphCreate();
    const fillA = d.graphAddMemsetNode(g, [], { dst: a, value: 0xbeef, elementSize: 2, count: n / 2 });
    const fillB = d.graphAddMemsetNode(g, [], { dst: b, value: 0x01, elementSize: 1, count: n });
    const join = d.graphAddEmptyNode(g, [fillA, fillB]);
    d.graphAddMemcpyNode(g, [join], { dst: b + 1, src: a, byteLength: 1001 });
    const exec = d.graphInstantiate(g);
    const s = d.streamCreate();
    d.graphLaunch(exec, s);
    await d.streamSynchronize(s);
    const bytes = await readBack(d, b, 2048);
    expect(bytes[0]).toBe(0x01);
    for (let i = 1; i <= 1001; i++) expect(bytes[i]).toBe(i % 2 === 1 ? 0xef : 0xbe);
    expect(bytes[1002]).toBe(0x01);
    // Graph time: launch 2500, memsets in parallel (50 + 1049 each), join 50, memcpy 50 + 2 → 2500 + 1099 + 50 + 52.
    const entry = d.eventLog().find((e) => e.op === 'graph')!;
    expect(entry.end - entry.start).toBe(2500 + 1099 + 50 + 52);
    expect(entry.nodes!.indexOf(2)).toBeGreaterThan(Math.max(entry.nodes!.indexOf(0), entry.nodes!.indexOf(1)));
    d.graphExecDestroy(exec);
    d.graphDestroy(g);
    d.streamDestroy(s);
    d.memFree(a);
    d.memFree(b);
    d.destroy();
  });

  it('instantiate rejects cycles; nodes of another graph or a destroyed graph are rejected when added', () => {
    const d = makeDriver();
    const g = d.graphCreate();
    const other = d.graphCreate();
    const x = d.graphAddEmptyNode(g, []);
    const y = d.graphAddEmptyNode(g, [x]);
    const z = d.graphAddEmptyNode(g, [y]);
    const foreign = d.graphAddEmptyNode(other, []);
    expectHalError(() => d.graphAddEmptyNode(g, [x, foreign]), StatusCode.INVALID_ARGUMENT, 'dependencies[1]', 'not of graph');
    expectHalError(() => d.graphAddDependencies(g, [foreign], [x]), StatusCode.INVALID_ARGUMENT, 'graphAddDependencies from[0]');
    d.graphDestroy(other);
    expectHalError(() => d.graphAddEmptyNode(g, [foreign]), StatusCode.INVALID_ARGUMENT, 'destroyed graphNode');
    // A valid graph instantiates; closing the loop z → x makes it cyclic.
    const exec = d.graphInstantiate(g);
    d.graphAddDependencies(g, [z], [x]);
    expectHalError(() => d.graphInstantiate(g), StatusCode.INVALID_ARGUMENT, 'cycle');
    const self = d.graphCreate();
    const lone = d.graphAddEmptyNode(self, []);
    d.graphAddDependencies(self, [lone], [lone]);
    expectHalError(() => d.graphInstantiate(self), StatusCode.INVALID_ARGUMENT, 'cycle through node #0');
    expect(d.outstanding().graphExecs).toBe(1);
    d.graphExecDestroy(exec);
    d.graphDestroy(g);
    d.graphDestroy(self);
    expectHalError(() => d.graphInstantiate(g), StatusCode.INVALID_ARGUMENT, 'destroyed graph');
    expectHalError(() => d.graphExecDestroy(exec), StatusCode.INVALID_ARGUMENT, 'destroyed graphExec');
    expectNothingOutstanding(d);
    d.destroy();
  });

  it('an exec stays valid after its graph is destroyed, and a launch pending at exec destroy still runs', async () => {
    const d = makeDriver();
    const p = d.memAlloc(64);
    const g = d.graphCreate();
    d.graphAddMemsetNode(g, [], { dst: p, value: 0x42, elementSize: 1, count: 64 });
    const exec = d.graphInstantiate(g);
    d.graphDestroy(g);
    const s = d.streamCreate();
    const free = d.heapStats().freeBytes;
    d.graphLaunch(exec, s);
    d.graphExecDestroy(exec);
    expect(d.heapStats().freeBytes).toBe(free); // the block is still held by the pending launch
    await d.streamSynchronize(s);
    expect((await readBack(d, p, 64)).every((x) => x === 0x42)).toBe(true);
    expect(d.heapStats().freeBytes).toBeGreaterThan(free);
    d.memFree(p);
    d.streamDestroy(s);
    expect(d.heapStats().freeBytes).toBe(d.heapStats().heapBytes);
    d.destroy();
  });

  it('memory freed after instantiate fails the launch (or instantiate) instead of writing freed memory', async () => {
    const d = makeDriver();
    const p = d.memAlloc(64);
    const g = d.graphCreate();
    d.graphAddMemsetNode(g, [], { dst: p, value: 1, elementSize: 1, count: 64 });
    const exec = d.graphInstantiate(g);
    d.memFree(p);
    expectHalError(() => d.graphInstantiate(g), StatusCode.INVALID_ARGUMENT, 'node #0', 'freed');
    const s = d.streamCreate();
    d.graphLaunch(exec, s);
    await expectRejects(d.streamSynchronize(s), StatusCode.FAILED_PRECONDITION, 'was freed');
    expect(d.heapStats().integrity).toBe(0);
    d.graphExecDestroy(exec);
    d.graphDestroy(g);
    d.streamDestroy(s);
    d.destroy();
  });

  it('a kernel node fault stops the replay and names the node and entry point', async () => {
    const d = makeDriver();
    const { module, fn } = loadTesting(d);
    const p = d.memAlloc(16);
    const g = d.graphCreate();
    const first = d.graphAddMemsetNode(g, [], { dst: p, value: 0, elementSize: 4, count: 4 });
    d.graphAddKernelNode(g, [first], {
      fn: fn('store_at'), workgroupCount: [4, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0,
      bindings: [{ ptr: p, byteLength: 16 }], constants: new Uint32Array([2, 100]),
    });
    const exec = d.graphInstantiate(g);
    const s = d.streamCreate();
    const e = d.eventCreate();
    d.graphLaunch(exec, s);
    d.eventRecord(e, s);
    while (!(() => { try { return d.eventQuery(e); } catch { return true; } })()) await d.nextProgress();
    const error = expectHalError(() => d.eventQuery(e), StatusCode.INTERNAL, "'store_at'", 'graphLaunch node #1', 'byte offset 400', 'workgroup (2, 0, 0)');
    expect(error.driver?.name).toBe('SIM_KERNEL_FAULT');
    // A second launch faults again (the fault word is reset per dispatch, not sticky across launches).
    d.eventRecord(e, s);
    d.graphLaunch(exec, s);
    d.eventRecord(e, s);
    while (!(() => { try { return d.eventQuery(e); } catch { return true; } })()) await d.nextProgress();
    expect(() => d.eventQuery(e)).toThrow(/store_at/);
    d.eventDestroy(e);
    d.graphExecDestroy(exec);
    d.graphDestroy(g);
    d.streamDestroy(s);
    d.memFree(p);
    d.moduleUnload(module);
    d.destroy();
  });

  it('an indirect kernel node reads its workgroup counts at each replay; its cost follows the counts', async () => {
    const d = makeDriver({ costModel: { computeUnits: 1 } });
    const { module, fn } = loadTesting(d);
    const counts = d.memAlloc(12);
    const out = d.memAlloc(16 * 4);
    const g = d.graphCreate();
    d.graphAddKernelNode(g, [], {
      fn: fn('workgroup_ids'), workgroupCount: [0, 0, 0], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0,
      bindings: [{ ptr: out, byteLength: 64 }], constants: new Uint32Array(), indirectWorkgroupCount: counts,
    });
    const exec = d.graphInstantiate(g);
    const s = d.streamCreate();
    d.memsetAsync({ dst: out, value: 0, elementSize: 4, count: 16 }, s);
    d.memcpyHtoDAsync(counts, new Uint8Array(new Uint32Array([2, 1, 1]).buffer), s);
    d.graphLaunch(exec, s);
    d.memcpyHtoDAsync(counts, new Uint8Array(new Uint32Array([4, 2, 1]).buffer), s);
    d.graphLaunch(exec, s);
    await d.streamSynchronize(s);
    expect([...asU32(await readBack(d, out, 8 * 4))]).toEqual([1, 2, 3, 4, 1001, 1002, 1003, 1004]);
    const [first, second] = d.eventLog().filter((e) => e.op === 'graph');
    // launch 2500 + node 50 + waves × 500 (one workgroup per wave here).
    expect(first!.end - first!.start).toBe(2500 + 50 + 2 * 500);
    expect(second!.end - second!.start).toBe(2500 + 50 + 8 * 500);
    d.graphExecDestroy(exec);
    d.graphDestroy(g);
    d.streamDestroy(s);
    d.memFree(out);
    d.memFree(counts);
    d.moduleUnload(module);
    d.destroy();
  });

  it('replays a 10,000-node graph (chains and fan-in) correctly, repeatedly', async () => {
    const d = makeDriver({ traceGraphNodes: true });
    const p = d.memAlloc(10000 * 4);
    const g = d.graphCreate();
    const nodes: DriverGraphNode[] = [];
    for (let i = 0; i < 10000; i++) {
      const deps = i === 0 ? [] : i % 100 === 0 ? [nodes[i - 100]!, nodes[i - 1]!] : [nodes[i - 1]!];
      nodes.push(i % 2 === 0
        ? d.graphAddMemsetNode(g, deps, { dst: p + i * 4, value: i, elementSize: 4, count: 1 })
        : d.graphAddEmptyNode(g, deps));
    }
    const exec = d.graphInstantiate(g);
    const s = d.streamCreate();
    for (let k = 0; k < 3; k++) d.graphLaunch(exec, s);
    await d.streamSynchronize(s);
    const values = asU32(await readBack(d, p, 10000 * 4));
    for (let i = 0; i < 10000; i += 2) expect(values[i]).toBe(i);
    const launches = d.eventLog().filter((e) => e.op === 'graph');
    expect(launches.length).toBe(3);
    // A single chain: exactly one topological order.
    expect(launches[0]!.nodes).toEqual(Array.from({ length: 10000 }, (_, i) => i));
    d.graphExecDestroy(exec);
    d.graphDestroy(g);
    d.streamDestroy(s);
    d.memFree(p);
    expectNothingOutstanding(d);
    d.destroy();
  });
});
