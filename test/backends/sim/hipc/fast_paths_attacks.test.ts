// Attacks on the two fast paths of barrier-free HIP-C workgroups (in-range chunks, check-free iterations), with real
// kernels and hand-written binaryen shapes: every kernel must give the reference's bytes and every access outside a
// binding must fault before it happens.
import binaryen from 'binaryen';
import { describe, expect, it } from 'vitest';
import { createSimDriver } from '../../../../src/backends/sim/index.js';
import { findCheckFreeLoops, splitCheckFreeLoop } from '../../../../src/backends/sim/hipc/check_free_loops.js';
import { asU32, loadHip, runHip, u32Bytes } from '../../../helpers/hipc.js';
import { readBack, upload } from '../../../helpers/sim.js';
import { inRangeKernels, loopKernels, moreKernels } from './fast_paths_attack_kernels.js';

describe('splitCheckFreeLoop on hand-written shapes', () => {
  const split = (loopBody: string) => {
    const module = binaryen.parseText(`(module (memory 1)
      (func $f (param $p i32) (param $q i32) (param $n i32) (param $r i32)
        (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32) (local $lo i32) (local $last i32) (local $safe i32) (local $s0 i32) (local $s1 i32) (local $budget i32)
        (block $out
          (loop $l
            ${loopBody}))))`);
    try {
      const body = binaryen.getFunctionInfo(module.getFunctionByIndex(0)).body;
      const loops = findCheckFreeLoops(binaryen, body);
      for (const loop of loops) splitCheckFreeLoop(binaryen, module, loop, () => ({ lo: 8, last: 9 }), [4, 5, 6, 7], 10, [11, 12], 13, 'u0');
      return { found: loops.length, valid: module.validate() !== 0 };
    } finally {
      module.dispose();
    }
  };

  it('control: a bottom-tested loop splits into a valid function', () => {
    expect(split(`(i32.store (local.get $p) (i32.const 1)) (local.set $p (i32.add (local.get $p) (i32.const 4))) (br_if $l (local.get $n))`))
      .toEqual({ found: 1, valid: true });
  });

  it('a loop whose back edge is unconditional (an exit in the middle, or an endless loop) is left alone', () => {
    // for (;;) { v = *p; if (v == 0) break; *p = v + 1; p++; } with the exit left in the middle: the body's type is
    // unreachable, so the analysis rejects it (and the fast loop's br_if on the back edge's condition never sees a null one).
    expect(split(`(br_if $out (i32.eqz (i32.load (local.get $p)))) (i32.store (local.get $p) (i32.const 1)) (local.set $p (i32.add (local.get $p) (i32.const 4))) (br $l)`))
      .toEqual({ found: 0, valid: true });
  });

  it('a loop whose body is a named block that is branched to (an exit past the back edge) is left alone', () => {
    // Splitting it would move the copy's statements out of that block, leaving the copy's branch without a target.
    // (LLVM's CFG stackifier puts such an exit's block outside the loop, so clang output is not known to hit this.)
    expect(split(`(block $b (br_if $b (i32.eqz (i32.load (local.get $p)))) (i32.store (local.get $p) (i32.const 1)) (local.set $p (i32.add (local.get $p) (i32.const 4))) (br_if $l (local.get $n)))`))
      .toEqual({ found: 0, valid: true });
    // Control: the same body block, named but never branched to, still splits.
    expect(split(`(block $b (i32.store (local.get $p) (i32.const 1)) (local.set $p (i32.add (local.get $p) (i32.const 4))) (br_if $l (local.get $n)))`))
      .toEqual({ found: 1, valid: true });
  });
});

interface Binding { readonly at: number; readonly bytes: number }
interface RawLaunch {
  readonly entry: string;
  readonly grid: readonly [number, number, number];
  readonly block: readonly [number, number, number];
  /** Bytes of the one allocation every binding lies in (filled with `fill`, then `init`). */
  readonly total: number;
  readonly bindings: readonly Binding[];
  readonly constants?: readonly number[];
  readonly init?: (bytes: Uint8Array) => void;
}

