/**
 * Benchmarks of the hip backend on a real GPU, each a ratio against a raw baseline measured in the same run:
 *   - raw cuGraphLaunch of a one-kernel graph through koffi (enqueue cost), and the driver's graphLaunch against it
 *   - cuLaunchKernel + event-poll round trip: raw (spinning cuEventQuery) and through the driver (nextProgress
 *     polling)
 *   - fill and copy bandwidth on 1 GiB: driver memsetAsync / memcpyDtoDAsync against raw cuMemsetD32Async /
 *     cuMemcpyDtoDAsync_v2 (target ≥ 90%)
 *
 *   - round_trip_breakdown.ts: where a round trip's time goes (cuLaunchKernel vs cuGraphLaunch, host vs device,
 *     spin vs setImmediate polling, one stream vs streams taken in turn)
 *   - core_rows.ts: queue.execute enqueue vs the raw launch call, execute → semaphore round trip vs the raw round trip
 *     of the same launch kind and vs PyTorch CUDAGraph.replay() + synchronize
 *
 * Extending: a benchmark is a `HipBenchmark` (context in, rows out), added by passing it to `runHipBenchmarks([...])`
 * or pushing onto `hipBenchmarks`; the context hands it the raw baseline numbers measured earlier in the run.
 * Run on the GPU machine: `node dist/bench/hip/run.js` (see scripts/gpu/README.md).
 */
import type { BenchRow } from '../core/bench_row.js';
import { openHipDriver } from '../../src/backends/hip/provider.js';
import type { HipDriver } from '../../src/backends/hip/driver.js';
import type { DriverFunction, DriverStream, KernelLaunch } from '../../src/core/driver.js';
import { KernelArgPacker } from '../../src/backends/hip/kernel_args.js';
import { loadRuntimeCompiler } from '../../src/backends/hip/rtc.js';
import { coreExecuteOnHip } from './core_rows.js';
import { roundTripBreakdown } from './round_trip_breakdown.js';
import { RawCuda } from './raw_cuda.js';

export type { BenchRow } from '../core/bench_row.js';

/** Raw-baseline numbers measured in this run, for benchmarks that compare against them. */
export interface RawBaselines {
  /** µs per cuGraphLaunch of a one-kernel graph. */
  graphLaunchEnqueueUs?: number;
  /** µs per cuLaunchKernel + record + spin-poll round trip. */
  launchPollRoundTripUs?: number;
  /** µs per cuGraphLaunch (one-kernel graph) + record + spin-poll round trip. */
  graphPollRoundTripUs?: number;
  /** µs per raw cuLaunchKernel of a one-workgroup fill (enqueue only). */
  launchKernelEnqueueUs?: number;
}

export interface HipBenchContext {
  readonly driver: HipDriver;
  readonly stream: DriverStream;
  /** A kernel that does nothing observable (one u32 binding, one constant). */
  readonly noop: DriverFunction;
  readonly noopSource: string;
  /** Raw CUDA, on nvidia only. */
  readonly raw: RawCuda | undefined;
  readonly baselines: RawBaselines;
}

export type HipBenchmark = (ctx: HipBenchContext) => Promise<BenchRow[]>;

const NOOP_SOURCE = 'extern "C" __global__ void gh_noop(unsigned* p, unsigned v) { if (v == 0xffffffffu) p[0] = v; }\n';
const GiB = 1 << 30;

const fmt = (v: number, digits = 2) => v.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = () => Number(process.hrtime.bigint()) / 1000; // µs

async function driverDrain(ctx: HipBenchContext, event = ctx.driver.eventCreate()): Promise<void> {
  ctx.driver.eventRecord(event, ctx.stream);
  while (!ctx.driver.eventQuery(event)) await ctx.driver.nextProgress();
  ctx.driver.eventDestroy(event);
}

