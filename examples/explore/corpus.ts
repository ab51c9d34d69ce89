/**
 * A corpus of order-dependent GPU synchronization bugs, each a small gpuhal scenario with its fixed twin.
 *
 * Every bug passes on the explorer's default order (or, for the lost update, on every seed of the plain
 * simulator) and fails only under some schedule; every fixed twin passes every schedule. `minimalDeviations` is
 * the fewest deviations from the default order of any failing schedule (0: the default order itself fails), which
 * shrinking must reach; `depth` is the bug depth PCT is given. `gpuhal explore` loads this module (`scenarios`).
 */
import { HalError, StatusCode, type Device } from '../../src/index.js';
import { sampleExecutableManifestInput } from '../../src/kernels/samples.js';
import type { Scenario } from '../../src/testing/index.js';

export interface CorpusEntry {
  readonly name: string;
  /** value-dependent wait, host interleaving, memory reuse timing, fault timing, kernel race, missing barrier. */
  readonly kind: string;
  readonly what: string;
  readonly bug: Scenario;
  readonly fixed: Scenario;
  readonly minimalDeviations: number;
  readonly depth: number;
}

function expectBytes(bytes: Uint8Array, value: number, what: string): void {
  const wrong = bytes.findIndex((b) => b !== value);
  if (wrong >= 0) throw new Error(`${what}: byte ${wrong} is ${bytes[wrong]}, expected ${value}`);
}

/**
 * Value order: two producers signal one timeline semaphore (1 and 2) without being ordered with each other. The
 * host waits for 2 and assumes 1's work is done too (a timeline only moves up). If the signal of 2 lands first,
 * the host reads a buffer the first producer has not written yet.
 */
function valueOrder(fixed: boolean): Scenario {
  return {
    name: fixed ? 'value-order-fixed' : 'value-order',
    device: { queueCount: 2 },
    async run({ device }) {
      const a = device.createBuffer({ byteLength: 64, label: 'a' });
      const b = device.createBuffer({ byteLength: 64, label: 'b' });
      const progress = device.createSemaphore(0n, { label: 'progress' });
      device.queues[0]!.fill({ buffer: a, pattern: 7, patternLength: 1, signals: [{ semaphore: progress, value: 1n }] });
      device.queues[1]!.fill({
        buffer: b, pattern: 9, patternLength: 1,
        waits: fixed ? [{ semaphore: progress, value: 1n }] : [], // the bug: 2 may be signaled before 1
        signals: [{ semaphore: progress, value: 2n }],
      });
      await progress.wait(2n);
      expectBytes(await device.queues[1]!.read({ buffer: a }), 7, 'a after progress ≥ 2');
    },
  };
}

/**
 * Value order on the device: a copy waits for `progress ≥ 1` (the fill of `a`), but a second producer signals 2
 * without waiting for 1. A wait on ≥ 1 is met by the signal of 2 as well, and if that one lands first the copy
 * reads `a` before it was filled. Without the explorer's "which signal covers the wait" choice the core always
 * follows the lowest covering signal, and this never shows.
 */
function coveringSignal(fixed: boolean): Scenario {
  return {
    name: fixed ? 'covering-signal-fixed' : 'covering-signal',
    device: { queueCount: 3 },
    async run({ device }) {
      const a = device.createBuffer({ byteLength: 64, label: 'a' });
      const b = device.createBuffer({ byteLength: 64, label: 'b' });
      const out = device.createBuffer({ byteLength: 64, label: 'out' });
      const progress = device.createSemaphore(0n, { label: 'progress' });
      const copied = device.createSemaphore(0n, { label: 'copied' });
      device.queues[0]!.fill({ buffer: a, pattern: 7, patternLength: 1, signals: [{ semaphore: progress, value: 1n }] });
      device.queues[1]!.fill({
        buffer: b, pattern: 9, patternLength: 1,
        waits: fixed ? [{ semaphore: progress, value: 1n }] : [], // the bug: 2 may be signaled before 1
        signals: [{ semaphore: progress, value: 2n }],
      });
      device.queues[2]!.copy({ source: a, target: out, length: 64, waits: [{ semaphore: progress, value: 1n }], signals: [{ semaphore: copied, value: 1n }] });
      await device.waitSemaphores('all', [{ semaphore: copied, value: 1n }, { semaphore: progress, value: 2n }]);
      expectBytes(await device.queues[2]!.read({ buffer: out }), 7, 'out (a copy of a after progress ≥ 1)');
    },
  };
}