/** Runs one launch on one allocation; returns the fault (or undefined) and the whole allocation afterwards. */
async function raw(source: string, l: RawLaunch, seed: number, kernelMemoryChecks = true) {
  const driver = createSimDriver({ memoryBytes: 64 * 1024 * 1024, seed, kernelMemoryChecks });
  try {
    const module = await loadHip(driver, source, 'attack');
    const ptr = driver.memAlloc(l.total);
    const bytes = new Uint8Array(l.total).fill(0xa5);
    l.init?.(bytes);
    await upload(driver, ptr, bytes);
    const stream = driver.streamCreate();
    driver.launchKernel({
      fn: driver.moduleGetFunction(module, l.entry), workgroupCount: [...l.grid] as [number, number, number],
      workgroupSize: [...l.block] as [number, number, number], sharedMemoryBytes: 0,
      bindings: l.bindings.map((b) => ({ ptr: ptr + b.at, byteLength: b.bytes })),
      constants: Uint32Array.from((l.constants ?? []).map((c) => c >>> 0)),
    }, stream);
    const error = await driver.streamSynchronize(stream).then(() => undefined, (e: unknown) => String(e));
    const after = await readBack(driver, ptr, l.total);
    driver.streamDestroy(stream);
    driver.memFree(ptr);
    driver.moduleUnload(module);
    return { error, after };
  } finally {
    driver.destroy();
  }
}

/** Bytes of `after` outside every binding that changed from the 0xa5 canary. */
function outside(l: RawLaunch, after: Uint8Array, before: Uint8Array): number[] {
  const changed: number[] = [];
  for (let i = 0; i < after.length; i++) {
    if (l.bindings.some((b) => i >= b.at && i < b.at + b.bytes)) continue;
    if (after[i] !== before[i]) changed.push(i);
  }
  return changed;
}
const initial = (l: RawLaunch) => { const bytes = new Uint8Array(l.total).fill(0xa5); l.init?.(bytes); return bytes; };
const u64 = (v: bigint) => [Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn)];
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];


type Ref = (grid: readonly [number, number, number], block: readonly [number, number, number], words: number) => number[];
const linear = (limit: number): Ref => (grid, block, words) => Array.from({ length: words }, (_v, i) => (i < Math.min(limit, grid[0] * grid[1] * block[0]) ? (i * 3 + 1) >>> 0 : 0xa5a5a5a5));