export const graphLaunchEnqueue: HipBenchmark = async (ctx) => {
  const { driver, raw } = ctx;
  if (!raw) return [];
  const batch = 200;
  const rounds = 40;
  const buffer = driver.memAlloc(256);
  const launch: KernelLaunch = { fn: ctx.noop, workgroupCount: [1, 1, 1], workgroupSize: [32, 1, 1], sharedMemoryBytes: 0, bindings: [{ ptr: buffer, byteLength: 256 }], constants: Uint32Array.of(1) };
  // Driver graph.
  const g = driver.graphCreate();
  driver.graphAddKernelNode(g, [], launch);
  const exec = driver.graphInstantiate(g);
  // Raw graph over the same cubin.
  const module = raw.module(loadRuntimeCompiler('nvidia', driver.info.details.arch!).compile(ctx.noopSource, [], 'bench-noop'));
  const fn = raw.fn(module, 'gh_noop');
  const packer = new KernelArgPacker();
  const rawGraph = raw.oneKernelGraph(fn, packer.pack(launch.bindings, launch.constants));
  const rawStream = raw.stream();
  const rawEvent = raw.event();
  const cuGraphLaunch = raw.f.cuGraphLaunch!;

  const measureRaw = (): number => {
    const per: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = now();
      for (let i = 0; i < batch; i++) if (cuGraphLaunch(rawGraph.exec, rawStream) !== 0) throw new Error('cuGraphLaunch failed');
      per.push((now() - t0) / batch);
      raw.spinUntilDone(rawEvent, rawStream);
    }
    return median(per);
  };
  const measureDriver = async (): Promise<number> => {
    const per: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = now();
      for (let i = 0; i < batch; i++) driver.graphLaunch(exec, ctx.stream);
      per.push((now() - t0) / batch);
      await driverDrain(ctx);
    }
    return median(per);
  };
  measureRaw();
  await measureDriver();
  const rawUs = Math.min(measureRaw(), measureRaw());
  const driverUs = Math.min(await measureDriver(), await measureDriver());
  ctx.baselines.graphLaunchEnqueueUs = rawUs;

  raw.ok(raw.f.cuGraphExecDestroy!(rawGraph.exec), 'cuGraphExecDestroy');
  raw.ok(raw.f.cuGraphDestroy!(rawGraph.graph), 'cuGraphDestroy');
  raw.ok(raw.f.cuModuleUnload!(module), 'cuModuleUnload');
  raw.ok(raw.f.cuEventDestroy_v2!(rawEvent), 'cuEventDestroy_v2');
  raw.ok(raw.f.cuStreamDestroy_v2!(rawStream), 'cuStreamDestroy_v2');
  packer.release();
  driver.graphExecDestroy(exec);
  driver.graphDestroy(g);
  driver.memFree(buffer);
  return [
    { name: 'raw cuGraphLaunch enqueue, 1-kernel graph (koffi)', measured: `${fmt(rawUs)} µs/launch`, target: '≤ 10 µs/launch', pass: rawUs <= 10 },
    { name: 'driver graphLaunch enqueue vs raw', measured: `${fmt(driverUs)} µs (${fmt(driverUs / rawUs)}× raw)`, target: '≤ 1.25× raw', pass: driverUs <= 1.25 * rawUs },
  ];
};

export const launchPollRoundTrip: HipBenchmark = async (ctx) => {
  const { driver, raw } = ctx;
  if (!raw) return [];
  const iterations = 2000;
  const buffer = driver.memAlloc(256);
  const launch: KernelLaunch = { fn: ctx.noop, workgroupCount: [1, 1, 1], workgroupSize: [32, 1, 1], sharedMemoryBytes: 0, bindings: [{ ptr: buffer, byteLength: 256 }], constants: Uint32Array.of(1) };
  const module = raw.module(loadRuntimeCompiler('nvidia', driver.info.details.arch!).compile(ctx.noopSource, [], 'bench-noop'));
  const fn = raw.fn(module, 'gh_noop');
  const packer = new KernelArgPacker();
  const params = packer.pack(launch.bindings, launch.constants);
  const rawStream = raw.stream();
  const rawEvent = raw.event();
  const cuLaunchKernel = raw.f.cuLaunchKernel!;
  const event = driver.eventCreate();

  const measureRaw = (): number => {
    const t0 = now();
    for (let i = 0; i < iterations; i++) {
      raw.ok(cuLaunchKernel(fn, 1, 1, 1, 32, 1, 1, 0, rawStream, params, 0) as number, 'cuLaunchKernel');
      raw.spinUntilDone(rawEvent, rawStream);
    }
    return (now() - t0) / iterations;
  };
  const measureDriver = async (): Promise<number> => {
    const t0 = now();
    for (let i = 0; i < iterations; i++) {
      driver.launchKernel(launch, ctx.stream);
      driver.eventRecord(event, ctx.stream);
      while (!driver.eventQuery(event)) await driver.nextProgress();
    }
    return (now() - t0) / iterations;
  };
  measureRaw();
  await measureDriver();
  const rawUs = Math.min(measureRaw(), measureRaw());
  const driverUs = Math.min(await measureDriver(), await measureDriver());
  ctx.baselines.launchPollRoundTripUs = rawUs;

  raw.ok(raw.f.cuModuleUnload!(module), 'cuModuleUnload');
  raw.ok(raw.f.cuEventDestroy_v2!(rawEvent), 'cuEventDestroy_v2');
  raw.ok(raw.f.cuStreamDestroy_v2!(rawStream), 'cuStreamDestroy_v2');
  packer.release();
  driver.eventDestroy(event);
  driver.memFree(buffer);
  return [
    // docs/design.md's ≈ 5.8 µs on an H200 is the cuGraphLaunch round trip (round_trip_breakdown.ts); cuLaunchKernel's
    // is ≈ 2 µs longer, all of it host time spent inside cuLaunchKernel.
    { name: 'raw cuLaunchKernel + event-poll round trip (spin)', measured: `${fmt(rawUs)} µs`, target: '≤ 10 µs', pass: rawUs <= 10 },
    { name: 'driver launch + event-poll round trip (nextProgress) vs raw', measured: `${fmt(driverUs)} µs (${fmt(driverUs / rawUs)}× raw)`, target: '≤ 2× raw', pass: driverUs <= 2 * rawUs },
  ];
};

