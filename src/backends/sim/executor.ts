/**
 * What an operation does when the scheduler starts it: its data effects on device memory (all bulk work in WASM)
 * and its virtual cost. Failures are recorded on the operation (`op.error`), never thrown: the scheduler turns
 * them into stream poison. Resources an operation captured are re-checked first, so memory used outside its
 * lifetime (freed before the operation ran, or stream-ordered memory whose allocation had not executed yet) or a
 * module unloaded before it ran fails the operation instead of touching the heap. The check is per operation (a
 * graph launch checks the allocations of all its nodes once), never per node.
 */
import type { HalError } from '../../core/errors.js';
import type { Allocation, Allocations } from './allocations.js';
import type { Costs } from './cost_model.js';
import { FAULT_TRAP, hostFunctionError, injectedKernelFaultError, kernelFaultError, memoryOutsideLifetimeError, readFault, staleResourceError } from './faults.js';
import type { DispatchInfo, FaultInjector } from './fault_injector.js';
import type { GraphExec } from './graph_exec.js';
import type { PreparedLaunch } from './kernel_launch.js';
import type { StreamOp } from './streams.js';
import type { WasmDevice } from './wasm_device.js';

export class Executor {
  constructor(
    private readonly device: WasmDevice,
    private readonly allocations: Allocations,
    private readonly costs: Costs,
    private readonly traceGraphNodes: () => boolean,
    private readonly faults: FaultInjector,
  ) {}

  /** Applies `op`'s effects as of virtual time `start`; returns its cost in ns (plus any latency a fault plan adds). */
  execute(op: StreamOp, start: number): number {
    const cost = this.run(op, start);
    return op.error === null && this.faults.active ? cost + this.slowdown(op, start) : cost;
  }

  private slowdown(op: StreamOp, start: number): number {
    const p = op.payload;
    switch (p.kind) {
      case 'kernel':
        return this.faults.extraLatency('kernel', [dispatchOf(p.launch)], op.label, start);
      case 'graph':
        return this.faults.extraLatency('graph', [...p.exec.kernelNodes.values()].map((n) => dispatchOf(n.launch)), op.label, start);
      case 'memset':
      case 'memcpy':
      case 'htod':
      case 'dtoh':
        return this.faults.extraLatency(p.kind, [], op.label, start);
      default:
        return 0;
    }
  }

  private run(op: StreamOp, start: number): number {
    const p = op.payload;
    const exports = this.device.exports;
    const model = this.costs.model;
    switch (p.kind) {
      case 'memset':
        if (this.stale(op, [p.allocation])) return 0;
        if (p.byteLength > 0) exports.fill(p.dst, p.pattern, p.byteLength);
        return this.costs.streamDeviceCopy(p.byteLength);
      case 'memcpy':
        if (this.stale(op, p.allocations)) return 0;
        if (p.byteLength > 0) exports.memcpy(p.dst, p.src, p.byteLength);
        return this.costs.streamDeviceCopy(p.byteLength);
      case 'htod':
        if (this.stale(op, [p.allocation])) return 0;
        this.device.u8.set(p.data, p.dst);
        return this.costs.streamHostCopy(p.data.length);
      case 'dtoh': {
        if (this.stale(op, [p.allocation])) return 0;
        const target = p.readback.target;
        if (target !== null) target.set(this.device.u8.subarray(p.src, p.src + p.byteLength));
        return this.costs.streamHostCopy(p.byteLength);
      }
      case 'kernel':
        return this.kernel(op, p.launch, start);
      case 'graph':
        return this.graph(op, p.exec, start);
      case 'wait':
        // The capture's error (if any) poisons this stream; the scheduler does that from op.error.
        op.error = p.capture.error;
        return 0;
      case 'alloc':
        this.allocations.allocated(p.allocation);
        return 0;
      case 'free':
        // Freeing stream-ordered memory before its allocation executed is the same ordering bug as using it; the
        // memory is still released, so the failure never leaks.
        if (!p.allocation.usable && p.allocation.live) op.error = memoryOutsideLifetimeError(p.allocation, `free ${op.label} on stream ${op.stream.id}`);
        this.allocations.release(p.allocation);
        return 0;
      case 'host':
        try {
          p.fn();
        } catch (cause) {
          op.error = hostFunctionError(cause, 'launchHostFunc');
        }
        return model.hostFunctionNs;
      case 'record':
        return 0;
    }
  }

  /** Called when `op` completes. */
  completed(op: StreamOp): void {
    if (op.payload.kind === 'graph') {
      const exec = op.payload.exec;
      exec.pendingLaunches--;
      exec.releaseIfUnused();
    }
  }

  /** Called for operations skipped because their stream is poisoned (they still release what they hold). */
  skipped(op: StreamOp): void {
    if (op.payload.kind === 'free') this.allocations.release(op.payload.allocation);
  }

  private stale(op: StreamOp, used: readonly Allocation[]): boolean {
    for (let i = 0; i < used.length; i++) {
      const a = used[i]!;
      if (!a.usable) {
        op.error = memoryOutsideLifetimeError(a, `${op.kind} ${op.label} on stream ${op.stream.id}`);
        return true;
      }
    }
    return false;
  }