describe('in-range chunks: attacks on the assumptions', { timeout: 600_000 }, () => {
  const cases: [string, string, [number, number, number], [number, number, number], number[], Ref][] = [
    ['size_t n = 2^32 + 5', 'g_size_t', [5, 1, 1], [61, 1, 1], u64(2n ** 32n + 5n), linear(Infinity)],
    ['size_t n = 2^64 - 1', 'g_size_t', [3, 1, 1], [64, 1, 1], u64(2n ** 64n - 1n), linear(Infinity)],
    ['size_t n = 2^32 (low word 0)', 'g_size_t', [3, 1, 1], [100, 1, 1], u64(2n ** 32n), linear(Infinity)],
    ['size_t n = 150 (partial)', 'g_size_t', [3, 1, 1], [100, 1, 1], u64(150n), linear(150)],
    ['int n = -1', 'g_int', [3, 1, 1], [64, 1, 1], [-1], linear(0)],
    ['int n = INT_MIN', 'g_int', [3, 1, 1], [64, 1, 1], [-(2 ** 31)], linear(0)],
    ['int n = INT_MAX', 'g_int', [3, 1, 1], [63, 1, 1], [2 ** 31 - 1], linear(Infinity)],
    ['int n = 130', 'g_int', [3, 1, 1], [63, 1, 1], [130], linear(130)],
    ['long n = -5', 'g_long', [3, 1, 1], [64, 1, 1], u64(2n ** 64n - 5n), linear(0)],
    ['long n = 2^32 + 1', 'g_long', [3, 1, 1], [64, 1, 1], u64(2n ** 32n + 1n), linear(Infinity)],
    ['long n = 2^63 - 1', 'g_long', [3, 1, 1], [7, 1, 1], u64(2n ** 63n - 1n), linear(Infinity)],
    ['long n = 2^63 (negative)', 'g_long', [3, 1, 1], [7, 1, 1], u64(2n ** 63n), linear(0)],
    ['unsigned long long n = 2^32 + 3, 32-bit index', 'g_ull_u32index', [4, 1, 1], [33, 1, 1], u64(2n ** 32n + 3n), linear(Infinity)],
    ['unsigned long long n = 77, 32-bit index', 'g_ull_u32index', [4, 1, 1], [33, 1, 1], u64(77n), linear(77)],
    ['not-last parameter n = 100, k = 3 (k below the chunk ends)', 'g_not_last', [3, 1, 1], [64, 1, 1], [100, 3], linear(100)],
    ['2-D grid of 1-D workgroups, n = 1000', 'g_rows', [3, 7, 1], [64, 1, 1], [1000], linear(1000)],
    ['2-D grid of 1-D workgroups, n = 100000', 'g_rows', [3, 7, 1], [62, 1, 1], [100000], linear(Infinity)],
  ];
  for (const [name, entry, grid, block, constants, ref] of cases) {
    it(name, async () => {
      const words = grid[0] * grid[1] * block[0] + 8;
      const l: RawLaunch = { entry, grid, block, total: words * 4, bindings: [{ at: 0, bytes: words * 4 }], constants };
      for (const seed of SEEDS.slice(0, 4)) {
        for (const checks of [true, false]) {
          const { error, after } = await raw(inRangeKernels, l, seed, checks);
          expect(error, `seed ${seed} checks ${checks}`).toBeUndefined();
          expect([...asU32(after)], `seed ${seed} checks ${checks}`).toEqual(ref(grid, block, words));
        }
      }
    });
  }

  it('not-last parameter: k large makes every chunk in range of k, the guard on n must stay', async () => {
    const grid = [3, 1, 1] as const, block = [64, 1, 1] as const, words = 200;
    const l: RawLaunch = { entry: 'g_not_last', grid, block, total: words * 4, bindings: [{ at: 0, bytes: words * 4 }], constants: [100, 1000000] };
    for (const seed of SEEDS.slice(0, 3)) {
      const { error, after } = await raw(inRangeKernels, l, seed);
      expect(error).toBeUndefined();
      expect([...asU32(after)]).toEqual(Array.from({ length: words }, (_v, i) => (i < 100 ? (i * 1000000 + 1) >>> 0 : 0xa5a5a5a5)));
    }
  });

  it('index from gridDim (transposed): n = 100 of 192 threads', async () => {
    const grid = [3, 1, 1] as const, block = [64, 1, 1] as const, words = 200;
    const l: RawLaunch = { entry: 'g_transposed', grid, block, total: words * 4, bindings: [{ at: 0, bytes: words * 4 }], constants: [100] };
    for (const seed of SEEDS.slice(0, 3)) {
      const { error, after } = await raw(inRangeKernels, l, seed);
      expect(error).toBeUndefined();
      expect([...asU32(after)]).toEqual(Array.from({ length: words }, (_v, i) => (i < 100 ? (i * 3 + 1) >>> 0 : 0xa5a5a5a5)));
    }
  });

  it('an index that wraps 32 bits (x*dx*65536 + t) with n above every x*dx+t', async () => {
    // 3000 workgroups of 64: x*dx + t < 192000 <= n, so every chunk is in range; the kernel's i < n only when x % 1024 == 0.
    const grid = [3000, 1, 1] as const, block = [64, 1, 1] as const;
    const l: RawLaunch = { entry: 'g_wrapping', grid, block, total: 256, bindings: [{ at: 0, bytes: 256 }], constants: [200000], init: (b) => b.fill(0) };
    for (const seed of [1, 2]) {
      const { error, after } = await raw(inRangeKernels, l, seed);
      expect(error).toBeUndefined();
      expect([...asU32(after)]).toEqual(Array.from({ length: 64 }, () => 3));
    }
  });

  it('a signed index that wraps negative, n = 1000 above every x*dx+t', async () => {
    // i = (int)(x * 64 * 2^22 + t) = (int)(x * 2^28 + t): x % 16 in 0..7 gives i >= 0 (i < 1000 only for x % 16 == 0), 8..15 negative.
    const grid = [12, 1, 1] as const, block = [64, 1, 1] as const;
    const l: RawLaunch = { entry: 'g_signed_wrap', grid, block, total: 256, bindings: [{ at: 0, bytes: 256 }], constants: [1000], init: (b) => b.fill(0) };
    const expected = Array.from({ length: 64 }, (_v, t) => {
      let c = 0;
      for (let x = 0; x < 12; x++) { const i = ((x * 64 * 4194304 + t) | 0); if (i < 1000) c++; }
      return c;
    });
    for (const seed of [1, 2, 3]) {
      const { error, after } = await raw(inRangeKernels, l, seed);
      expect(error).toBeUndefined();
      expect([...asU32(after)]).toEqual(expected);
    }
  });

  it('workgroup sizes that are not multiples of 4, counts at chunk edges', async () => {
    for (const [gx, bx, n] of [[5, 1, 3], [4, 3, 7], [3, 1023, 2000], [2, 61, 61], [2, 61, 62], [7, 5, 34]] as const) {
      const words = gx * bx + 4;
      const l: RawLaunch = { entry: 'g_int', grid: [gx, 1, 1], block: [bx, 1, 1], total: words * 4, bindings: [{ at: 0, bytes: words * 4 }], constants: [n] };
      for (const seed of [1, 2, 3]) {
        const { error, after } = await raw(inRangeKernels, l, seed);
        expect(error).toBeUndefined();
        expect([...asU32(after)], `${gx}x${bx} n ${n} seed ${seed}`).toEqual(linear(n)([gx, 1, 1], [bx, 1, 1], words));
      }
    }
  });

  it('an in-range chunk whose count is larger than the binding still faults at the binding end', async () => {
    // n = 1024 says every chunk is in range; the binding holds 1000 words, the allocation 1024.
    for (const seed of SEEDS) {
      const l: RawLaunch = { entry: 'g_size_t', grid: [4, 1, 1], block: [256, 1, 1], total: 4096, bindings: [{ at: 0, bytes: 4000 }], constants: u64(1024n) };
      const { error, after } = await raw(inRangeKernels, l, seed);
      expect(error).toMatch(/out-of-bounds access to binding 0 at byte offset (\d+)/);
      expect(outside(l, after, initial(l)), `seed ${seed}`).toEqual([]);
    }
  });

  it('grid-stride loop: results and an overrun', async () => {
    const words = 1000;
    const l: RawLaunch = { entry: 'g_stride_loop', grid: [3, 1, 1], block: [64, 1, 1], total: words * 4, bindings: [{ at: 0, bytes: words * 4 }], constants: [words], init: (b) => b.fill(0) };
    for (const seed of [1, 2, 3]) {
      const { error, after } = await raw(inRangeKernels, l, seed);
      expect(error).toBeUndefined();
      expect([...asU32(after)]).toEqual(Array.from({ length: words }, (_v, i) => i + 1));
    }
    const short: RawLaunch = { ...l, total: 4096, bindings: [{ at: 0, bytes: 4000 }], constants: [1024], init: undefined };
    for (const seed of [1, 2, 3]) {
      const { error, after } = await raw(inRangeKernels, short, seed);
      expect(error).toMatch(/out-of-bounds access to binding 0/);
      expect(outside(short, after, initial(short))).toEqual([]);
    }
  });
});


