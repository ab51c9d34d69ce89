/**
 * Where a launch → completion round trip spends its time, measured side by side in one run (nvidia only):
 *   - device: raw cuLaunchKernel vs raw cuGraphLaunch of the same kernel, for a 32-invocation no-op and for a fill
 *     shaped like the sample fill_u32 (one 256-invocation workgroup, three arguments), each recorded and spun on
 *   - polling: the same raw round trips, learning completion between setImmediate ticks instead of spinning (what
 *     a JS caller that does not block its thread can do; the driver's nextProgress() cadence)
 *   - host: the enqueue cost alone of raw cuLaunchKernel, of the driver's launchKernel, and of raw cuGraphLaunch
 *
 * What they showed on an H200 (bench/hip/RESULTS.md): cuLaunchKernel spends ≈ 2.6 µs of host time per call where
 * cuGraphLaunch of a one-kernel graph spends ≈ 1.0 µs, and that difference is the whole gap between the two round
 * trips (7.6 vs 5.7 µs spinning; kernel shape makes none). So a stream-mode command buffer, which replays with
 * cuLaunchKernel, is ≈ 2 µs slower than a graph-mode one on CUDA whatever gpuhal does. Polling between setImmediate
 * ticks instead of spinning adds ≈ 0.4-0.7 µs; taking four streams in turn instead of one adds ≈ 0.4 µs.
 */
import type { BenchRow } from '../core/bench_row.js';
import type { KernelLaunch } from '../../src/core/driver.js';
import { KernelArgPacker } from '../../src/backends/hip/kernel_args.js';
import { loadRuntimeCompiler } from '../../src/backends/hip/rtc.js';
import type { HipBenchmark } from './index.js';

const FILL_SOURCE =
  'extern "C" __global__ void gh_fill(unsigned* p, unsigned v, unsigned n) {\n' +
  '  unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;\n' +
  '  if (i < n) p[i] = v;\n}\n';
const NOT_READY = 600;

const fmt = (v: number) => v.toFixed(2);
const now = () => Number(process.hrtime.bigint()) / 1000; // µs
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

