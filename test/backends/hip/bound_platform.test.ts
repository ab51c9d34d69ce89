/**
 * Both platform adapters over a recording stand-in for the native library: every PlatformApi call must reach the
 * platform's own symbol from the one entry-point table (symbols.ts) with the arguments in the order its C
 * prototype declares. Runs without libamdhip64 or libcuda.
 */
import { describe, expect, it } from 'vitest';
import { CUDA_MEMSET_NODE_PARAMS, hipMemsetParams, layoutOf } from '../../../src/backends/hip/abi.js';
import { AmdApi } from '../../../src/backends/hip/amd_api.js';
import type { LoadedLibrary } from '../../../src/backends/hip/library.js';
import { NvidiaApi } from '../../../src/backends/hip/nvidia_api.js';
import { symbolTable } from '../../../src/backends/hip/symbols.js';

/** A library whose every function records (symbol, arguments) and returns `status` (0: success). */
function recordingLibrary(missing: readonly string[] = []): {
  loaded: LoadedLibrary;
  calls: [string, unknown[]][];
  /** The same calls with their buffers as passed, for reading the structs handed to the library. */
  rawCalls: unknown[][];
  status: { value: number };
} {
  const calls: [string, unknown[]][] = [];
  const rawCalls: unknown[][] = [];
  const status = { value: 0 };
  const lib = {
    func(declaration: string) {
      const symbol = /([A-Za-z_]\w*)\(/.exec(declaration)![1]!;
      if (missing.includes(symbol)) throw new Error(`${symbol} not found`);
      return (...args: unknown[]) => {
        calls.push([symbol, args.map((a) => (ArrayBuffer.isView(a) ? 'buffer' : a))]);
        rawCalls.push(args);
        return status.value;
      };
    },
  };
  return { loaded: { lib: lib as unknown as LoadedLibrary['lib'], name: 'recording' }, calls, rawCalls, status };
}

const dims = { x: 2, y: 3, z: 4 };

describe.each([
  { platform: 'amd', make: (l: LoadedLibrary) => new AmdApi(l) },
  { platform: 'nvidia', make: (l: LoadedLibrary) => new NvidiaApi(l) },
] as const)('the $platform adapter', ({ platform, make }) => {
  it('binds exactly its platform entry of every table row', () => {
    const { loaded } = recordingLibrary();
    const api = make(loaded);
    expect(api.fallbacks).toEqual({});
    expect(api.hasAsyncAllocation).toBe(true);
    const table = symbolTable(platform);
    expect(Object.keys(table.required).length).toBeGreaterThan(40);
  });

  it('calls the platform symbol for each operation, arguments in prototype order', () => {
    const { loaded, calls } = recordingLibrary();
    const api = make(loaded);
    const last = (): [string, unknown[]] => calls.at(-1)!;
    const p = (amd: string, nvidia: string): string => (platform === 'amd' ? amd : nvidia);
    api.memFree(0x1000);
    expect(last()).toEqual([p('hipFree', 'cuMemFree_v2'), [0x1000]]);
    api.memcpyHtoDAsync(1, 2, 3, 4);
    expect(last()).toEqual([p('hipMemcpyHtoDAsync', 'cuMemcpyHtoDAsync_v2'), [1, 2, 3, 4]]);
    api.memcpyDtoHAsync(1, 2, 3, 4);
    expect(last()).toEqual([p('hipMemcpyDtoHAsync', 'cuMemcpyDtoHAsync_v2'), [1, 2, 3, 4]]);
    api.memsetAsync(8, 0xffffffff, 4, 16, 5);
    expect(last()).toEqual([p('hipMemsetD32Async', 'cuMemsetD32Async'), [8, platform === 'amd' ? -1 : 0xffffffff, 16, 5]]);
    api.memsetAsync(8, 0x1ff, 1, 16, 5);
    expect(last()).toEqual([p('hipMemsetD8Async', 'cuMemsetD8Async'), [8, 0xff, 16, 5]]);
    api.memFreeAsync(7, 5);
    expect(last()).toEqual([p('hipFreeAsync', 'cuMemFreeAsync'), [7, 5]]);
    api.eventRecord(10, 5);
    expect(last()).toEqual([p('hipEventRecord', 'cuEventRecord'), [10, 5]]);
    expect(api.eventQuery(10)).toBe(true);
    expect(last()).toEqual([p('hipEventQuery', 'cuEventQuery'), [10]]);
    api.streamWaitEvent(5, 10);
    expect(last()).toEqual([p('hipStreamWaitEvent', 'cuStreamWaitEvent'), [5, 10, 0]]);
    api.graphLaunch(11, 5);
    expect(last()).toEqual([p('hipGraphLaunch', 'cuGraphLaunch'), [11, 5]]);
    api.launchKernel(12, dims, dims, 64, 5, 99);
    expect(last()).toEqual([p('hipModuleLaunchKernel', 'cuLaunchKernel'), [12, 2, 3, 4, 2, 3, 4, 64, 5, 99, 0]]);
    api.streamCreate();
    expect(last()[0]).toBe(p('hipStreamCreateWithFlags', 'cuStreamCreate'));
    api.graphAddEmptyNode(3, []);
    expect(last()).toEqual([p('hipGraphAddEmptyNode', 'cuGraphAddEmptyNode'), ['buffer', 3, null, 0]]);
    api.graphAddMemsetNode(3, [], 8, 1, 4, 16);
    expect(last()[0]).toBe(p('hipGraphAddMemsetNode', 'cuGraphAddMemsetNode'));
    api.graphAddMemcpyNode(3, [], 8, 9, 16);
    expect(last()[0]).toBe(p('hipGraphAddMemcpyNode1D', 'cuGraphAddMemcpyNode'));
    api.graphAddKernelNode(3, [], 12, dims, dims, 0, 99);
    expect(last()[0]).toBe(p('hipGraphAddKernelNode', 'cuGraphAddKernelNode_v2'));
    api.synchronizeDevice();
    expect(last()).toEqual([p('hipDeviceSynchronize', 'cuCtxSynchronize'), []]);
  });

  it("fills the memset node's parameters at the platform struct's own offsets", () => {
    const { loaded, rawCalls } = recordingLibrary();
    make(loaded).graphAddMemsetNode(3, [], 0x12_3456_789a, 0xdeadbeef, 4, 1000);
    const params = rawCalls.at(-1)![4] as Uint8Array;
    const layout = layoutOf(platform === 'amd' ? hipMemsetParams : CUDA_MEMSET_NODE_PARAMS);
    expect(params.byteLength).toBe(layout.size);
    const view = new DataView(params.buffer, params.byteOffset, params.byteLength);
    const o = layout.offsets;
    expect({
      dst: view.getBigUint64(o.dst!, true),
      value: view.getUint32(o.value!, true),
      elementSize: view.getUint32(o.elementSize!, true),
      width: view.getBigUint64(o.width!, true),
      height: view.getBigUint64(o.height!, true),
      pitch: view.getBigUint64(o.pitch!, true),
    }).toEqual({ dst: 0x12_3456_789an, value: 0xdeadbeef, elementSize: 4, width: 1000n, height: 1n, pitch: 0n });
  });

  it('names the platform symbol in a failing call, maps not-ready to false, and reports missing optional symbols', () => {
    const { loaded, status } = recordingLibrary(platform === 'amd' ? ['hipMallocAsync'] : ['cuMemFreeAsync']);
    const api = make(loaded);
    expect(api.hasAsyncAllocation).toBe(false);
    expect(Object.keys(api.fallbacks)).toEqual([platform === 'amd' ? 'hipMallocAsync' : 'cuMemFreeAsync']);
    status.value = 600;
    expect(api.streamQuery(1)).toBe(false);
    status.value = 2;
    expect(() => api.memAlloc(64)).toThrow(platform === 'amd' ? /hipMalloc failed/ : /cuMemAlloc_v2 failed/);
  });
});