describe('check-free iterations: attacks', { timeout: 600_000 }, () => {
  const w = (values: number[]) => (b: Uint8Array) => new Uint32Array(b.buffer, b.byteOffset, b.byteLength >>> 2).set(values);

  const faults: [string, RawLaunch, RegExp][] = [
    ['data-dependent trip count: the sentinel lies past the binding', {
      entry: 'c_sentinel', grid: [1, 1, 1], block: [1, 1, 1], total: 8192,
      bindings: [{ at: 0, bytes: 2000 }, { at: 4096, bytes: 4096 }],
      init: (b) => { const u = new Uint32Array(b.buffer); for (let i = 0; i < 1024; i++) u[i] = i < 900 ? i + 1 : 0; },
    }, /out-of-bounds access to binding 0 at byte offset 2000/],
    ['walks backwards past the binding start', {
      entry: 'c_backwards', grid: [1, 1, 1], block: [1, 1, 1], total: 4096, bindings: [{ at: 2048, bytes: 1024 }], constants: [255, -300],
    }, /out-of-bounds access (to binding 0 at byte offset -4\b|of \d+ bytes at device address)/],
    ['vectorizable descending copy past the binding start', {
      entry: 'c_backwards_vec', grid: [1, 1, 1], block: [1, 1, 1], total: 8192, bindings: [{ at: 2048, bytes: 1024 }, { at: 4096, bytes: 4096 }], constants: [255, 600],
    }, /out-of-bounds access (to binding 0 at byte offset -|of \d+ bytes at device address)/],
    ['stride 256 bytes past the binding end', {
      entry: 'c_stride64', grid: [1, 1, 1], block: [1, 1, 1], total: 8192, bindings: [{ at: 0, bytes: 4000 }], constants: [40],
    }, /out-of-bounds access to binding 0 at byte offset 4096/],
    ['stride 1536 bytes lands in the gap between two bindings', {
      entry: 'c_stride384', grid: [1, 1, 1], block: [1, 1, 1], total: 8192, bindings: [{ at: 0, bytes: 1024 }, { at: 2048, bytes: 2048 }], constants: [10],
    }, /out-of-bounds access to binding 0 at byte offset 1536/],
    ['non-constant stride past the binding end', {
      entry: 'c_stride_param', grid: [1, 1, 1], block: [1, 1, 1], total: 8192, bindings: [{ at: 0, bytes: 4000 }], constants: [2000, 7],
    }, /out-of-bounds access to binding 0 at byte offset 4004/],
    ['rows alternating between bindings; the second binding is short', {
      entry: 'c_rows', grid: [1, 1, 1], block: [1, 1, 1], total: 16384, bindings: [{ at: 0, bytes: 4096 }, { at: 8192, bytes: 3000 }], constants: [8, 256],
    }, /out-of-bounds access to binding 1 at byte offset 3000/],
    ['per-thread rows in a 1-D grid; the last rows run past the binding', {
      entry: 'c_thread_rows', grid: [4, 1, 1], block: [64, 1, 1], total: 65536, bindings: [{ at: 0, bytes: 256 * 60 * 4 - 100 }], constants: [60],
    }, /out-of-bounds access to binding 0/],
    ['stride 256 bytes: the last word of the binding is fine, the next stride faults', {
      entry: 'c_stride64', grid: [1, 1, 1], block: [1, 1, 1], total: 8192, bindings: [{ at: 0, bytes: 3844 }], constants: [17],
    }, /out-of-bounds access to binding 0 at byte offset 4096/],
    ['backwards to exactly one word before the start', {
      entry: 'c_backwards', grid: [1, 1, 1], block: [1, 1, 1], total: 4096, bindings: [{ at: 2048, bytes: 1024 }], constants: [255, -1],
    }, /out-of-bounds access (to binding 0 at byte offset -4\b|of \d+ bytes at device address)/],
  ];
  for (const [name, l, fault] of faults) {
    it(name, async () => {
      for (const seed of SEEDS.slice(0, 4)) {
        const { error, after } = await raw(loopKernels, l, seed);
        expect(error, `seed ${seed}`).toMatch(fault);
        expect(outside(l, after, initial(l)), `seed ${seed}: bytes outside every binding were written`).toEqual([]);
      }
    });
  }

  const results: [string, RawLaunch, (before: Uint32Array) => number[]][] = [
    ['two aliasing pointers (b = a + 4 bytes)', {
      entry: 'c_alias', grid: [1, 1, 1], block: [1, 1, 1], total: 4096, bindings: [{ at: 0, bytes: 4000 }, { at: 4, bytes: 4000 }], constants: [998],
      init: w(Array.from({ length: 1024 }, (_v, i) => i * 7 + 1)),
    }, (u) => { const a = [...u]; for (let k = 0; k < 998; k++) a[k] = (a[k + 2]! + a[k]! * 3) >>> 0; return a; }],
    ['two aliasing pointers (b = a - 4 bytes)', {
      entry: 'c_alias', grid: [1, 1, 1], block: [1, 1, 1], total: 4096, bindings: [{ at: 8, bytes: 4000 }, { at: 4, bytes: 4000 }], constants: [998],
      init: w(Array.from({ length: 1024 }, (_v, i) => i * 7 + 1)),
    }, (u) => { const a = [...u]; for (let k = 0; k < 998; k++) a[k + 2] = (a[k + 2]! + a[k + 2]! * 3) >>> 0; return a; }],
    ['continue', {
      entry: 'c_continue', grid: [1, 1, 1], block: [1, 1, 1], total: 8192, bindings: [{ at: 0, bytes: 4096 }, { at: 4096, bytes: 4096 }], constants: [1000],
      init: w(Array.from({ length: 2048 }, (_v, i) => (i * 2654435761) >>> 0)),
    }, (u) => { const a = [...u]; for (let k = 0; k < 1000; k++) if (!(a[k]! & 1)) a[1024 + k] = Math.imul(a[k]!, 3) >>> 0; return a; }],
    ['rows alternating between bindings', {
      entry: 'c_rows', grid: [1, 1, 1], block: [1, 1, 1], total: 16384, bindings: [{ at: 0, bytes: 4096 }, { at: 8192, bytes: 4096 }], constants: [8, 255],
    }, (u) => { const a = [...u]; for (let r = 0; r < 8; r++) for (let c = 0; c < 255; c++) a[(r & 1 ? 2048 : 0) + (r >> 1) * 255 + c] = r * 1000 + c; return a; }],
    ['per-thread rows', {
      entry: 'c_thread_rows', grid: [3, 1, 1], block: [61, 1, 1], total: 183 * 13 * 4, bindings: [{ at: 0, bytes: 183 * 13 * 4 }], constants: [13],
    }, (u) => { const a = [...u]; for (let i = 0; i < 183; i++) for (let k = 0; k < 13; k++) a[i * 13 + k] = i + k; return a; }],
    ['stride 256 bytes ending on the last word of the binding', {
      entry: 'c_stride64', grid: [1, 1, 1], block: [1, 1, 1], total: 8192, bindings: [{ at: 0, bytes: 3844 }], constants: [16],
    }, (u) => { const a = [...u]; for (let k = 0; k < 16; k++) a[k * 64] = k + 1; return a; }],
    ['backwards to exactly the binding start', {
      entry: 'c_backwards', grid: [1, 1, 1], block: [1, 1, 1], total: 4096, bindings: [{ at: 2048, bytes: 1024 }], constants: [255, 0],
    }, (u) => { const a = [...u]; for (let k = 255; k >= 0; k--) a[512 + k] = k + 7; return a; }],
  ];
  for (const [name, l, ref] of results) {
    it(name, async () => {
      const expected = ref(new Uint32Array(initial(l).buffer));
      for (const seed of SEEDS.slice(0, 3)) {
        for (const checks of [true, false]) {
          const { error, after } = await raw(loopKernels, l, seed, checks);
          expect(error, `seed ${seed}`).toBeUndefined();
          expect([...asU32(after)], `seed ${seed} checks ${checks}`).toEqual(expected);
        }
      }
    });
  }

  it('an endless loop whose access never runs stops on the loop budget', { timeout: 120_000 }, async () => {
    const l: RawLaunch = { entry: 'c_endless', grid: [1, 1, 1], block: [1, 1, 1], total: 4096, bindings: [{ at: 0, bytes: 1024 }, { at: 2048, bytes: 4 }], init: (b) => b.fill(0, 2048, 2052) };
    const { error, after } = await raw(loopKernels, l, 1);
    console.log('endless:', error);
    expect(error).toMatch(/budget|runaway|loop iterations/i);
    expect(outside(l, after, initial(l))).toEqual([]);
  });

  it('an endless loop with a 2^31-byte stride (flag 0: only the in-binding address is written) stops on the budget or faults', { timeout: 120_000 }, async () => {
    const l: RawLaunch = { entry: 'c_endless_half', grid: [1, 1, 1], block: [1, 1, 1], total: 4096, bindings: [{ at: 0, bytes: 1024 }, { at: 2048, bytes: 4 }], init: (b) => b.fill(0, 2048, 2052) };
    const { error, after } = await raw(loopKernels, l, 1);
    console.log('endless_half:', error);
    expect(error).toBeDefined();
    expect(outside(l, after, initial(l))).toEqual([]);
  });
});