export const roundTripBreakdown: HipBenchmark = async (ctx) => {
  const { driver, raw } = ctx;
  if (!raw) return [];
  const f = raw.f;
  const iterations = 2000;
  const compiler = loadRuntimeCompiler('nvidia', driver.info.details.arch!);
  const noopModule = raw.module(compiler.compile(ctx.noopSource, [], 'bench-noop'));
  const fillModule = raw.module(compiler.compile(FILL_SOURCE, [], 'bench-fill'));
  const buffer = driver.memAlloc(1024);
  const noopParams = new KernelArgPacker();
  const noop = { fn: raw.fn(noopModule, 'gh_noop'), block: 32, params: noopParams.pack([{ ptr: buffer, byteLength: 256 }], Uint32Array.of(1)) };
  const fillParams = new KernelArgPacker();
  const fill = { fn: raw.fn(fillModule, 'gh_fill'), block: 256, params: fillParams.pack([{ ptr: buffer, byteLength: 1024 }], Uint32Array.of(1, 64)) };
  const noopGraph = raw.oneKernelGraph(noop.fn, noop.params, noop.block);
  const fillGraph = raw.oneKernelGraph(fill.fn, fill.params, fill.block);
  const stream = raw.stream();
  const event = raw.event();
  // Four more streams, taken in turn as the core's queue lanes are (streamsPerQueue, default 4).
  const lanes = [raw.stream(), raw.stream(), raw.stream(), raw.stream()];
  const cuLaunchKernel = f.cuLaunchKernel!;
  const cuGraphLaunch = f.cuGraphLaunch!;
  const cuEventRecord = f.cuEventRecord!;
  const cuEventQuery = f.cuEventQuery!;

  const launchOf = (k: typeof noop) => () => cuLaunchKernel(k.fn, 1, 1, 1, k.block, 1, 1, 0, stream, k.params, 0) as number;
  const graphLaunchOf = (exec: number) => () => cuGraphLaunch(exec, stream) as number;

  const spinRoundTrip = (enqueue: () => number): number => {
    const t0 = now();
    for (let i = 0; i < iterations; i++) {
      raw.ok(enqueue(), 'enqueue');
      raw.ok(cuEventRecord(event, stream) as number, 'cuEventRecord');
      let status: number;
      while ((status = cuEventQuery(event) as number) === NOT_READY);
      raw.ok(status, 'cuEventQuery');
    }
    return (now() - t0) / iterations;
  };
  const immediateRoundTrip = async (enqueue: () => number): Promise<number> => {
    const t0 = now();
    for (let i = 0; i < iterations; i++) {
      raw.ok(enqueue(), 'enqueue');
      raw.ok(cuEventRecord(event, stream) as number, 'cuEventRecord');
      let status: number;
      while ((status = cuEventQuery(event) as number) === NOT_READY) await immediate();
      raw.ok(status, 'cuEventQuery');
    }
    return (now() - t0) / iterations;
  };
  /** The immediate-poll round trip of a graph launch, each on the next of `lanes` (event recorded there). */
  const rotatingRoundTrip = async (exec: number): Promise<number> => {
    const t0 = now();
    for (let i = 0; i < iterations; i++) {
      const s = lanes[i % lanes.length]!;
      raw.ok(cuGraphLaunch(exec, s) as number, 'cuGraphLaunch');
      raw.ok(cuEventRecord(event, s) as number, 'cuEventRecord');
      let status: number;
      while ((status = cuEventQuery(event) as number) === NOT_READY) await immediate();
      raw.ok(status, 'cuEventQuery');
    }
    return (now() - t0) / iterations;
  };
  /** Host cost of one enqueue: batches of 200, timed without their completion; median of 40 batches. */
  const enqueueCost = (enqueue: () => void): number => {
    const per: number[] = [];
    for (let r = 0; r < 40; r++) {
      const t0 = now();
      for (let i = 0; i < 200; i++) enqueue();
      per.push((now() - t0) / 200);
      raw.spinUntilDone(event, stream);
    }
    return median(per);
  };
  const best2 = (m: () => number) => Math.min(m(), m());
  const best2Async = async (m: () => Promise<number>) => Math.min(await m(), await m());

  const launchNoop = launchOf(noop);
  const launchFill = launchOf(fill);
  const graphNoop = graphLaunchOf(noopGraph.exec);
  const graphFill = graphLaunchOf(fillGraph.exec);
  const driverModule = driver.moduleLoad({ format: 'hip-source', source: FILL_SOURCE, label: 'bench-fill' });
  const driverFill: KernelLaunch = {
    fn: driver.moduleGetFunction(driverModule, 'gh_fill'),
    workgroupCount: [1, 1, 1],
    workgroupSize: [256, 1, 1],
    sharedMemoryBytes: 0,
    bindings: [{ ptr: buffer, byteLength: 1024 }],
    constants: Uint32Array.of(1, 64),
  };

  // Warm everything once, then measure alternately so drift hits every variant alike.
  for (const e of [launchNoop, launchFill, graphNoop, graphFill]) spinRoundTrip(e);
  const spin = {
    launchNoop: best2(() => spinRoundTrip(launchNoop)),
    graphNoop: best2(() => spinRoundTrip(graphNoop)),
    launchFill: best2(() => spinRoundTrip(launchFill)),
    graphFill: best2(() => spinRoundTrip(graphFill)),
  };
  await immediateRoundTrip(launchFill);
  const tick = {
    launchFill: await best2Async(() => immediateRoundTrip(launchFill)),
    graphFill: await best2Async(() => immediateRoundTrip(graphFill)),
    graphFillRotating: await best2Async(() => rotatingRoundTrip(fillGraph.exec)),
  };
  const host = {
    rawLaunch: enqueueCost(launchFill),
    driverLaunch: enqueueCost(() => driver.launchKernel(driverFill, ctx.stream)),
    rawGraph: enqueueCost(graphFill),
    eventRecord: enqueueCost(() => raw.ok(cuEventRecord(event, stream) as number, 'cuEventRecord')),
  };
  ctx.baselines.launchKernelEnqueueUs = host.rawLaunch;
  ctx.baselines.graphPollRoundTripUs = spin.graphNoop;
  // The driver's launches went to its own stream: drain it before freeing what they use.
  const driverEvent = driver.eventCreate();
  driver.eventRecord(driverEvent, ctx.stream);
  while (!driver.eventQuery(driverEvent)) await driver.nextProgress();
  driver.eventDestroy(driverEvent);
  driver.moduleUnload(driverModule);

  for (const g of [noopGraph, fillGraph]) {
    raw.ok(f.cuGraphExecDestroy!(g.exec) as number, 'cuGraphExecDestroy');
    raw.ok(f.cuGraphDestroy!(g.graph) as number, 'cuGraphDestroy');
  }
  for (const m of [noopModule, fillModule]) raw.ok(f.cuModuleUnload!(m) as number, 'cuModuleUnload');
  raw.ok(f.cuEventDestroy_v2!(event) as number, 'cuEventDestroy_v2');
  for (const s of [stream, ...lanes]) raw.ok(f.cuStreamDestroy_v2!(s) as number, 'cuStreamDestroy_v2');
  for (const p of [noopParams, fillParams]) p.release();
  driver.memFree(buffer);

  const rows: BenchRow[] = [
    {
      name: 'raw round trip (spin), 32-invocation no-op: cuLaunchKernel vs cuGraphLaunch',
      measured: `${fmt(spin.launchNoop)} µs vs ${fmt(spin.graphNoop)} µs (${fmt(spin.launchNoop / spin.graphNoop)}×)`,
      target: '≤ 10 µs each (graph ≈ 5.8 µs on H200, docs/design.md)',
      pass: spin.launchNoop <= 10 && spin.graphNoop <= 10,
    },
    {
      name: 'raw round trip (spin), 256-invocation fill: cuLaunchKernel vs cuGraphLaunch',
      measured: `${fmt(spin.launchFill)} µs vs ${fmt(spin.graphFill)} µs (${fmt(spin.launchFill / spin.graphFill)}×)`,
      target: '≤ 10 µs each',
      pass: spin.launchFill <= 10 && spin.graphFill <= 10,
    },
    {
      name: 'raw round trip (setImmediate poll), fill: cuLaunchKernel vs cuGraphLaunch',
      measured: `${fmt(tick.launchFill)} µs vs ${fmt(tick.graphFill)} µs (${fmt(tick.launchFill / tick.graphFill)}×; spin ${fmt(spin.launchFill)} / ${fmt(spin.graphFill)} µs)`,
      target: '≤ 10 µs each',
      pass: tick.launchFill <= 10 && tick.graphFill <= 10,
    },
    {
      name: 'raw round trip (setImmediate poll), fill graph: 4 streams in turn vs 1 stream',
      measured: `${fmt(tick.graphFillRotating)} µs vs ${fmt(tick.graphFill)} µs (${fmt(tick.graphFillRotating / tick.graphFill)}×)`,
      target: '≤ 10 µs each',
      pass: tick.graphFillRotating <= 10 && tick.graphFill <= 10,
    },
    {
      name: 'enqueue host cost, fill: raw cuLaunchKernel vs raw cuGraphLaunch',
      measured: `${fmt(host.rawLaunch)} µs vs ${fmt(host.rawGraph)} µs (${fmt(host.rawLaunch / host.rawGraph)}×; cuEventRecord ${fmt(host.eventRecord)} µs)`,
      target: '≤ 10 µs each',
      pass: host.rawLaunch <= 10 && host.rawGraph <= 10,
    },
    {
      name: 'driver launchKernel enqueue vs raw cuLaunchKernel (fill)',
      measured: `${fmt(host.driverLaunch)} µs (${fmt(host.driverLaunch / host.rawLaunch)}× raw ${fmt(host.rawLaunch)} µs)`,
      target: '≤ 1.25× raw',
      pass: host.driverLaunch <= 1.25 * host.rawLaunch,
    },
  ];
  return rows;
};