/**
 * Wait-any: the host waits for *any* of two producers and then uses the first one's output, as if "any" meant
 * "the one I expect". Whichever signal lands first releases the wait.
 */
function waitAny(fixed: boolean): Scenario {
  return {
    name: fixed ? 'wait-any-fixed' : 'wait-any',
    device: { queueCount: 2 },
    async run({ device }) {
      const a = device.createBuffer({ byteLength: 64, label: 'a' });
      const b = device.createBuffer({ byteLength: 64, label: 'b' });
      const aDone = device.createSemaphore(0n, { label: 'a-done' });
      const bDone = device.createSemaphore(0n, { label: 'b-done' });
      device.queues[0]!.fill({ buffer: a, pattern: 3, patternLength: 1, signals: [{ semaphore: aDone, value: 1n }] });
      device.queues[1]!.fill({ buffer: b, pattern: 4, patternLength: 1, signals: [{ semaphore: bDone, value: 1n }] });
      await device.waitSemaphores('any', [{ semaphore: aDone, value: 1n }, { semaphore: bDone, value: 1n }]);
      // The fix: "any" says one of them is done; ask which before using a.
      if (fixed && aDone.query() < 1n) await aDone.wait(1n);
      expectBytes(await device.queues[0]!.read({ buffer: a }), 3, 'a after the wait for any');
    },
  };
}

/**
 * Host interleaving: two async host tasks each wait for their own GPU work and then publish a result; the program
 * assumes the task submitted second publishes last. Nothing orders the two GPU operations, so either task may
 * resume first.
 */
function hostInterleaving(fixed: boolean): Scenario {
  return {
    name: fixed ? 'host-interleaving-fixed' : 'host-interleaving',
    device: { queueCount: 2 },
    async run({ device }) {
      const buffer = device.createBuffer({ byteLength: 64 });
      const first = device.createSemaphore(0n, { label: 'first' });
      const second = device.createSemaphore(0n, { label: 'second' });
      let published = '';
      const task = async (queue: number, semaphore: typeof first, waitFor: typeof first | null, name: string): Promise<void> => {
        device.queues[queue]!.fill({
          buffer, offset: queue * 32, length: 32, pattern: queue + 1, patternLength: 1,
          waits: waitFor ? [{ semaphore: waitFor, value: 1n }] : [],
          signals: [{ semaphore: semaphore, value: 1n }],
        });
        await semaphore.wait(1n);
        published = name;
      };
      await Promise.all([task(0, first, null, 'first'), task(1, second, fixed ? first : null, 'second')]);
      if (published !== 'second') throw new Error(`published ${published}, expected the second task's result`);
    },
  };
}

/**
 * Host interleaving around one semaphore: two host tasks wait for the same signal and each then appends its part
 * of a message; the program assumes they resume in the order they started waiting. Both are released by one
 * signal, and nothing says which continuation runs first.
 */
function hostResume(fixed: boolean): Scenario {
  return {
    name: fixed ? 'host-resume-fixed' : 'host-resume',
    async run({ device }) {
      const buffer = device.createBuffer({ byteLength: 64 });
      const ready = device.createSemaphore(0n, { label: 'ready' });
      const headerWritten = device.createSemaphore(0n, { label: 'header-written' });
      const parts: string[] = [];
      const header = (async () => {
        await ready.wait(1n);
        parts.push('header');
        headerWritten.signal(1n);
      })();
      const body = (async () => {
        await (fixed ? headerWritten : ready).wait(1n); // the bug: waits for the same signal as the header
        parts.push('body');
      })();
      device.queue.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: ready, value: 1n }] });
      await Promise.all([header, body]);
      if (parts.join(',') !== 'header,body') throw new Error(`message is ${parts.join(',')}, expected header,body`);
    },
  };
}

/**
 * Memory reuse timing: a staging buffer is refilled for the next transfer once the previous *upload* finished,
 * not once the *copy out of it* finished; if the refill lands before the copy reads, the copy moves the wrong data.
 */
