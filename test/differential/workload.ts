/**
 * Differential workloads: a seeded generator of race-free programs (program.ts) and a runner that plays one on a
 * device through the public API only, returning every buffer's bytes.
 *
 * Race freedom by construction. Buffers are cut into REGION_BYTES regions; for each region the generator remembers
 * its last writer and the readers since. A step that writes a region waits for that writer and those readers, a
 * step that reads it waits for the writer (write-after-write, write-after-read and read-after-write all ordered).
 * Each step signals its own chain semaphore, and a chain's steps wait on their predecessor, so "chain c ≥ v" means
 * exactly "step v of chain c and everything before it on that chain completed". Chains are independent of queues,
 * so dependencies cross queues freely. Inside a command buffer the same rule decides where an execution barrier is
 * needed. Hence every serialization that respects the waits and barriers gives the same bytes — which is what lets
 * the simulator (any seed) and a GPU be compared byte for byte, and what the sim-vs-sim test checks.
 */
import {
  type GpuBuffer,
  type BufferOrSlot,
  createDevice,
  type DeviceOptions,
  type CommandBuffer,
  type Device,
  type Executable,
  type Semaphore,
  type SemaphoreValue,
} from '../../src/index.js';
import { sampleKernelSpec } from '../../src/kernels/kernel_specs.js';
import { sampleExecutableManifestInput } from '../../src/kernels/samples.js';
import {
  type ChainValue,
  type Command,
  type CommandBufferSpec,
  type DispatchCommand,
  GO,
  INTEGER_KERNELS,
  type IntegerKernel,
  type Program,
  type Range,
  REGION_BYTES,
  type Step,
  type StepWork,
  type TransferCommand,
} from './program.js';
import { seededRandom } from '../../src/util/seeded_random.js';

