/**
 * The raw baseline for the hip benchmarks: the CUDA driver API called straight through koffi with no gpuhal code
 * in between (same symbol table as the nvidia adapter, none of its bookkeeping), on the context the driver made
 * current. Every status is checked; polling spins on cuEventQuery, the fastest a JS caller can learn completion.
 */
import { isLoaded, loadFirst, bindSymbols, type NativeFunction } from '../../src/backends/hip/library.js';
import { CUDA_LIBRARY_CANDIDATES, CUDA_SYMBOLS } from '../../src/backends/hip/nvidia_api.js';
import { CUDA_KERNEL_NODE_PARAMS_v2, layoutOf } from '../../src/backends/hip/abi.js';

const NOT_READY = 600;

export class RawCuda {
  readonly f: Readonly<Record<string, NativeFunction>>;
  private readonly cell = new BigUint64Array(1);

  constructor() {
    const loaded = loadFirst(CUDA_LIBRARY_CANDIDATES);
    if (!isLoaded(loaded)) throw new Error('libcuda.so.1 not loadable');
    this.f = bindSymbols(loaded.lib, CUDA_SYMBOLS).fns;
  }

  ok(status: number, call: string): void {
    if (status !== 0) throw new Error(`${call} returned ${status}`);
  }

  private out(call: string, invoke: (cell: BigUint64Array) => number): number {
    this.cell[0] = 0n;
    this.ok(invoke(this.cell), call);
    return Number(this.cell[0]);
  }

  stream(): number {
    return this.out('cuStreamCreate', (c) => this.f.cuStreamCreate!(c, 1));
  }
  event(): number {
    return this.out('cuEventCreate', (c) => this.f.cuEventCreate!(c, 2));
  }
  alloc(bytes: number): number {
    return this.out('cuMemAlloc_v2', (c) => this.f.cuMemAlloc_v2!(c, bytes));
  }
  module(image: Uint8Array): number {
    return this.out('cuModuleLoadData', (c) => this.f.cuModuleLoadData!(c, image));
  }
  fn(module: number, name: string): number {
    return this.out('cuModuleGetFunction', (c) => this.f.cuModuleGetFunction!(c, module, name));
  }

  /** A graph of one kernel node: one workgroup of `invocations` (32 by default). */
  oneKernelGraph(fn: number, kernelParams: number, invocations = 32): { graph: number; exec: number } {
    const graph = this.out('cuGraphCreate', (c) => this.f.cuGraphCreate!(c, 0));
    const layout = layoutOf(CUDA_KERNEL_NODE_PARAMS_v2);
    const bytes = new Uint8Array(layout.size);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(layout.offsets.func!, BigInt(fn), true);
    for (const f of ['gridDimX', 'gridDimY', 'gridDimZ', 'blockDimY', 'blockDimZ']) view.setUint32(layout.offsets[f]!, 1, true);
    view.setUint32(layout.offsets.blockDimX!, invocations, true);
    view.setBigUint64(layout.offsets.kernelParams!, BigInt(kernelParams), true);
    this.out('cuGraphAddKernelNode_v2', (c) => this.f.cuGraphAddKernelNode_v2!(c, graph, null, 0, bytes));
    const exec = this.out('cuGraphInstantiateWithFlags', (c) => this.f.cuGraphInstantiateWithFlags!(c, graph, 0));
    return { graph, exec };
  }

  /** Records an event and spins on cuEventQuery until it completes. */
  spinUntilDone(event: number, stream: number): void {
    this.ok(this.f.cuEventRecord!(event, stream), 'cuEventRecord');
    const query = this.f.cuEventQuery!;
    let status: number;
    while ((status = query(event) as number) === NOT_READY);
    this.ok(status, 'cuEventQuery');
  }
}
