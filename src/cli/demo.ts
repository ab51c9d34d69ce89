/**
 * `gpuhal demo`: the main job. A two-queue pipeline that a newcomer can read top to bottom:
 *
 *   queue 1 (compute):  saxpy  y = a·x + y       waits x-ready ≥ 1 and y-ready ≥ 1, signals result ≥ 1
 *   queue 0 (transfer): upload x                 signals x-ready = 1
 *                       upload y                 signals y-ready = 1
 *                       read y back              waits result ≥ 1
 *
 * The compute work is submitted first, before its inputs exist (wait-before-signal): nothing runs until the
 * semaphores it waits on reach their values. The demo checks the result against the plain-TS reference and exits
 * non-zero on a mismatch. On the simulator all times are virtual, so the same seed prints the same story.
 */
import { createDevice, type Device } from '../core/device.js';
import type { Semaphore } from '../core/semaphore/semaphore.js';
import { saxpyF32, f32Bits } from '../kernels/reference.js';
import { sampleExecutableManifestInput } from '../kernels/samples.js';

export interface DemoOptions {
  readonly backend: string | readonly string[];
  readonly seed: number;
  readonly out: (line: string) => void;
}

const COUNT = 4096;
const A = 2.5;

export async function runDemo(options: DemoOptions): Promise<number> {
  const { out } = options;
  const device = await createDevice({ backend: options.backend, seed: options.seed, queueCount: 2, label: 'demo' });
  try {
    return await runPipeline(device, options);
  } finally {
    await device[Symbol.asyncDispose]();
  }
}

async function runPipeline(device: Device, { out, seed }: DemoOptions): Promise<number> {
  const clock = device.driver;
  const started = clock.now();
  const at = (): string => `${(Number(clock.now() - started) / 1000).toFixed(3).padStart(9)} µs`;
  const virtual = device.info.platform === 'sim';

  out(`gpuhal demo on ${device.info.name} (backend ${device.info.backend}${virtual ? `, seed ${seed}, virtual time` : ''})`);
  for (const note of device.info.backendNotes) out(`  note: ${note}`);
  out('');
  out(`Plan: y = ${A}·x + y over ${COUNT} floats, on two queues.`);
  out('  queue 1 (compute)  : saxpy, waits for "x-ready" ≥ 1 and "y-ready" ≥ 1, then signals "result" = 1');
  out('  queue 0 (transfer) : upload x → "x-ready" = 1; upload y → "y-ready" = 1; read y back once "result" ≥ 1');
  out('The compute work is submitted first, before its inputs exist (wait-before-signal).');
  out('');

  const [transfer, compute] = device.queues as [typeof device.queue, typeof device.queue];
  const executable = await device.createExecutable(sampleExecutableManifestInput(), { label: 'samples' });
  const entry = executable.entryPoint('saxpy_f32');
  const bytes = COUNT * 4;
  const x = device.createBuffer({ byteLength: bytes, label: 'x' });
  const y = device.createBuffer({ byteLength: bytes, label: 'y' });
  const xReady = device.createSemaphore(0n, { label: 'x-ready' });
  const yReady = device.createSemaphore(0n, { label: 'y-ready' });
  const result = device.createSemaphore(0n, { label: 'result' });

  // Inputs chosen so every product is exact in f32: the check below can demand bit-identical results.
  const xs = Float32Array.from({ length: COUNT }, (_, i) => (i % 97) - 48);
  const ys = Float32Array.from({ length: COUNT }, (_, i) => (i % 13) * 0.5);

  const story: string[] = [];
  const say = (line: string): void => { story.push(`${at()}  ${line}`); };
  const watch = (semaphore: Semaphore, value: bigint): void => {
    semaphore.wait(value).then(
      () => say(`semaphore "${semaphore.label}" reached ${value}`),
      (error: unknown) => say(`semaphore "${semaphore.label}" failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  for (const semaphore of [xReady, yReady, result]) watch(semaphore, 1n);

  const commands = device.createCommandBuffer({ label: 'saxpy' });
  commands.begin();
  commands.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: x }, { binding: 1, buffer: y }] });
  commands.pushConstants({ layout: entry.layout, values: [f32Bits(A), COUNT] });
  commands.dispatch({ executable, entryPoint: 'saxpy_f32', workgroupCount: [Math.ceil(COUNT / entry.workgroupSize[0]), 1, 1] });
  commands.end();

  compute.execute({
    commandBuffers: [commands],
    waits: [{ semaphore: xReady, value: 1n }, { semaphore: yReady, value: 1n }],
    signals: [{ semaphore: result, value: 1n }],
  });
  say('submitted saxpy on queue 1 — it must wait: "x-ready" and "y-ready" are still 0');
  transfer.update({ data: xs, buffer: x, signals: [{ semaphore: xReady, value: 1n }] });
  say('submitted upload of x on queue 0');
  transfer.update({ data: ys, buffer: y, signals: [{ semaphore: yReady, value: 1n }] });
  say('submitted upload of y on queue 0');
  const readBack = transfer.read({ buffer: y, waits: [{ semaphore: result, value: 1n }] });
  say('submitted read-back of y on queue 0 (waits for "result" ≥ 1)');

  const data = await readBack;
  say('read-back complete');
  // Let the last semaphore observers print before the story is shown.
  await result.wait(1n);
  await new Promise((resolve) => setImmediate(resolve));

  out('What happened, in order:');
  for (const line of story) out(line);
  out('');
  out('Semaphore values now: ' + [xReady, yReady, result].map((s) => `"${s.label}" = ${s.query()}`).join(', '));

  const expected = ys.slice();
  saxpyF32(xs, expected, A, COUNT);
  const got = new Float32Array(data.buffer, data.byteOffset, COUNT);
  let mismatches = 0;
  let firstBad = -1;
  for (let i = 0; i < COUNT; i++) {
    if (Object.is(got[i], expected[i])) continue;
    if (mismatches++ === 0) firstBad = i;
  }
  if (mismatches > 0) {
    out(`Result: WRONG — ${mismatches} of ${COUNT} values differ from the reference; first at [${firstBad}]: got ${got[firstBad]}, expected ${expected[firstBad]}`);
    return 1;
  }
  out(`Result: all ${COUNT} values match the reference (y = ${A}·x + y). OK`);
  for (const object of [commands, executable, x, y, xReady, yReady, result]) object.destroy();
  return 0;
}
