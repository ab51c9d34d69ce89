/**
 * Errors for work that fails while it runs. They become the stream's poison and the captured event's error
 * (docs/design.md rule 5), so they carry everything a user needs to find the bad access.
 */
import { HalError, StatusCode } from '../../core/errors.js';
import type { Allocation } from './allocations.js';
import { bindingOf } from './kernel_launch.js';

export const FAULT_OUT_OF_BOUNDS = 1;
export const FAULT_BAD_BINDING = 2;
export const FAULT_BAD_CONSTANT = 3;
export const FAULT_BAD_INDIRECT_COUNT = 4;
/** The kernel trapped (unreachable, division by zero, a raw access outside memory...). */
export const FAULT_TRAP = 5;

const FAULT_SHARED_BINDING = 0xffffffff;

export interface FaultReport {
  readonly kind: number;
  readonly binding: number;
  readonly offset: number;
  readonly length: number;
  readonly workgroup: readonly [number, number, number];
}

/** Reads the fault words the kernel (or the device) wrote into an argument block. */
export function readFault(u32: Uint32Array, argsPtr: number, workgroup: readonly [number, number, number]): FaultReport {
  const w = argsPtr >>> 2;
  return { kind: u32[w]!, binding: u32[w + 1]!, offset: u32[w + 2]!, length: u32[w + 3]!, workgroup };
}

export function kernelFaultError(entry: string, moduleLabel: string, argBlock: Uint32Array, fault: FaultReport, where: string, cause?: unknown): HalError {
  const wg = `workgroup (${fault.workgroup.join(', ')})`;
  let what: string;
  switch (fault.kind) {
    case FAULT_OUT_OF_BOUNDS: {
      if (fault.binding === FAULT_SHARED_BINDING) {
        what = `access of ${fault.length} bytes outside the shared scratch (${argBlock[13]} bytes declared)`;
        break;
      }
      const b = bindingOf(argBlock, fault.binding);
      what = `out-of-bounds access to binding ${fault.binding} at byte offset ${fault.offset}, length ${fault.length}` +
        (b ? ` (binding is ${b.byteLength} bytes at 0x${b.ptr.toString(16)})` : '');
      break;
    }
    case FAULT_BAD_BINDING:
      what = `access to binding ${fault.binding}, but the launch has ${argBlock[4]} binding(s)`;
      break;
    case FAULT_BAD_CONSTANT:
      what = `read of push constant ${fault.binding}, but the launch has ${argBlock[5]} constant(s)`;
      break;
    case FAULT_BAD_INDIRECT_COUNT:
      what = `indirect workgroup counts ${argBlock[9]}×${argBlock[10]}×${argBlock[11]} exceed the device limits`;
      break;
    case FAULT_TRAP:
      what = `trap (${cause instanceof Error ? cause.message : String(cause)})`;
      break;
    default:
      what = `unknown fault kind ${fault.kind}`;
  }
  return new HalError(StatusCode.INTERNAL, `kernel fault in entry point '${entry}' of ${moduleLabel} (${where}): ${what}, ${wg}`, {
    cause,
    driver: { api: 'sim', name: 'SIM_KERNEL_FAULT', number: fault.kind, text: what, call: where },
  });
}

/** A kernel fault the fault plan injected (fault_injector.ts): reported like a real one, the kernel never ran. */
export function injectedKernelFaultError(entry: string, moduleLabel: string, where: string, what: string): HalError {
  return new HalError(StatusCode.INTERNAL, `kernel fault in entry point '${entry}' of ${moduleLabel} (${where}): ${what}`, {
    driver: { api: 'sim', name: 'SIM_KERNEL_FAULT', number: 0, text: what, call: where },
  });
}

/** Work whose memory was freed (or whose kernel module was unloaded) before it ran. */
export function staleResourceError(what: string, where: string): HalError {
  return new HalError(StatusCode.FAILED_PRECONDITION, `${where}: ${what} before the operation ran`, {
    driver: { api: 'sim', name: 'SIM_STALE_RESOURCE', number: 6, call: where },
  });
}

/**
 * Work that touched memory outside its lifetime (Allocation.usable was false when it ran). Freed memory keeps
 * SIM_STALE_RESOURCE; stream-ordered memory whose memAllocAsync had not executed yet is SIM_ALLOCATION_NOT_EXECUTED,
 * the same status code: both are ordering bugs of the program (undefined behaviour on a real GPU).
 */
/** A synchronous free of stream-ordered memory whose memAllocAsync is still queued on its stream. */
export function allocationNotExecutedError(a: Allocation, call: string): HalError {
  const range = `[0x${a.ptr.toString(16)}, 0x${(a.ptr + a.byteLength).toString(16)}) (${a.byteLength} bytes)`;
  return new HalError(StatusCode.FAILED_PRECONDITION,
    `${call} of ${range}: its stream-ordered allocation (memAllocAsync on stream ${a.allocStream}) has not executed yet ` +
    `and would run after the free (free it with memFreeAsync on that stream, or once the allocation ran)`, {
      driver: { api: 'sim', name: 'SIM_ALLOCATION_NOT_EXECUTED', number: 8, call },
    });
}

export function memoryOutsideLifetimeError(a: Allocation, where: string): HalError {
  const range = `[0x${a.ptr.toString(16)}, 0x${(a.ptr + a.byteLength).toString(16)}) (${a.byteLength} bytes)`;
  if (a.live) {
    return new HalError(StatusCode.FAILED_PRECONDITION,
      `${where}: uses ${range}, a stream-ordered allocation whose memAllocAsync on stream ${a.allocStream} had not ` +
      `executed yet when the operation ran (order the work after it: same stream, or wait for an event recorded after it)`, {
        driver: { api: 'sim', name: 'SIM_ALLOCATION_NOT_EXECUTED', number: 8, call: where },
      });
  }
  if (a.freeStream !== 0) {
    return staleResourceError(`the stream-ordered allocation ${range} was already freed: its memFreeAsync on stream ` +
      `${a.freeStream} executed`, where);
  }
  return staleResourceError(`the allocation at 0x${a.ptr.toString(16)} ${range} was freed`, where);
}

/** A host function that threw while it ran on its stream. */
export function hostFunctionError(cause: unknown, where: string): HalError {
  return new HalError(StatusCode.ABORTED, `host function threw: ${cause instanceof Error ? cause.message : String(cause)}`, {
    cause,
    driver: { api: 'sim', name: 'SIM_HOST_FUNCTION_FAILED', number: 7, call: where },
  });
}
