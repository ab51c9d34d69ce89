/**
 * The shape of a differential workload: a program of queue operations over a few buffers, ordered only by timeline
 * semaphores ("chains") and command-buffer barriers. Plain data, so the same program can be run on any device
 * (workload.ts) and by the plain-TypeScript model (model.ts), and printed when a comparison fails.
 */
import type { SampleKernelName } from '../../src/kernels/kernel_specs.js';

/** The integer sample kernels: their results are exact on every backend (saxpy_f32 is left out). */
export const INTEGER_KERNELS = ['fill_u32', 'copy_u32', 'add_i32', 'scale_i32', 'histogram_u8', 'reduce_sum_u32'] as const satisfies readonly SampleKernelName[];
export type IntegerKernel = (typeof INTEGER_KERNELS)[number];

/** Bytes in one region: the unit of dependency tracking, and the range a dispatch's element bindings cover. */
export const REGION_BYTES = 4096;

/** A byte range of one of the program's buffers. */
export interface Range {
  readonly buffer: number;
  readonly offset: number;
  readonly length: number;
}

export type TransferCommand =
  | { readonly op: 'fill'; readonly target: Range; readonly pattern: number; readonly patternLength: 1 | 2 | 4 }
  | { readonly op: 'update'; readonly target: Range; readonly data: Uint8Array }
  | { readonly op: 'copy'; readonly source: Range; readonly target: Range };

export interface DispatchCommand {
  readonly op: 'dispatch';
  readonly kernel: IntegerKernel;
  /** One range per kernel binding, in binding order. */
  readonly bindings: readonly Range[];
  /** Push constants as the kernel's spec lists them (signed values are passed as they are). */
  readonly constants: readonly number[];
  /** Workgroups along x (the sample kernels are 256 × 1 × 1); may be fewer than `count` needs, or zero. */
  readonly workgroups: number;
}

export type Command = TransferCommand | DispatchCommand | { readonly op: 'barrier' };

export interface CommandBufferSpec {
  readonly id: number;
  readonly usage: 'one-shot' | 'reusable';
  /** When set, the commands name binding-table slots and the execute supplies these buffers (slot i → buffer). */
  readonly bindingTable: readonly number[] | undefined;
  readonly commands: readonly Command[];
}

/** A semaphore value: chain `chain` (or the host's "go" gate when chain === GO) at `value`. */
export interface ChainValue {
  readonly chain: number;
  readonly value: bigint;
}

/** The host-signaled gate semaphore's chain number in wait lists. */
export const GO = -1;

export type StepWork =
  | TransferCommand
  | { readonly op: 'execute'; readonly commandBuffers: readonly number[] }
  /** queue.barrier: no device work, only a relay from its waits to its signal (fan-in). */
  | { readonly op: 'join' };

/** One queue operation. It signals `chain` to `value` and waits for every entry of `waits`. */
export interface Step {
  readonly id: number;
  readonly queue: number;
  readonly chain: number;
  readonly value: bigint;
  readonly waits: readonly ChainValue[];
  readonly work: StepWork;
}

export interface Program {
  readonly seed: number;
  readonly queueCount: number;
  readonly chainCount: number;
  readonly bufferSizes: readonly number[];
  readonly commandBuffers: readonly CommandBufferSpec[];
  /** In generation order, which is one valid serialization (every wait names an earlier step). */
  readonly steps: readonly Step[];
  /** The order the steps are submitted in: a random permutation, so many waits come before their signals. */
  readonly submitOrder: readonly number[];
  /** The last value of each chain (what the final reads wait for). */
  readonly chainEnds: readonly bigint[];
  /** The queue each buffer is read back on. */
  readonly readQueues: readonly number[];
}