  private kernel(op: StreamOp, launch: PreparedLaunch, start: number): number {
    if (this.stale(op, launch.allocations)) return 0;
    if (!launch.fn.live) {
      op.error = staleResourceError(`the module of kernel '${launch.fn.name}' was unloaded`, `kernel ${op.label}`);
      return 0;
    }
    const injected = this.faults.active ? this.faults.kernelFault(dispatchOf(launch), start) : undefined;
    if (injected !== undefined) {
      op.error = injectedKernelFaultError(launch.fn.name, launch.fn.module.label, 'launchKernel', injected);
      return this.costs.model.opOverheadNs;
    }
    const device = this.device;
    const args = device.streamArgsPtr;
    const block = launch.argBlock;
    device.u8.set(new Uint8Array(block.buffer, block.byteOffset, block.byteLength), args);
    let workgroups = launch.workgroups;
    if (launch.indirectPtr !== 0) {
      const fault = device.exports.loadIndirectCounts(args, launch.indirectPtr);
      const w = args >>> 2;
      if (fault !== 0) {
        const counts = new Uint32Array([...block.subarray(0, 9), device.u32[w + 9]!, device.u32[w + 10]!, device.u32[w + 11]!, ...block.subarray(12)]);
        op.error = kernelFaultError(launch.fn.name, launch.fn.module.label, counts, readFault(device.u32, args, [0, 0, 0]), 'launchKernel');
        return this.costs.model.opOverheadNs;
      }
      workgroups = device.u32[w + 9]! * device.u32[w + 10]! * device.u32[w + 11]!;
    }
    if (workgroups > 0) {
      const error = this.dispatch(launch, args, 'launchKernel');
      if (error !== null) op.error = error;
    }
    return this.costs.streamKernel(workgroups);
  }

  /** Runs all workgroups; a fault or a trap becomes the returned error. */
  private dispatch(launch: PreparedLaunch, args: number, where: string): HalError | null {
    const device = this.device;
    let fault: number;
    try {
      fault = device.exports.dispatch(launch.fn.tableIndex, args);
    } catch (cause) {
      return kernelFaultError(launch.fn.name, launch.fn.module.label, launch.argBlock,
        { kind: FAULT_TRAP, binding: 0, offset: 0, length: 0, workgroup: this.currentWorkgroup() }, where, cause);
    }
    if (fault === 0) return null;
    return kernelFaultError(launch.fn.name, launch.fn.module.label, launch.argBlock, readFault(device.u32, args, this.currentWorkgroup()), where);
  }

  private currentWorkgroup(): [number, number, number] {
    const e = this.device.exports;
    return [e.faultWorkgroupX() >>> 0, e.faultWorkgroupY() >>> 0, e.faultWorkgroupZ() >>> 0];
  }

  private graph(op: StreamOp, exec: GraphExec, start: number): number {
    if (this.stale(op, exec.allocations)) return 0;
    const unloaded = exec.functions.find((f) => !f.live);
    if (unloaded !== undefined) {
      op.error = staleResourceError(`the module of kernel '${unloaded.name}' was unloaded`, `graph ${op.label}`);
      return 0;
    }
    if (this.faults.active) {
      // Kernel nodes in node order; an injected fault fails the launch before any node runs.
      for (const [index, node] of exec.kernelNodes) {
        const injected = this.faults.kernelFault(dispatchOf(node.launch), start);
        if (injected !== undefined) {
          op.error = injectedKernelFaultError(node.launch.fn.name, node.launch.fn.module.label, `graphLaunch node #${index}`, injected);
          return this.costs.model.graphLaunchNs;
        }
      }
    }
    const device = this.device;
    const t0 = start + this.costs.model.graphLaunchNs;
    const trace = this.traceGraphNodes();
    let faulted: number;
    try {
      faulted = device.exports.replayGraph(exec.base, t0, trace ? 1 : 0);
    } catch (cause) {
      // A kernel node trapped: the device remembers which node it was running.
      const nodeIndex = device.exports.lastReplayNode();
      const node = exec.kernelNodes.get(nodeIndex);
      op.error = kernelFaultError(node?.launch.fn.name ?? '?', node?.launch.fn.module.label ?? 'graph',
        node?.launch.argBlock ?? new Uint32Array(14),
        { kind: FAULT_TRAP, binding: 0, offset: 0, length: 0, workgroup: this.currentWorkgroup() }, `graphLaunch node #${nodeIndex}`, cause);
      return this.costs.model.graphLaunchNs;
    }
    if (trace) op.trace = exec.readTrace(device);
    const end = device.exports.lastGraphEnd();
    if (faulted >= 0) {
      const node = exec.kernelNodes.get(faulted)!;
      const wg = this.currentWorkgroup();
      const argsNow = device.u32.slice(node.argsPtr >>> 2, (node.argsPtr >>> 2) + node.launch.argBlock.length);
      op.error = kernelFaultError(node.launch.fn.name, node.launch.fn.module.label, argsNow,
        readFault(device.u32, node.argsPtr, wg), `graphLaunch node #${faulted}`);
      if (trace) op.trace = op.trace!.slice(0, op.trace!.indexOf(faulted) + 1);
    }
    return Math.max(end - start, this.costs.model.graphLaunchNs);
  }
}

function dispatchOf(launch: PreparedLaunch): DispatchInfo {
  return { entryPoint: launch.fn.name, label: launch.fn.module.label };
}