describe('check-free iterations: more attacks', { timeout: 600_000 }, () => {
  it('a loop walks from one binding into the adjacent one (allowed), then past its end (a fault)', async () => {
    const ok: RawLaunch = { entry: 'm_cross', grid: [1, 1, 1], block: [1, 1, 1], total: 4096, bindings: [{ at: 0, bytes: 1024 }, { at: 1024, bytes: 1024 }], constants: [512] };
    const bad: RawLaunch = { ...ok, constants: [600] };
    for (const seed of [1, 2]) {
      const good = await raw(moreKernels, ok, seed);
      expect(good.error).toBeUndefined();
      expect([...asU32(good.after)].slice(0, 512)).toEqual(Array.from({ length: 512 }, (_v, k) => k * 5 + 1));
      const { error, after } = await raw(moreKernels, bad, seed);
      expect(error).toMatch(/out-of-bounds access/);
      expect(outside(bad, after, initial(bad))).toEqual([]);
    }
  });

  it('copy until zero: the back edge condition with side effects runs once per iteration', async () => {
    const words = 700;
    const l: RawLaunch = {
      entry: 'm_copy_until_zero', grid: [1, 1, 1], block: [1, 1, 1], total: 8192, bindings: [{ at: 0, bytes: 4096 }, { at: 4096, bytes: 4092 }, { at: 8188, bytes: 4 }],
      init: (b) => { const u = new Uint32Array(b.buffer); for (let i = 0; i < 1024; i++) u[i] = i < words ? i + 1 : 0; },
    };
    for (const seed of [1, 2]) {
      for (const checks of [true, false]) {
        const { error, after } = await raw(moreKernels, l, seed, checks);
        expect(error).toBeUndefined();
        const u = asU32(after);
        expect([...u.subarray(1024, 1024 + words + 2)]).toEqual([...Array.from({ length: words }, (_v, i) => i + 1), 0, 0xa5a5a5a5]);
        expect(u[2047]).toBe(words);
      }
    }
  });

  it('a loop in a noinline device function, per thread; overrun by the last threads', async () => {
    const l: RawLaunch = { entry: 'm_noinline_rows', grid: [2, 1, 1], block: [32, 1, 1], total: 64 * 9 * 4, bindings: [{ at: 0, bytes: 64 * 9 * 4 }], constants: [9] };
    for (const seed of [1, 2, 3]) {
      const { error, after } = await raw(moreKernels, l, seed);
      expect(error).toBeUndefined();
      expect([...asU32(after)]).toEqual(Array.from({ length: 64 * 9 }, (_v, j) => Math.floor(j / 9) * 1000 + (j % 9)));
      const short: RawLaunch = { ...l, total: 64 * 9 * 4 + 256, bindings: [{ at: 0, bytes: 64 * 9 * 4 - 8 }] };
      const over = await raw(moreKernels, short, seed);
      expect(over.error).toMatch(/out-of-bounds access/);
      expect(outside(short, over.after, initial(short))).toEqual([]);
    }
  });

  it('shared memory in a 2-D workgroup: checks on equal checks off', async () => {
    const l: RawLaunch = { entry: 'm_shared_stack', grid: [2, 1, 1], block: [8, 4, 1], total: 64 * 4, bindings: [{ at: 0, bytes: 64 * 4 }], constants: [37] };
    for (const seed of [1, 2, 3]) {
      const on = await raw(moreKernels, l, seed, true);
      const off = await raw(moreKernels, l, seed, false);
      expect(on.error).toBeUndefined();
      expect(off.error).toBeUndefined();
      expect([...asU32(on.after)]).toEqual([...asU32(off.after)]);
    }
  });

  it('a far constant index that wraps 32 bits lands where a 64-bit GPU address would (out[0]): no fault, same bytes', async () => {
    // q = out - 0xFC000000 bytes; q[0x3F000000] is out[0] in 64-bit arithmetic as well.
    const l: RawLaunch = { entry: 'm_far_offset', grid: [1, 1, 1], block: [1, 1, 1], total: 4096, bindings: [{ at: 0, bytes: 4096 }], constants: [0x3f000000] };
    const { error, after } = await raw(moreKernels, l, 1);
    expect(error).toBeUndefined();
    expect(asU32(after)[0]).toBe(7);
    const loop: RawLaunch = { entry: 'm_far_offset_loop', grid: [1, 1, 1], block: [1, 1, 1], total: 4096, bindings: [{ at: 0, bytes: 4096 }], constants: [0x3f000000, 100] };
    const r = await raw(moreKernels, loop, 1);
    expect(r.error).toBeUndefined();
    expect([...asU32(r.after)].slice(0, 101)).toEqual([...Array.from({ length: 100 }, (_v, k) => k), 0xa5a5a5a5]);
    const over: RawLaunch = { ...loop, total: 8192, constants: [0x3f000000, 1100] };
    const o = await raw(moreKernels, over, 1);
    expect(o.error).toMatch(/out-of-bounds access/);
    expect(outside(over, o.after, initial(over))).toEqual([]);
  });
});

