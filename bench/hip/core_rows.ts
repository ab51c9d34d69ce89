/**
 * Core-level rows on the hip backend, measured in the same run as the raw baselines of index.ts:
 *   - queue.execute enqueue (one command buffer of one fill_u32 dispatch, one signal) vs the raw launch call its
 *     lowering makes: cuGraphLaunch (graph mode), cuLaunchKernel (stream mode)
 *   - execute → semaphore wait round trip vs the raw round trip of the same launch kind (record + spin-poll), split
 *     into the execute call and the wait, also with one stream per queue; and vs PyTorch CUDAGraph.replay() +
 *     synchronize (python3 with torch on the GPU machine; bench/hip/torch_graph_replay.py), for both lowerings
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from '../core/bench_row.js';
import { createDevice } from '../../src/index.js';
import { sampleExecutableManifestInput } from '../../src/kernels/samples.js';
import type { HipBenchmark } from './index.js';
import type { HipPlatform } from '../../src/backends/hip/platform_api.js';

const fmt = (v: number) => v.toFixed(2);
const now = () => Number(process.hrtime.bigint()) / 1000; // µs
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface TorchResult {
  readonly device: string;
  readonly torch: string;
  readonly replay_enqueue_us: number;
  readonly replay_sync_us: number;
}

function torchBaseline(): TorchResult | string {
  const script = [new URL('../../../bench/hip/torch_graph_replay.py', import.meta.url), new URL('./torch_graph_replay.py', import.meta.url)]
    .map((u) => fileURLToPath(u))
    .find((p) => existsSync(p));
  if (!script) return 'torch_graph_replay.py not found';
  const run = spawnSync('python3', [script], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) return `python3 failed (${run.status ?? run.signal}): ${(run.stderr ?? '').trim().split('\n').slice(-1)[0] ?? ''}`;
  try {
    return JSON.parse(run.stdout.trim().split('\n').slice(-1)[0]!) as TorchResult;
  } catch {
    return `unexpected python3 output: ${run.stdout.slice(0, 200)}`;
  }
}

interface CoreTimings {
  readonly enqueueUs: number;
  readonly roundTripUs: number;
  /** Of the round trip: the execute() call itself (host enqueue), the rest being the wait for completion. */
  readonly executeCallUs: number;
}

/**
 * Times queue.execute of a one-dispatch command buffer lowered in `mode`: enqueue cost and execute → wait round
 * trip (`streamsPerQueue` as the device option; the default when undefined).
 */
async function timeCoreExecute(platform: HipPlatform, mode: 'graph' | 'stream', streamsPerQueue?: number): Promise<CoreTimings> {
  const device = await createDevice({ backend: 'hip', hip: { platform }, commandBufferMode: mode, ...(streamsPerQueue === undefined ? {} : { streamsPerQueue }) });
  try {
    const exe = await device.createExecutable(sampleExecutableManifestInput());
    const buffer = device.createBuffer({ byteLength: 256 });
    const entry = exe.entryPoint('fill_u32');
    const cb = device.createCommandBuffer({ label: 'one-dispatch' });
    cb.begin();
    cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer }] });
    cb.pushConstants({ layout: entry.layout, values: [1, 64] });
    cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] });
    cb.end();
    const s = device.createSemaphore(0n);
    const commandBuffers = [cb];
    let value = 0n;

    // Enqueue: batches of executes, timed without their completion. Each waits on the previous one's value and
    // signals the next: like the raw launches on one stream they run in order (without the wait a queue may run
    // them in any order, so the round's last value would not mean the whole batch completed — rule 4).
    const enqueueRound = async (batch: number): Promise<number> => {
      const t0 = now();
      for (let i = 0; i < batch; i++) device.queue.execute({ commandBuffers, waits: [{ semaphore: s, value }], signals: [{ semaphore: s, value: ++value }] });
      const per = (now() - t0) / batch;
      await s.wait(value);
      return per;
    };
    for (let i = 0; i < 10; i++) await enqueueRound(200);
    const enqueue: number[] = [];
    for (let i = 0; i < 40; i++) enqueue.push(await enqueueRound(200));

    // Round trip: execute, then await the semaphore. The execute call alone is timed too (a clock read costs
    // well under 0.1 µs), which splits the round trip into host enqueue and waiting for completion.
    let executeCallUs = 0;
    const roundTrips = async (n: number): Promise<number> => {
      let inCall = 0;
      const t0 = now();
      for (let i = 0; i < n; i++) {
        const c0 = now();
        device.queue.execute({ commandBuffers, signals: [{ semaphore: s, value: ++value }] });
        inCall += now() - c0;
        await s.wait(value);
      }
      const perRoundTrip = (now() - t0) / n;
      executeCallUs = inCall / n;
      return perRoundTrip;
    };
    await roundTrips(500);
    const first = await roundTrips(2000);
    const firstCall = executeCallUs;
    const second = await roundTrips(2000);
    const roundTripUs = Math.min(first, second);
    if (first < second) executeCallUs = firstCall;
    cb.destroy();
    buffer.destroy();
    exe.destroy();
    return { enqueueUs: median(enqueue), roundTripUs, executeCallUs };
  } finally {
    await device[Symbol.asyncDispose]();
  }
}

