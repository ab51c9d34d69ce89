/**
 * Real programs that waited forever, from public trackers, each as a small gpuhal program with its fixed twin. The
 * race checker orders operations; it does not look for waits that nothing can satisfy. The stall diagnosis
 * (`device.diagnoseStall()`) does: the bug must leave the host waiting with a diagnosis that names the wait and
 * what blocks it, and the twin must finish with no diagnosis and no race report.
 */
import { queues, type TrackerProgram } from './tracker_program.js';

/** A stall: the bug's `run` never settles by itself. */
export interface StallEntry extends TrackerProgram {
  /** What the diagnosis must say (each must appear in its message). */
  readonly diagnosis: readonly (string | RegExp)[];
  /** Whether the diagnosis must find a cycle of submissions. */
  readonly cycle: boolean;
}

export const stallCorpus: readonly StallEntry[] = [
  /**
   * An application hung on its first frame: each queue's submission waited for a semaphore that only the other
   * queue's submission would signal. Timeline semaphores allow waiting before signaling across queues, and "it's
   * the client's job to ensure that they don't end up with any circular dependencies".
   * https://github.com/KhronosGroup/Vulkan-Docs/issues/2173
   */
  {
    name: 'two queues each wait for the other before signaling',
    source: 'https://github.com/KhronosGroup/Vulkan-Docs/issues/2173',
    queueCount: 2,
    diagnosis: [/wait cycle: #\d+ → #\d+ → #\d+/, 'host wait (all) for rendered ≥ 1n (now 0n)'],
    cycle: true,
    run: async (device, fixed) => {
      const [graphics, compute] = queues(device);
      const simulated = device.createSemaphore(0n, { label: 'simulated' });
      const rendered = device.createSemaphore(0n, { label: 'rendered' });
      const particles = device.createBuffer({ byteLength: 1024, label: 'particles' });
      const frame = device.createBuffer({ byteLength: 1024, label: 'frame' });
      // The bug: compute waits for the previous frame's rendering, which this frame's rendering waits for in turn.
      compute.fill({
        label: 'simulate', buffer: particles, pattern: 1, patternLength: 1,
        waits: fixed ? [] : [{ semaphore: rendered, value: 1n }],
        signals: [{ semaphore: simulated, value: 1n }],
      });
      graphics.copy({
        label: 'render', source: particles, target: frame, length: 1024,
        waits: [{ semaphore: simulated, value: 1n }], signals: [{ semaphore: rendered, value: 1n }],
      });
      await rendered.wait(1n);
    },
  },
  /**
   * The host waited for the producer of a later timeline value while that producer needed host work the host only
   * did after its wait returned: submission A waits gate 1 and signals S = 1, B waits gate 2 and signals S = 2; the
   * host opens gate 1, waits, then opens gate 2. Waiting for S ≥ 2 (the later producer) instead of S ≥ 1 deadlocks.
   * https://github.com/ROCm/hrx-system/issues/559
   */
  {
    name: 'the host waits for a later value whose producer needs the host',
    source: 'https://github.com/ROCm/hrx-system/issues/559',
    queueCount: 2,
    diagnosis: ['host wait (all) for S ≥ 2n (now 1n)', /gate 2 ≥ 1n \(now 0n\): no pending submission signals it/],
    cycle: false,
    run: async (device, fixed) => {
      const [q0, q1] = queues(device);
      const s = device.createSemaphore(0n, { label: 'S' });
      const gate1 = device.createSemaphore(0n, { label: 'gate 1' });
      const gate2 = device.createSemaphore(0n, { label: 'gate 2' });
      q0.barrier({ label: 'A', waits: [{ semaphore: gate1, value: 1n }], signals: [{ semaphore: s, value: 1n }] });
      q1.barrier({ label: 'B', waits: [{ semaphore: gate2, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
      gate1.signal(1n);
      await s.wait(fixed ? 1n : 2n);
      gate2.signal(1n);
      await s.wait(2n);
    },
  },
  /**
   * After a refactoring made the runtime create its own semaphores, the program signaled one semaphore and waited
   * on a freshly created one that nothing would ever signal; the wait never returned.
   * https://github.com/iree-org/iree/issues/10483
   */
  {
    name: 'a wait on a semaphore that nothing signals',
    source: 'https://github.com/iree-org/iree/issues/10483',
    queueCount: 1,
    diagnosis: [/host wait \(all\) for fence ≥ 1n \(now 0n\): no pending submission signals it/],
    cycle: false,
    run: async (device, fixed) => {
      const done = device.createSemaphore(0n, { label: 'done' });
      const fence = device.createSemaphore(0n, { label: 'fence' });
      const output = device.createBuffer({ byteLength: 256, label: 'output' });
      device.queue.fill({ label: 'forward', buffer: output, pattern: 2, patternLength: 1, signals: [{ semaphore: fixed ? fence : done, value: 1n }] });
      await fence.wait(1n);
    },
  },
];