// Found while attacking the check-free loops; not caused by the fast paths (every case here fails at 1eae21a, before
// them): a barrier-free kernel with a per-thread array on the stack addresses its frame below a stack pointer of 0
// (0xffffff00) in every chunk the entry point runs itself (a 2-D workgroup, or a 1-D chunk that is not an in-range
// chunk); only in-range chunks (their own out-of-line function) get a frame on the thread stack.
describe('per-thread stack arrays in barrier-free workgroups', { timeout: 300_000 }, () => {
  const source = String.raw`
extern "C" __global__ void stack_arr(unsigned* out, unsigned n) {
  unsigned t = threadIdx.y * blockDim.x + threadIdx.x;
  unsigned local[64];
  for (unsigned k = 0; k < n; k++) local[k] = t * 3u + k;
  out[blockIdx.x * blockDim.x * blockDim.y + t] = local[n - 1] + local[n / 2];
}`;
  const cases: [string, [number, number, number], [number, number, number]][] = [
    ['control: one in-range 1-D workgroup of 8', [1, 1, 1], [8, 1, 1]],
    ['a 2-D workgroup of 8x4', [1, 1, 1], [8, 4, 1]],
    ['two 1-D workgroups of 32 (the second is not in range of n = 37)', [2, 1, 1], [32, 1, 1]],
  ];
  for (const [name, grid, block] of cases) {
    for (const checks of [true, false]) {
      it(`${name}, memory checks ${checks ? 'on' : 'off'}`, async () => {
        const threads = block[0] * block[1];
        const l: RawLaunch = { entry: 'stack_arr', grid, block, total: 256, bindings: [{ at: 0, bytes: 256 }], constants: [37] };
        const { error, after } = await raw(source, l, 1, checks);
        expect(error).toBeUndefined();
        expect([...asU32(after)].slice(0, threads * grid[0])).toEqual(Array.from({ length: threads * grid[0] }, (_v, i) => { const t = i % threads; return (t * 3 + 36) + (t * 3 + 18); }));
      });
    }
  }
});