export const coreExecuteOnHip: HipBenchmark = async (ctx) => {
  const rawEnqueue = ctx.baselines.graphLaunchEnqueueUs;
  const rawRoundTrip = ctx.baselines.launchPollRoundTripUs;
  if (!ctx.raw || rawEnqueue === undefined || rawRoundTrip === undefined) return [];
  const graph = await timeCoreExecute(ctx.driver.info.platform as HipPlatform, 'graph');
  const stream = await timeCoreExecute(ctx.driver.info.platform as HipPlatform, 'stream');
  const streamOneLane = await timeCoreExecute(ctx.driver.info.platform as HipPlatform, 'stream', 1);
  const graphOneLane = await timeCoreExecute(ctx.driver.info.platform as HipPlatform, 'graph', 1);
  const rawGraphRoundTrip = ctx.baselines.graphPollRoundTripUs;
  const rawLaunchEnqueue = ctx.baselines.launchKernelEnqueueUs;
  const rows: BenchRow[] = [
    {
      name: 'core execute enqueue, graph command buffer (1 dispatch, 1 wait on the previous, 1 signal) vs raw cuGraphLaunch',
      measured: `${fmt(graph.enqueueUs)} µs (${fmt(graph.enqueueUs / rawEnqueue)}× raw ${fmt(rawEnqueue)} µs)`,
      target: '≤ 2× raw',
      pass: graph.enqueueUs <= 2 * rawEnqueue,
    },
    ...(rawLaunchEnqueue === undefined
      ? []
      : [
          {
            name: 'core execute enqueue, stream command buffer (1 dispatch, 1 wait on the previous, 1 signal) vs raw cuLaunchKernel',
            measured: `${fmt(stream.enqueueUs)} µs (${fmt(stream.enqueueUs / rawLaunchEnqueue)}× raw ${fmt(rawLaunchEnqueue)} µs)`,
            target: '≤ 2× raw',
            pass: stream.enqueueUs <= 2 * rawLaunchEnqueue,
          },
        ]),
    // Like for like: a graph command buffer against the raw graph launch round trip (the ≈ 5.8 µs of docs/design.md),
    // a stream one against the raw cuLaunchKernel round trip.
    ...(
      [
        ['graph', graph, graphOneLane, 'cuGraphLaunch', rawGraphRoundTrip ?? rawRoundTrip],
        ['stream', stream, streamOneLane, 'cuLaunchKernel', rawRoundTrip],
      ] as const
    ).map(([mode, t, oneLane, rawCall, rawUs]) => ({
      name: `core execute → semaphore wait round trip, ${mode} command buffer, vs raw ${rawCall} + event poll`,
      measured:
        `${fmt(t.roundTripUs)} µs (${fmt(t.roundTripUs / rawUs)}× raw ${fmt(rawUs)} µs; execute call ${fmt(t.executeCallUs)} µs; ` +
        `1 stream per queue: ${fmt(oneLane.roundTripUs)} µs, execute call ${fmt(oneLane.executeCallUs)} µs)`,
      target: '≤ 1.5× raw',
      pass: t.roundTripUs <= 1.5 * rawUs,
    })),
  ];
  // The goal: a one-kernel *graph* command buffer round trip faster than PyTorch's CUDAGraph.replay() + synchronize.
  // The stream lowering is reported alongside for understanding, not as a goal: on CUDA it cannot meet it, since
  // cuLaunchKernel alone costs ≈ 1.7 µs more host time than cuGraphLaunch (round_trip_breakdown.ts).
  const torch = torchBaseline();
  for (const [mode, t] of [['graph', graph], ['stream', stream]] as const) {
    const name = `core execute → semaphore round trip, ${mode} command buffer, vs PyTorch CUDAGraph.replay()+synchronize`;
    const informational = mode === 'stream';
    const target = informational ? 'info: the goal is set for graph command buffers' : '< 1× PyTorch (faster)';
    rows.push(
      typeof torch === 'string'
        ? { name, measured: `not measured: ${torch}`, target, pass: false, informational }
        : {
            name,
            measured: `${fmt(t.roundTripUs)} µs vs ${fmt(torch.replay_sync_us)} µs (${fmt(t.roundTripUs / torch.replay_sync_us)}×; torch ${torch.torch}, replay enqueue ${fmt(torch.replay_enqueue_us)} µs)`,
            target,
            pass: t.roundTripUs < torch.replay_sync_us,
            informational,
          },
    );
  }
  return rows;
};