function stagingReuse(fixed: boolean): Scenario {
  return {
    name: fixed ? 'staging-reuse-fixed' : 'staging-reuse',
    device: { queueCount: 2 },
    async run({ device }) {
      const staging = device.createBuffer({ byteLength: 64, label: 'staging' });
      const out = device.createBuffer({ byteLength: 64, label: 'out' });
      const uploaded = device.createSemaphore(0n, { label: 'uploaded' });
      const copied = device.createSemaphore(0n, { label: 'copied' });
      device.queues[0]!.update({ buffer: staging, data: new Uint8Array(64).fill(1), signals: [{ semaphore: uploaded, value: 1n }] });
      device.queues[1]!.copy({ source: staging, target: out, length: 64, waits: [{ semaphore: uploaded, value: 1n }], signals: [{ semaphore: copied, value: 1n }] });
      device.queues[0]!.update({
        buffer: staging, data: new Uint8Array(64).fill(2),
        waits: [{ semaphore: fixed ? copied : uploaded, value: 1n }], // the bug: the copy may not have read it yet
        signals: [{ semaphore: uploaded, value: 2n }],
      });
      await device.waitSemaphores('all', [{ semaphore: copied, value: 1n }, { semaphore: uploaded, value: 2n }]);
      expectBytes(await device.queues[1]!.read({ buffer: out }), 1, 'out (the first transfer)');
    },
  };
}

/**
 * Fault timing: a watchdog treats a slow GPU as a failure. Nothing bounds how long GPU work takes, so a timeout
 * may fire first; the fixed twin keeps waiting after a timeout (and still fails on a real failure).
 */
function watchdog(fixed: boolean): Scenario {
  return {
    name: fixed ? 'watchdog-fixed' : 'watchdog',
    async run({ device }) {
      const buffer = device.createBuffer({ byteLength: 4096 });
      const done = device.createSemaphore(0n, { label: 'done' });
      device.queue.fill({ buffer, pattern: 3, patternLength: 1, signals: [{ semaphore: done, value: 1n }] });
      for (;;) {
        try {
          await done.wait(1n, { timeoutMs: 1 });
          break;
        } catch (error) {
          if (!fixed || !HalError.is(error, StatusCode.DEADLINE_EXCEEDED)) throw error;
        }
      }
      expectBytes(await device.queue.read({ buffer, length: 16 }), 3, 'buffer');
    },
  };
}

async function scaleInPlace(device: Device, ordered: boolean): Promise<Int32Array> {
  const executable = await device.createExecutable(sampleExecutableManifestInput(), { label: 'samples' });
  const scale = executable.entryPoint('scale_i32');
  const x = device.createBuffer({ byteLength: 64, label: 'x' });
  const written = device.createSemaphore(0n, { label: 'written' });
  const doubled = device.createSemaphore(0n, { label: 'doubled' });
  const tripled = device.createSemaphore(0n, { label: 'tripled' });
  device.queues[0]!.update({ buffer: x, data: new Int32Array(16).fill(1), signals: [{ semaphore: written, value: 1n }] });
  const commandsFor = (k: number) => {
    const commands = device.createCommandBuffer({ label: `x *= ${k}` });
    commands.begin();
    commands.pushDescriptorSet({ layout: scale.layout, set: 0, bindings: [{ binding: 0, buffer: x }] });
    commands.pushConstants({ layout: scale.layout, values: [k, 16] });
    commands.dispatch({ executable, entryPoint: 'scale_i32', workgroupCount: [1, 1, 1] });
    commands.end();
    return commands;
  };
  device.queues[0]!.execute({ commandBuffers: [commandsFor(2)], waits: [{ semaphore: written, value: 1n }], signals: [{ semaphore: doubled, value: 1n }] });
  device.queues[1]!.execute({
    commandBuffers: [commandsFor(3)],
    waits: [{ semaphore: ordered ? doubled : written, value: 1n }], // the bug: both read-modify-write x at once
    signals: [{ semaphore: tripled, value: 1n }],
  });
  await device.waitSemaphores('all', [{ semaphore: doubled, value: 1n }, { semaphore: tripled, value: 1n }]);
  return new Int32Array((await device.queues[0]!.read({ buffer: x })).buffer);
}

/**
 * Kernel race: two in-place kernels (×2 and ×3) on one buffer with no semaphore between them. Applied one after
 * the other in either order they give ×6, so a simulator that applies each operation at once never shows it;
 * overlapping, one of them reads before the other writes and an update is lost.
 */
function lostUpdate(fixed: boolean): Scenario {
  return {
    name: fixed ? 'lost-update-fixed' : 'lost-update',
    device: { queueCount: 2 },
    async run({ device }) {
      const x = await scaleInPlace(device, fixed);
      const wrong = x.findIndex((v) => v !== 6);
      if (wrong >= 0) throw new Error(`x[${wrong}] is ${x[wrong]}, expected 6 (×2 and ×3)`);
    },
  };
}