describe('check-free iterations and the loop budget', { timeout: 300_000 }, () => {
  it('check-free iterations count against the budget as checked ones do (checks on and off fault alike)', async () => {
    const words = 3_000_000;
    const base: RawLaunch = { entry: 'm_long_sum', grid: [1, 1, 1], block: [256, 1, 1], total: words * 4 + 1024, bindings: [{ at: 0, bytes: words * 4 }, { at: words * 4, bytes: 1024 }], init: (b) => b.fill(0, 0, words * 4) };
    for (const m of [200_000, 1_000_000, 3_000_000]) {
      const on = await raw(moreKernels, { ...base, constants: [m] }, 1, true);
      const off = await raw(moreKernels, { ...base, constants: [m] }, 1, false);
      console.log('budget', m, on.error ?? 'ok', '|', off.error ?? 'ok');
      expect(/loop budget/.test(on.error ?? ''), `m = ${m}`).toBe(/loop budget/.test(off.error ?? ''));
    }
  });

  it('a loop that leaves early is charged only the iterations it ran', async () => {
    // 256 threads each run 400 searches over 1024 words, each finding its key within 8: about 0.8 M iterations as
    // run, but 100 M (one and a half budgets) if every search were charged a whole stretch up front.
    const words = 1024, rounds = 400;
    const l: RawLaunch = {
      entry: 'm_find_many', grid: [1, 1, 1], block: [256, 1, 1], total: words * 4 + 1024,
      bindings: [{ at: 0, bytes: words * 4 }, { at: words * 4, bytes: 1024 }], constants: [words, rounds],
      init: (b) => { const u = new Uint32Array(b.buffer, 0, words); u.fill(0xffffffff); for (let k = 0; k < 8; k++) u[k] = k; },
    };
    const expected = Array.from({ length: 256 }, (_v, t) => { let total = 0; for (let r = 0; r < rounds; r++) total += (t + r) & 7; return total; });
    for (const checks of [true, false]) {
      const { error, after } = await raw(moreKernels, l, 1, checks);
      expect(error, `checks ${checks}`).toBeUndefined();
      expect([...new Uint32Array(after.buffer, words * 4, 256)], `checks ${checks}`).toEqual(expected);
    }
  });

});