// --- random numbers ----------------------------------------------------------------------------------------------

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  u32(): number {
    return this.int(0, 0xffff) * 0x10000 + this.int(0, 0xffff);
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

// --- what a command touches ----------------------------------------------------------------------------------------

/** Region keys a range covers. */
export function regionsOf(range: Range): number[] {
  const keys: number[] = [];
  const first = Math.floor(range.offset / REGION_BYTES);
  const last = Math.floor((range.offset + range.length - 1) / REGION_BYTES);
  for (let r = first; r <= last; r++) keys.push(range.buffer * 1024 + r);
  return keys;
}

interface Access {
  readonly reads: Set<number>;
  readonly writes: Set<number>;
}

function accessOf(command: Command | TransferCommand): Access {
  const reads = new Set<number>();
  const writes = new Set<number>();
  switch (command.op) {
    case 'fill':
    case 'update':
      for (const k of regionsOf(command.target)) writes.add(k);
      break;
    case 'copy':
      for (const k of regionsOf(command.source)) reads.add(k);
      for (const k of regionsOf(command.target)) writes.add(k);
      break;
    case 'dispatch': {
      const spec = sampleKernelSpec(command.kernel);
      command.bindings.forEach((range, i) => {
        for (const k of regionsOf(range)) (spec.bindings[i]!.readOnly ? reads : writes).add(k);
      });
      break;
    }
    case 'barrier':
      break;
  }
  return { reads, writes };
}

function merge(into: Access, from: Access): void {
  for (const k of from.reads) into.reads.add(k);
  for (const k of from.writes) into.writes.add(k);
}

function conflicts(a: Access, b: Access): boolean {
  for (const k of a.writes) if (b.writes.has(k) || b.reads.has(k)) return true;
  for (const k of a.reads) if (b.writes.has(k)) return true;
  return false;
}

// --- the generator -------------------------------------------------------------------------------------------------

export interface WorkloadOptions {
  /** Random steps after the initializing writes (default 36). */
  readonly steps?: number;
}

const WORKGROUP_INVOCATIONS = 256;

/** A seeded, race-free program (see the module comment). The same seed gives the same program. */
export function generateProgram(seed: number, options: WorkloadOptions = {}): Program {
  const r = new Random(seed);
  const queueCount = r.int(2, 3);
  const chainCount = r.int(3, 4);
  const bufferSizes = Array.from({ length: r.int(3, 5) }, () => r.int(2, 4) * REGION_BYTES);
  const regions: Range[] = bufferSizes.flatMap((size, buffer) =>
    Array.from({ length: size / REGION_BYTES }, (_, i) => ({ buffer, offset: i * REGION_BYTES, length: REGION_BYTES })),
  );

  const chainLength: bigint[] = new Array(chainCount).fill(0n);
  const lastWriter = new Map<number, ChainValue>();
  const readers = new Map<number, ChainValue[]>();
  const steps: Step[] = [];
  const commandBuffers: CommandBufferSpec[] = [];
  const cbAccess = new Map<number, Access>();

  const addStep = (work: StepWork, access: Access, extraWaits: readonly ChainValue[] = []): void => {
    const chain = r.int(0, chainCount - 1);
    const value = ++chainLength[chain]!;
    const deps: ChainValue[] = [...extraWaits];
    if (value > 1n) deps.push({ chain, value: value - 1n });
    for (const k of access.writes) {
      const w = lastWriter.get(k);
      if (w) deps.push(w);
      deps.push(...(readers.get(k) ?? []));
    }
    for (const k of access.reads) {
      const w = lastWriter.get(k);
      if (w) deps.push(w);
    }
    // Sometimes over-order: wait for another chain's latest step as well (fan-in without a data reason).
    if (r.chance(0.15)) {
      const other = r.int(0, chainCount - 1);
      if (other !== chain && chainLength[other]! > 0n) deps.push({ chain: other, value: chainLength[other]! });
    }
    const latest = new Map<number, bigint>();
    for (const d of deps) if (d.value > (latest.get(d.chain) ?? 0n)) latest.set(d.chain, d.value);
    const waits: ChainValue[] = [...latest].map(([c, v]) => ({ chain: c, value: v }));
    // Roots mostly wait for the host's go signal, so the whole program is submitted before anything may run.
    if (waits.length === 0 ? r.chance(0.75) : r.chance(0.1)) waits.push({ chain: GO, value: 1n });
    r.shuffle(waits);
    const self: ChainValue = { chain, value };
    for (const k of access.reads) if (!access.writes.has(k)) (readers.get(k) ?? readers.set(k, []).get(k)!).push(self);
    for (const k of access.writes) {
      lastWriter.set(k, self);
      readers.set(k, []);
    }
    steps.push({ id: steps.length, queue: r.int(0, queueCount - 1), chain, value, waits, work });
  };

  // Every byte is written before anything reads it: device memory starts undefined on a GPU.
  bufferSizes.forEach((size, buffer) => {
    const target = { buffer, offset: 0, length: size };
    const work: TransferCommand = r.chance(0.5)
      ? { op: 'update', target, data: r.bytes(size) }
      : { op: 'fill', target, pattern: r.u32(), patternLength: 4 };
    addStep(work, accessOf(work));
  });

  const subRange = (region: Range, align: number): Range => {
    const units = REGION_BYTES / align;
    const start = r.int(0, units - 1);
    const end = r.int(start + 1, Math.min(units, start + 1 + r.pick([4, 64, units])));
    return { buffer: region.buffer, offset: region.offset + start * align, length: (end - start) * align };
  };

  const transfer = (): TransferCommand => {
    const kind = r.pick(['fill', 'update', 'copy'] as const);
    if (kind === 'fill') {
      const patternLength = r.pick([1, 2, 4] as const);
      return { op: 'fill', target: subRange(r.pick(regions), patternLength), pattern: r.int(0, 2 ** (8 * patternLength) - 1), patternLength };
    }
    if (kind === 'update') {
      const target = subRange(r.pick(regions), 1);
      return { op: 'update', target, data: r.bytes(target.length) };
    }
    const [from, to] = distinctRegions(2) as [Range, Range];
    const length = r.int(1, r.pick([16, 512, REGION_BYTES]));
    const sourceOffset = r.int(0, REGION_BYTES - length);
    const targetOffset = r.int(0, REGION_BYTES - length);
    return {
      op: 'copy',
      source: { buffer: from.buffer, offset: from.offset + sourceOffset, length },
      target: { buffer: to.buffer, offset: to.offset + targetOffset, length },
    };
  };

  const distinctRegions = (n: number): Range[] => r.shuffle([...regions]).slice(0, n);

  const dispatch = (): DispatchCommand => {
    const kernel = r.pick(INTEGER_KERNELS);
    const words = REGION_BYTES / 4;
    const count = kernel === 'histogram_u8' ? r.int(1, REGION_BYTES) : r.int(1, words);
    const needed = Math.ceil(count / WORKGROUP_INVOCATIONS);
    // Mostly exactly enough workgroups; sometimes fewer (a prefix is processed) or none (a no-op that still orders).
    const workgroups = r.chance(0.85) ? needed : r.int(0, needed);
    const [a, b, c] = distinctRegions(3) as [Range, Range, Range];
    let bindings: Range[];
    let constants: number[];
    switch (kernel) {
      case 'fill_u32': bindings = [a]; constants = [r.u32(), count]; break;
      case 'copy_u32': bindings = [a, b]; constants = [count]; break;
      case 'add_i32': bindings = [a, r.chance(0.2) ? a : b, c]; constants = [count]; break;
      case 'scale_i32': bindings = [a]; constants = [r.int(-0x80000000, 0x7fffffff), count]; break;
      case 'histogram_u8': bindings = [a, { ...b, length: 1024 }]; constants = [count]; break;
      case 'reduce_sum_u32': bindings = [a, { ...b, offset: b.offset + 4 * r.int(0, words - 1), length: 4 }]; constants = [count]; break;
    }
    return { op: 'dispatch', kernel, bindings, constants, workgroups };
  };

  const newCommandBuffer = (): CommandBufferSpec => {
    const commands: Command[] = [];
    let segment: Access = { reads: new Set(), writes: new Set() };
    const all: Access = { reads: new Set(), writes: new Set() };
    const buffers = new Set<number>();
    const n = r.int(1, 8);
    for (let i = 0; i < n; i++) {
      const command: Command = r.chance(0.55) ? dispatch() : transfer();
      const access = accessOf(command);
      // A barrier exactly where this command would race with one since the last barrier, and sometimes anyway.
      if ((conflicts(access, segment) || r.chance(0.15)) && commands.length > 0) {
        commands.push({ op: 'barrier' });
        segment = { reads: new Set(), writes: new Set() };
      }
      commands.push(command);
      merge(segment, access);
      merge(all, access);
      for (const k of [...access.reads, ...access.writes]) buffers.add(Math.floor(k / 1024));
    }
    const spec: CommandBufferSpec = {
      id: commandBuffers.length,
      usage: r.chance(0.3) ? 'one-shot' : 'reusable',
      bindingTable: r.chance(0.3) ? r.shuffle([...buffers]) : undefined,
      commands,
    };
    commandBuffers.push(spec);
    cbAccess.set(spec.id, all);
    return spec;
  };

  const total = options.steps ?? 36;
  for (let i = 0; i < total; i++) {
    const roll = r.int(0, 99);
    const reusable = commandBuffers.filter((cb) => cb.usage === 'reusable');
    if (roll < 40) {
      const list = Array.from({ length: r.chance(0.25) ? 2 : 1 }, newCommandBuffer);
      const access: Access = { reads: new Set(), writes: new Set() };
      for (const cb of list) merge(access, cbAccess.get(cb.id)!);
      addStep({ op: 'execute', commandBuffers: list.map((cb) => cb.id) }, access);
    } else if (roll < 48 && reusable.length > 0) {
      const cb = r.pick(reusable);
      addStep({ op: 'execute', commandBuffers: [cb.id] }, cbAccess.get(cb.id)!);
    } else if (roll < 56) {
      // A join: waits for the latest step of two or more chains, does nothing, signals its own chain.
      const joined = r.shuffle([...chainLength.keys()]).slice(0, r.int(2, chainCount)).filter((c) => chainLength[c]! > 0n);
      addStep({ op: 'join' }, { reads: new Set(), writes: new Set() }, joined.map((c) => ({ chain: c, value: chainLength[c]! })));
    } else {
      const work = transfer();
      addStep(work, accessOf(work));
    }
  }

  return {
    seed,
    queueCount,
    chainCount,
    bufferSizes,
    commandBuffers,
    steps,
    submitOrder: r.shuffle(steps.map((s) => s.id)),
    chainEnds: [...chainLength],
    readQueues: bufferSizes.map(() => r.int(0, queueCount - 1)),
  };
}

// --- statistics (what a program exercises) -------------------------------------------------------------------------

export interface ProgramStats {
  readonly steps: number;
  readonly executes: number;
  readonly dispatches: Readonly<Record<IntegerKernel, number>>;
  readonly fillPatternLengths: ReadonlySet<number>;
  readonly barriers: number;
  readonly bindingTables: number;
  readonly reExecutes: number;
  readonly joins: number;
  /** Waits on a step that runs on a different queue. */
  readonly crossQueueWaits: number;
  /** Waits submitted before the step that signals them. */
  readonly waitsBeforeSignal: number;
}

export function programStats(program: Program): ProgramStats {
  const dispatches = Object.fromEntries(INTEGER_KERNELS.map((k) => [k, 0])) as Record<IntegerKernel, number>;
  const fillPatternLengths = new Set<number>();
  let barriers = 0;
  const count = (c: Command | TransferCommand): void => {
    if (c.op === 'dispatch') dispatches[c.kernel]++;
    if (c.op === 'fill') fillPatternLengths.add(c.patternLength);
    if (c.op === 'barrier') barriers++;
  };
  for (const cb of program.commandBuffers) cb.commands.forEach(count);
  const executed = new Set<number>();
  let reExecutes = 0;
  let executes = 0;
  let joins = 0;
  for (const step of program.steps) {
    if (step.work.op === 'execute') {
      executes++;
      for (const id of step.work.commandBuffers) {
        if (executed.has(id)) reExecutes++;
        executed.add(id);
      }
    } else if (step.work.op === 'join') joins++;
    else count(step.work);
  }
  const byChainValue = new Map(program.steps.map((s) => [`${s.chain}:${s.value}`, s]));
  const position = new Map(program.submitOrder.map((id, i) => [id, i]));
  let crossQueueWaits = 0;
  let waitsBeforeSignal = 0;
  for (const step of program.steps) {
    for (const w of step.waits) {
      const signaler = byChainValue.get(`${w.chain}:${w.value}`);
      if (signaler === undefined) continue; // the host's go gate
      if (signaler.queue !== step.queue) crossQueueWaits++;
      if (position.get(step.id)! < position.get(signaler.id)!) waitsBeforeSignal++;
    }
  }
  return {
    steps: program.steps.length,
    executes,
    dispatches,
    fillPatternLengths,
    barriers,
    bindingTables: program.commandBuffers.filter((cb) => cb.bindingTable !== undefined).length,
    reExecutes,
    joins,
    crossQueueWaits,
    waitsBeforeSignal,
  };
}

// --- the runner ----------------------------------------------------------------------------------------------------

export interface RunOptions {
  /** Real milliseconds to wait for the final reads before failing instead of hanging (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * Plays `program` on `device` (which must have at least `program.queueCount` queues) through the public API and
 * returns every buffer's bytes. Command buffers are recorded up front, the steps are submitted in the program's
 * shuffled order, then the host signals "go" and reads every buffer once all chains have finished.
 */
export async function runProgram(device: Device, program: Program, options: RunOptions = {}): Promise<Uint8Array[]> {
  if (device.queues.length < program.queueCount) {
    throw new RangeError(`program ${program.seed} needs ${program.queueCount} queues; device ${device.label} has ${device.queues.length}`);
  }
  const executable = await device.createExecutable(sampleExecutableManifestInput());
  const buffers = program.bufferSizes.map((byteLength, i) => device.createBuffer({ byteLength, label: `buffer${i}` }));
  const chains = Array.from({ length: program.chainCount }, (_, c) => device.createSemaphore(0n, { label: `chain${c}` }));
  const go = device.createSemaphore(0n, { label: 'go' });
  const commandBuffers = program.commandBuffers.map((spec) => record(device, executable, buffers, spec));

  const semaphore = (chain: number): Semaphore => (chain === GO ? go : chains[chain]!);
  const sync = (step: Step): { waits: SemaphoreValue[]; signals: SemaphoreValue[] } => ({
    waits: step.waits.map((w) => ({ semaphore: semaphore(w.chain), value: w.value })),
    signals: [{ semaphore: chains[step.chain]!, value: step.value }],
  });

  for (const id of program.submitOrder) {
    const step = program.steps[id]!;
    const queue = device.queues[step.queue]!;
    const work = step.work;
    switch (work.op) {
      case 'fill':
        queue.fill({ buffer: buffers[work.target.buffer]!, offset: work.target.offset, length: work.target.length, pattern: work.pattern, patternLength: work.patternLength, ...sync(step) });
        break;
      case 'update':
        queue.update({ buffer: buffers[work.target.buffer]!, offset: work.target.offset, data: work.data, ...sync(step) });
        break;
      case 'copy':
        queue.copy({
          source: buffers[work.source.buffer]!, sourceOffset: work.source.offset,
          target: buffers[work.target.buffer]!, targetOffset: work.target.offset,
          length: work.source.length, ...sync(step),
        });
        break;
      case 'execute': {
        const specs = work.commandBuffers.map((id) => program.commandBuffers[id]!);
        const tables = specs.some((s) => s.bindingTable !== undefined)
          ? specs.map((s) => s.bindingTable?.map((b) => ({ buffer: buffers[b]! })))
          : undefined;
        queue.execute({ commandBuffers: work.commandBuffers.map((id) => commandBuffers[id]!), ...(tables ? { bindingTables: tables } : {}), ...sync(step) });
        break;
      }
      case 'join':
        queue.barrier(sync(step));
        break;
    }
  }
  go.signal(1n);

  const ends: SemaphoreValue[] = program.chainEnds.flatMap((value, c) => (value > 0n ? [{ semaphore: chains[c]!, value }] : []));
  const reads = buffers.map((buffer, i) => device.queues[program.readQueues[i]!]!.read({ buffer, waits: ends }));
  return withTimeout(Promise.all(reads), options.timeoutMs ?? 30_000, () => {
    const values = chains.map((s, c) => `chain${c}=${s.query()}/${program.chainEnds[c]}`).join(' ');
    return `program ${program.seed} on ${device.label}: reads not done after ${options.timeoutMs ?? 30_000} ms (${values}; work ${JSON.stringify(device.workCounts)})`;
  });
}

function record(device: Device, executable: Executable, buffers: readonly GpuBuffer[], spec: CommandBufferSpec): CommandBuffer {
  const cb = device.createCommandBuffer({ mode: spec.usage, bindingCapacity: spec.bindingTable?.length ?? 0, label: `cb${spec.id}` });
  const ref = (buffer: number): BufferOrSlot => (spec.bindingTable ? { slot: spec.bindingTable.indexOf(buffer) } : buffers[buffer]!);
  cb.begin();
  for (const c of spec.commands) {
    switch (c.op) {
      case 'fill':
        cb.fill({ buffer: ref(c.target.buffer), offset: c.target.offset, length: c.target.length, pattern: c.pattern, patternLength: c.patternLength });
        break;
      case 'update':
        cb.update({ buffer: ref(c.target.buffer), offset: c.target.offset, data: c.data });
        break;
      case 'copy':
        cb.copy({ source: ref(c.source.buffer), sourceOffset: c.source.offset, target: ref(c.target.buffer), targetOffset: c.target.offset, length: c.source.length });
        break;
      case 'dispatch': {
        const layout = executable.entryPoint(c.kernel).layout;
        cb.pushDescriptorSet({
          layout,
          set: 0,
          bindings: c.bindings.map((range, binding) => ({ binding, buffer: ref(range.buffer), offset: range.offset, length: range.length })),
        });
        cb.pushConstants({ layout, values: c.constants });
        cb.dispatch({ executable, entryPoint: c.kernel, workgroupCount: [c.workgroups, 1, 1] });
        break;
      }
      case 'barrier':
        cb.executionBarrier();
        break;
    }
  }
  cb.end();
  return cb;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The first difference between two sets of buffers, or undefined when they are byte-identical. */
export function firstDifference(a: readonly Uint8Array[], b: readonly Uint8Array[]): string | undefined {
  if (a.length !== b.length) return `${a.length} buffers vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return `buffer${i}: ${x.length} bytes vs ${y.length}`;
    let diffs = 0;
    let first = -1;
    for (let j = 0; j < x.length; j++) {
      if (x[j] !== y[j]) {
        diffs++;
        if (first < 0) first = j;
      }
    }
    if (diffs > 0) {
      const hex = (u: Uint8Array): string => Array.from(u.subarray(first, first + 16), (v) => v.toString(16).padStart(2, '0')).join(' ');
      return `buffer${i}: ${diffs} bytes differ, first at byte ${first} (region ${Math.floor(first / REGION_BYTES)}): ${hex(x)} vs ${hex(y)}`;
    }
  }
  return undefined;
}

/** Driver object counts that are not zero (empty when the device released everything). */
export function leftoverDriverObjects(device: Device): Record<string, number> {
  return Object.fromEntries(Object.entries(device.driver.outstanding()).filter(([, n]) => n !== 0));
}

export interface FreshRun {
  readonly bytes: Uint8Array[];
  readonly label: string;
  /** Driver objects still outstanding after device.destroy() (should be {}). */
  readonly leftover: Record<string, number>;
}

/**
 * Opens a device with `options`, runs `program` on it, destroys it and reports what it left behind (the caller
 * asserts `leftover` is empty, so a failed run still reports its own error first).
 */
export async function runOnFreshDevice(options: DeviceOptions, program: Program, run: RunOptions = {}): Promise<FreshRun> {
  const device = await createDevice({ ...options, queueCount: Math.max(options.queueCount ?? 1, program.queueCount) });
  const label = `${device.info.backend}: ${device.info.name} (${device.info.commandBufferMode} mode)`;
  let bytes: Uint8Array[];
  try {
    bytes = await runProgram(device, program, run);
  } finally {
    device.destroy();
  }
  return { bytes, label, leftover: leftoverDriverObjects(device) };
}
