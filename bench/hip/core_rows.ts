/**
 * Core-level rows on the hip backend, measured in the same run as the raw baselines of index.ts:
 *   - queue.execute enqueue (one command buffer of one fill_u32 dispatch, one signal) vs raw cuGraphLaunch
 *   - execute → semaphore wait round trip vs raw launch + event-poll, and vs PyTorch CUDAGraph.replay() + synchronize
 *     (python3 with torch on the GPU machine; bench/hip/torch_graph_replay.py), for graph- and stream-mode command
 *     buffers
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from '../core/bench_row.js';
import { createDevice } from '../../src/index.js';
import { sampleExecutableManifestInput } from '../../src/kernels/samples.js';
import type { HipBenchmark } from './index.js';

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
}

/** Times queue.execute of a one-dispatch command buffer lowered in `mode`: enqueue cost and execute → wait round trip. */
async function timeCoreExecute(platform: string, mode: 'graph' | 'stream'): Promise<CoreTimings> {
  const device = await createDevice({ backend: 'hip', hip: { platform }, commandBufferMode: mode });
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

    // Round trip: execute, then await the semaphore.
    const roundTrips = async (n: number): Promise<number> => {
      const t0 = now();
      for (let i = 0; i < n; i++) {
        device.queue.execute({ commandBuffers, signals: [{ semaphore: s, value: ++value }] });
        await s.wait(value);
      }
      return (now() - t0) / n;
    };
    await roundTrips(500);
    const roundTripUs = Math.min(await roundTrips(2000), await roundTrips(2000));
    cb.destroy();
    buffer.destroy();
    exe.destroy();
    return { enqueueUs: median(enqueue), roundTripUs };
  } finally {
    await device[Symbol.asyncDispose]();
  }
}

export const coreExecuteOnHip: HipBenchmark = async (ctx) => {
  const rawEnqueue = ctx.baselines.graphLaunchEnqueueUs;
  const rawRoundTrip = ctx.baselines.launchPollRoundTripUs;
  if (!ctx.raw || rawEnqueue === undefined || rawRoundTrip === undefined) return [];
  const graph = await timeCoreExecute(ctx.driver.info.platform, 'graph');
  const stream = await timeCoreExecute(ctx.driver.info.platform, 'stream');
  const rows: BenchRow[] = [
    {
      name: 'core execute enqueue, graph command buffer (1 dispatch, 1 wait on the previous, 1 signal) vs raw cuGraphLaunch',
      measured: `${fmt(graph.enqueueUs)} µs (${fmt(graph.enqueueUs / rawEnqueue)}× raw ${fmt(rawEnqueue)} µs)`,
      target: '≤ 2× raw',
      pass: graph.enqueueUs <= 2 * rawEnqueue,
    },
    {
      name: 'core execute → semaphore wait round trip, graph command buffer, vs raw launch + event poll',
      measured: `${fmt(graph.roundTripUs)} µs (${fmt(graph.roundTripUs / rawRoundTrip)}× raw ${fmt(rawRoundTrip)} µs)`,
      target: '≤ 1.5× raw',
      pass: graph.roundTripUs <= 1.5 * rawRoundTrip,
    },
  ];
  // The bar: faster than PyTorch's CUDAGraph.replay() + synchronize. Reported for both lowerings: a
  // one-dispatch command buffer replayed onto the stream skips the graph launch's extra latency.
  const torch = torchBaseline();
  for (const [mode, t] of [['graph', graph], ['stream', stream]] as const) {
    const name = `core execute → semaphore round trip, ${mode} command buffer, vs PyTorch CUDAGraph.replay()+synchronize`;
    rows.push(
      typeof torch === 'string'
        ? { name, measured: `not measured: ${torch}`, target: '< 1× PyTorch (faster)', pass: false }
        : {
            name,
            measured: `${fmt(t.roundTripUs)} µs vs ${fmt(torch.replay_sync_us)} µs (${fmt(t.roundTripUs / torch.replay_sync_us)}×; torch ${torch.torch}, replay enqueue ${fmt(torch.replay_enqueue_us)} µs)`,
            target: '< 1× PyTorch (faster)',
            pass: t.roundTripUs < torch.replay_sync_us,
          },
    );
  }
  return rows;
};