describe('in-range chunks: large grids and overruns at odd sizes', { timeout: 600_000 }, () => {
  const buckets = (total: number, n: number) => { const b = new Array<number>(61).fill(0); for (let i = 0; i < Math.min(total, n); i++) b[i % 61]!++; return b; };
  it('70000 workgroups of 64 (blockIdx above 2^16), size_t and long long counts, partial and full', async () => {
    for (const [entry, n] of [['g_buckets', 3_000_001], ['g_buckets', 70000 * 64], ['g_buckets_ll', 4_479_999], ['g_buckets_ll', -1]] as const) {
      const l: RawLaunch = { entry, grid: [70000, 1, 1], block: [64, 1, 1], total: 61 * 4, bindings: [{ at: 0, bytes: 61 * 4 }], constants: u64(BigInt.asUintN(64, BigInt(n))), init: (b) => b.fill(0) };
      const { error, after } = await raw(inRangeKernels, l, 3);
      expect(error).toBeUndefined();
      expect([...asU32(after)], `${entry} n ${n}`).toEqual(buckets(70000 * 64, Math.max(0, n)));
    }
  });

  it('a vectorized copy whose count passes its destination binding faults before writing past it (16 seeds, odd workgroup sizes)', async () => {
    for (const [gx, bx] of [[4, 250], [5, 61], [3, 1023], [9, 7]] as const) {
      const threads = gx * bx;
      const dstBytes = (threads - 3) * 4;
      const l: RawLaunch = { entry: 'g_copy', grid: [gx, 1, 1], block: [bx, 1, 1], total: 2 * threads * 4 + 64,
        bindings: [{ at: 0, bytes: dstBytes }, { at: threads * 4 + 64, bytes: threads * 4 }], constants: u64(BigInt(threads)),
        init: (b) => new Float32Array(b.buffer, threads * 4 + 64, threads).set(Array.from({ length: threads }, (_v, i) => i)) };
      for (let seed = 1; seed <= 16; seed++) {
        const { error, after } = await raw(inRangeKernels, l, seed);
        expect(error, `${gx}x${bx} seed ${seed}`).toMatch(/out-of-bounds access/);
        expect(outside(l, after, initial(l)), `${gx}x${bx} seed ${seed}`).toEqual([]);
      }
    }
  });
});