/** Fill and copy of 1 GiB: the driver's bandwidth as a share of raw cuMemsetD32Async / cuMemcpyDtoDAsync_v2. */
export const fillCopyBandwidth: HipBenchmark = async (ctx) => {
  const { driver, raw } = ctx;
  if (!raw) return [];
  const reps = 10;
  const a = driver.memAlloc(GiB);
  const b = driver.memAlloc(GiB);
  const rawStream = raw.stream();
  const rawEvent = raw.event();
  const gbps = (bytesMoved: number, us: number) => bytesMoved / (us * 1e3); // GB/s (1e9 bytes)

  const runRaw = (kind: 'fill' | 'copy'): number => {
    const t0 = now();
    for (let i = 0; i < reps; i++) {
      if (kind === 'fill') raw.ok(raw.f.cuMemsetD32Async!(a, 0x01020304 + i, GiB / 4, rawStream) as number, 'cuMemsetD32Async');
      else raw.ok(raw.f.cuMemcpyDtoDAsync_v2!(b, a, GiB, rawStream) as number, 'cuMemcpyDtoDAsync_v2');
    }
    raw.spinUntilDone(rawEvent, rawStream);
    return now() - t0;
  };
  const runDriver = async (kind: 'fill' | 'copy'): Promise<number> => {
    const t0 = now();
    for (let i = 0; i < reps; i++) {
      if (kind === 'fill') driver.memsetAsync({ dst: a, value: 0x01020304 + i, elementSize: 4, count: GiB / 4 }, ctx.stream);
      else driver.memcpyDtoDAsync({ dst: b, src: a, byteLength: GiB }, ctx.stream);
    }
    await driverDrain(ctx);
    return now() - t0;
  };
  const rows: BenchRow[] = [];
  for (const kind of ['fill', 'copy'] as const) {
    // Copies read and write: count both directions, as bandwidth tools do.
    const moved = reps * GiB * (kind === 'copy' ? 2 : 1);
    runRaw(kind);
    await runDriver(kind);
    let rawBest = Infinity;
    let driverBest = Infinity;
    for (let round = 0; round < 3; round++) {
      rawBest = Math.min(rawBest, runRaw(kind));
      driverBest = Math.min(driverBest, await runDriver(kind));
    }
    const share = rawBest / driverBest;
    rows.push({
      name: `${kind} 1 GiB: driver vs raw ${kind === 'fill' ? 'cuMemsetD32Async' : 'cuMemcpyDtoDAsync_v2'}`,
      measured: `${fmt(gbps(moved, driverBest), 0)} GB/s vs ${fmt(gbps(moved, rawBest), 0)} GB/s (${fmt(share * 100, 1)}%)`,
      target: '≥ 90% of raw',
      pass: share >= 0.9,
    });
  }
  raw.ok(raw.f.cuEventDestroy_v2!(rawEvent), 'cuEventDestroy_v2');
  raw.ok(raw.f.cuStreamDestroy_v2!(rawStream), 'cuStreamDestroy_v2');
  driver.memFree(a);
  driver.memFree(b);
  return rows;
};

/** The benchmarks `runHipBenchmarks` runs, in order; the raw-baseline ones first so later ones can use them. */
export const hipBenchmarks: HipBenchmark[] = [graphLaunchEnqueue, launchPollRoundTrip, fillCopyBandwidth, roundTripBreakdown, coreExecuteOnHip];

export async function runHipBenchmarks(extra: readonly HipBenchmark[] = []): Promise<BenchRow[]> {
  const driver = openHipDriver({ platform: process.env.GPUHAL_HIP_PLATFORM ?? 'auto' });
  const stream = driver.streamCreate();
  const module = driver.moduleLoad({ format: 'hip-source', source: NOOP_SOURCE, label: 'bench-noop' });
  const ctx: HipBenchContext = {
    driver,
    stream,
    noop: driver.moduleGetFunction(module, 'gh_noop'),
    noopSource: NOOP_SOURCE,
    raw: driver.info.platform === 'nvidia' ? new RawCuda() : undefined,
    baselines: {},
  };
  const rows: BenchRow[] = [];
  try {
    if (!ctx.raw) {
      rows.push({ name: 'hip raw baselines', measured: `not run on ${driver.info.platform}`, target: 'nvidia platform (raw CUDA baseline)', pass: false });
    }
    for (const bench of [...hipBenchmarks, ...extra]) rows.push(...(await bench(ctx)));
  } finally {
    driver.moduleUnload(module);
    driver.streamDestroy(stream);
    driver.destroy();
  }
  return rows;
}