/**
 * Torn read: a monitor reads a buffer that an upload is rewriting, without waiting for it, and accepts either the
 * old or the new contents. Were each operation's writes to land at once it would always see one or the other; but
 * an upload (or copy) lands chunk by chunk, and a read in between sees part of each.
 */
function tornRead(fixed: boolean): Scenario {
  return {
    name: fixed ? 'torn-read-fixed' : 'torn-read',
    device: { queueCount: 2 },
    async run({ device }) {
      const buffer = device.createBuffer({ byteLength: 64, label: 'state' });
      const written = device.createSemaphore(0n, { label: 'written' });
      await device.queues[0]!.read({ buffer }); // zeros; the read orders nothing, it only lets the device start
      device.queues[0]!.update({ buffer, data: new Uint8Array(64).fill(2), signals: [{ semaphore: written, value: 1n }] });
      const seen = await device.queues[1]!.read({ buffer, waits: fixed ? [{ semaphore: written, value: 1n }] : [] });
      if (new Set(seen).size !== 1) throw new Error(`the read saw a torn buffer: ${seen[0]} … ${seen[63]}`);
      await written.wait(1n);
    },
  };
}

/** Missing barrier inside a command buffer: a copy reads what a fill recorded before it writes. */
function missingBarrier(fixed: boolean): Scenario {
  return {
    name: fixed ? 'missing-barrier-fixed' : 'missing-barrier',
    async run({ device }) {
      const a = device.createBuffer({ byteLength: 64, label: 'a' });
      const b = device.createBuffer({ byteLength: 64, label: 'b' });
      const done = device.createSemaphore(0n, { label: 'done' });
      const commands = device.createCommandBuffer({ label: 'fill-then-copy' });
      commands.begin();
      commands.fill({ buffer: a, pattern: 4, patternLength: 1 });
      if (fixed) commands.executionBarrier(); // the bug: no barrier between the fill and the copy
      commands.copy({ source: a, sourceOffset: 0, target: b, targetOffset: 0, length: 64 });
      commands.end();
      device.queue.execute({ commandBuffers: [commands], signals: [{ semaphore: done, value: 1n }] });
      expectBytes(await device.queue.read({ buffer: b, waits: [{ semaphore: done, value: 1n }] }), 4, 'b');
    },
  };
}

const entry = (name: string, kind: string, what: string, make: (fixed: boolean) => Scenario, minimalDeviations: number, depth: number): CorpusEntry =>
  ({ name, kind, what, bug: make(false), fixed: make(true), minimalDeviations, depth });

export const corpus: readonly CorpusEntry[] = [
  entry('value-order', 'value-dependent wait', 'signal 2 lands before signal 1; the host reads early', valueOrder, 2, 2),
  entry('covering-signal', 'value-dependent wait', 'a device wait on ≥ 1 released by an early signal of 2', coveringSignal, 3, 3),
  entry('wait-any', 'value-dependent wait', 'a wait for any producer is taken to mean the first one finished', waitAny, 2, 2),
  entry('host-interleaving', 'host interleaving', 'two host tasks publish in completion order', hostInterleaving, 1, 2),
  entry('host-resume', 'host interleaving', 'two host tasks released by one signal resume in either order', hostResume, 1, 1),
  entry('staging-reuse', 'memory reuse timing', 'a staging buffer is refilled before the copy out of it read it', stagingReuse, 1, 2),
  entry('watchdog', 'fault timing', 'a timeout fires before slow GPU work completes', watchdog, 1, 2),
  entry('lost-update', 'kernel race', 'two in-place kernels overlap and lose an update', lostUpdate, 0, 1),
  entry('torn-read', 'memory reuse timing', 'a read between the chunks of an upload sees part of each', tornRead, 1, 2),
  entry('missing-barrier', 'missing barrier', 'a copy runs before the fill recorded ahead of it', missingBarrier, 0, 1),
];

/** Every scenario by name, bug and fixed twin alike (what `gpuhal explore` lists). */
export const scenarios: Readonly<Record<string, Scenario>> = Object.fromEntries(
  corpus.flatMap((e) => [[e.bug.name!, e.bug], [e.fixed.name!, e.fixed]]),
);
