/**
 * Real synchronization bugs from public trackers, each as a small gpuhal program with its fixed twin. The bug is
 * re-expressed in gpuhal's terms (queues, timeline semaphores, command buffers, host waits); the comment on each
 * entry says what the original was and where it was reported. The race checker must report every bug (with the
 * kind named here) and leave every twin alone.
 */
import type { RaceKind } from '../../../src/index.js';
import { sampleExecutableManifestInput } from '../../../src/kernels/samples.js';
import { queues, type TrackerProgram } from './tracker_program.js';

export interface CorpusEntry extends TrackerProgram {
  /** The kind of race the checker must report for the bug. */
  readonly kind: RaceKind;
}

export const corpus: readonly CorpusEntry[] = [
  /**
   * wgpu ran its examples under Vulkan synchronization validation and found a write-after-write: two
   * vkCmdCopyBuffer into the same uniform buffer with no barrier between them.
   * https://github.com/gfx-rs/wgpu/issues/2243
   */
  {
    name: 'two copies into one buffer inside a command buffer, no barrier',
    source: 'https://github.com/gfx-rs/wgpu/issues/2243',
    kind: 'write-after-write',
    queueCount: 1,
    run: async (device, fixed) => {
      const uniforms = device.createBuffer({ byteLength: 256, label: 'uniforms' });
      const frameA = device.createBuffer({ byteLength: 256, label: 'frameA' });
      const frameB = device.createBuffer({ byteLength: 256, label: 'frameB' });
      const cb = device.createCommandBuffer({ label: 'upload-uniforms' });
      cb.begin();
      cb.copy({ source: frameA, target: uniforms, length: 256 });
      if (fixed) cb.executionBarrier();
      cb.copy({ source: frameB, target: uniforms, length: 256 });
      cb.end();
      const done = device.createSemaphore(0n);
      device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: done, value: 1n }] });
      await done.wait(1n);
    },
  },
  /**
   * Transfers into the same region of one resource from unsynchronized submissions are a write-write hazard that
   * needs its own synchronization (asked of the Vulkan synchronization validation authors).
   * https://github.com/gfx-rs/wgpu/issues/2065
   */
  {
    name: 'two queues write the same bytes with no semaphore between them',
    source: 'https://github.com/gfx-rs/wgpu/issues/2065',
    kind: 'write-after-write',
    queueCount: 2,
    run: async (device, fixed) => {
      const [q0, q1] = queues(device);
      const target = device.createBuffer({ byteLength: 1024, label: 'target' });
      const s = device.createSemaphore(0n, { label: 'written' });
      q0.update({ buffer: target, data: new Uint8Array(1024).fill(1), signals: [{ semaphore: s, value: 1n }] });
      q1.update({ buffer: target, offset: 512, data: new Uint8Array(512).fill(2), ...(fixed ? { waits: [{ semaphore: s, value: 1n }] } : {}), signals: [{ semaphore: s, value: 2n }] });
      await s.wait(2n);
    },
  },
  /**
   * nope.gl: a draw read an SSBO (read only) and the next compute pass wrote it with no barrier in between — a
   * write-after-read hazard; barriers were inserted around pipelines that write.
   * https://github.com/NopeForge/nope.gl/pull/18
   */
  {
    name: 'a dispatch writes a buffer the previous dispatch reads read-only, no barrier',
    source: 'https://github.com/NopeForge/nope.gl/pull/18',
    kind: 'write-after-read',
    queueCount: 1,
    run: async (device, fixed) => {
      const executable = await device.createExecutable(sampleExecutableManifestInput());
      const copy = executable.entryPoint('copy_u32');
      const scale = executable.entryPoint('scale_i32');
      const ssbo = device.createBuffer({ byteLength: 256, label: 'ssbo' });
      const out = device.createBuffer({ byteLength: 256, label: 'out' });
      const cb = device.createCommandBuffer({ label: 'draw-then-compute' });
      cb.begin();
      cb.pushDescriptorSet({ layout: copy.layout, set: 0, bindings: [{ binding: 0, buffer: ssbo }, { binding: 1, buffer: out }] });
      cb.pushConstants({ layout: copy.layout, values: [64] });
      cb.dispatch({ executable, entryPoint: 'copy_u32', workgroupCount: [1, 1, 1] });
      if (fixed) cb.executionBarrier();
      cb.pushDescriptorSet({ layout: scale.layout, set: 0, bindings: [{ binding: 0, buffer: ssbo }] });
      cb.pushConstants({ layout: scale.layout, values: [3, 64] });
      cb.dispatch({ executable, entryPoint: 'scale_i32', workgroupCount: [1, 1, 1] });
      cb.end();
      const done = device.createSemaphore(0n);
      device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: done, value: 1n }] });
      await done.wait(1n);
    },
  },
  /**
   * The canonical missing barrier the Vulkan synchronization validation tracking issue opens with: two back-to-back
   * transfers where the second reads what the first wrote, with no barrier.
   * https://github.com/KhronosGroup/Vulkan-ValidationLayers/issues/72
   */
  {
    name: 'a copy reads what the previous copy of the command buffer wrote, no barrier',
    source: 'https://github.com/KhronosGroup/Vulkan-ValidationLayers/issues/72',
    kind: 'read-after-write',
    queueCount: 1,
    run: async (device, fixed) => {
      const a = device.createBuffer({ byteLength: 512, label: 'a' });
      const b = device.createBuffer({ byteLength: 512, label: 'b' });
      const c = device.createBuffer({ byteLength: 512, label: 'c' });
      const cb = device.createCommandBuffer({ label: 'back-to-back' });
      cb.begin();
      cb.copy({ source: a, target: b, length: 512 });
      if (fixed) cb.executionBarrier();
      cb.copy({ source: b, target: c, length: 512 });
      cb.end();
      const done = device.createSemaphore(0n);
      device.queue.execute({ commandBuffers: [cb], signals: [{ semaphore: done, value: 1n }] });
      await done.wait(1n);
    },
  },
  /**
   * llama.cpp's backend scheduler let the CPU write the next batch's input while the asynchronous copy of the
   * previous batch to the GPU could still be reading it; the fix waits on the copy's event first.
   * https://github.com/ggml-org/llama.cpp/pull/8897
   */
  {
    name: 'the host overwrites an input buffer a device copy may still be reading',
    source: 'https://github.com/ggml-org/llama.cpp/pull/8897',
    kind: 'write-after-read',
    queueCount: 1,
    run: async (device, fixed) => {
      const input = device.createBuffer({ byteLength: 4096, label: 'input' });
      const onDevice = device.createBuffer({ byteLength: 4096, label: 'input-on-device' });
      const copied = device.createSemaphore(0n, { label: 'copied' });
      await device.upload(input, new Uint8Array(4096).fill(1)); // batch 1
      device.queue.copy({ source: input, target: onDevice, length: 4096, signals: [{ semaphore: copied, value: 1n }] });
      if (fixed) await copied.wait(1n);
      await device.upload(input, new Uint8Array(4096).fill(2)); // batch 2 staged into the same buffer
      await copied.wait(1n);
    },
  },
  /**
   * llama.cpp's decode() read logits through an asynchronous device-to-host copy without synchronizing on the
   * computation that produced them.
   * https://github.com/ggml-org/llama.cpp/issues/18310
   */
  {
    name: 'a read-back does not wait for the kernel that writes what it reads',
    source: 'https://github.com/ggml-org/llama.cpp/issues/18310',
    kind: 'read-after-write',
    queueCount: 2,
    run: async (device, fixed) => {
      const [compute, transfer] = queues(device);
      const logits = device.createBuffer({ byteLength: 1024, label: 'logits' });
      const computed = device.createSemaphore(0n, { label: 'computed' });
      compute.fill({ buffer: logits, pattern: 0x3f800000, patternLength: 4, signals: [{ semaphore: computed, value: 1n }] });
      await transfer.read({ buffer: logits, ...(fixed ? { waits: [{ semaphore: computed, value: 1n }] } : {}) });
      await computed.wait(1n);
    },
  },
  /**
   * vLLM's CPU offload loaded KV blocks back into GPU memory on a side stream without ordering the load after the
   * compute stream's last read of those blocks: a cross-stream write-after-read that garbled output under load.
   * https://github.com/vllm-project/vllm/issues/47282
   */
  {
    name: 'a side queue loads into a block the compute queue may still be reading',
    source: 'https://github.com/vllm-project/vllm/issues/47282',
    kind: 'write-after-read',
    queueCount: 2,
    run: async (device, fixed) => {
      const [compute, side] = queues(device);
      const executable = await device.createExecutable(sampleExecutableManifestInput());
      const reduce = executable.entryPoint('reduce_sum_u32');
      const kv = device.createBuffer({ byteLength: 1024, label: 'kv-block' });
      const sum = device.createBuffer({ byteLength: 4, label: 'attention-out' });
      const cb = device.createCommandBuffer({ label: 'attention' });
      cb.begin();
      cb.pushDescriptorSet({ layout: reduce.layout, set: 0, bindings: [{ binding: 0, buffer: kv }, { binding: 1, buffer: sum }] });
      cb.pushConstants({ layout: reduce.layout, values: [256] });
      cb.dispatch({ executable, entryPoint: 'reduce_sum_u32', workgroupCount: [1, 1, 1] });
      cb.end();
      const step = device.createSemaphore(0n, { label: 'step' });
      const loaded = device.createSemaphore(0n, { label: 'loaded' });
      compute.execute({ commandBuffers: [cb], signals: [{ semaphore: step, value: 1n }] });
      side.update({ buffer: kv, data: new Uint8Array(1024).fill(7), ...(fixed ? { waits: [{ semaphore: step, value: 1n }] } : {}), signals: [{ semaphore: loaded, value: 1n }] });
      await device.waitSemaphores('all', [{ semaphore: step, value: 1n }, { semaphore: loaded, value: 1n }]);
    },
  },
  /**
   * PyTorch's caching allocator only knows a tensor's allocating stream: a block used on a side stream can be
   * handed out again, and written, while the side stream still reads it (Tensor.record_stream exists for this).
   * Here the pool is the program's own: a staging buffer reused for the next batch while another queue's copy
   * of the previous batch may still read it.
   * https://github.com/pytorch/pytorch/issues/23729
   */
  {
    name: 'a pooled buffer is rewritten while another queue may still read it',
    source: 'https://github.com/pytorch/pytorch/issues/23729',
    kind: 'write-after-read',
    queueCount: 2,
    run: async (device, fixed) => {
      const [main, sideStream] = queues(device);
      const pooled = device.createBuffer({ byteLength: 2048, label: 'pooled-block' });
      const copyOut = device.createBuffer({ byteLength: 2048, label: 'copy-out' });
      const s = device.createSemaphore(0n, { label: 's' });
      main.fill({ buffer: pooled, pattern: 1, patternLength: 1, signals: [{ semaphore: s, value: 1n }] });
      sideStream.copy({ source: pooled, target: copyOut, length: 2048, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
      // The block goes back to the pool and is handed out again on the main queue.
      main.fill({ buffer: pooled, pattern: 2, patternLength: 1, waits: [{ semaphore: s, value: fixed ? 2n : 1n }], signals: [{ semaphore: s, value: 3n }] });
      await s.wait(3n);
    },
  },
  /**
   * llama.cpp's prompt cache freed a host buffer that asynchronous copies of a state restore were still reading.
   * In gpuhal's stream-ordered terms: the restore's copy is submitted after the buffer's dealloca and not ordered
   * before it (a use submitted before the dealloca would be kept alive by rule 6).
   * https://github.com/ggml-org/llama.cpp/issues/26828
   */
  {
    name: 'a copy submitted after the dealloca of its source, not ordered before it',
    source: 'https://github.com/ggml-org/llama.cpp/issues/26828',
    kind: 'use-after-free',
    queueCount: 2,
    run: async (device, fixed) => {
      const [q0, q1] = queues(device);
      const s = device.createSemaphore(0n, { label: 's' });
      const evict = device.createSemaphore(0n, { label: 'evict' });
      const state = device.createBuffer({ byteLength: 512, label: 'slot-state' });
      const cached = q0.alloca({ byteLength: 512, label: 'cached-prompt', signals: [{ semaphore: s, value: 1n }] });
      q0.fill({ buffer: cached, pattern: 9, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
      // Eviction: the dealloca waits for the host's decision (and, fixed, for the restore's copy).
      q0.dealloca({ buffer: cached, waits: [{ semaphore: fixed ? s : evict, value: fixed ? 3n : 1n }] });
      q1.copy({ source: cached, target: state, length: 512, waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: s, value: 3n }] });
      evict.signal(1n);
      await s.wait(3n);
    },
  },
  /**
   * One timeline semaphore signaled 1 by a submission on queue A and 2 by one on queue B with nothing ordering
   * them: a host wait for ≥ 1 may return on B's 2 before A ran, and A's 1 would move the value backwards.
   * https://github.com/KhronosGroup/Vulkan-ValidationLayers/issues/3590
   */
  {
    name: 'one timeline signaled from two queues with nothing ordering the signals',
    source: 'https://github.com/KhronosGroup/Vulkan-ValidationLayers/issues/3590',
    kind: 'value-order',
    queueCount: 2,
    run: async (device, fixed) => {
      const [a, b] = queues(device);
      const timeline = device.createSemaphore(0n, { label: 'timeline' });
      const buffer = device.createBuffer({ byteLength: 64, label: 'b' });
      a.fill({ buffer, pattern: 1, patternLength: 1, signals: [{ semaphore: timeline, value: 1n }] });
      b.barrier({ ...(fixed ? { waits: [{ semaphore: timeline, value: 1n }] } : {}), signals: [{ semaphore: timeline, value: 2n }] });
      await timeline.wait(2n);
    },
  },
];
