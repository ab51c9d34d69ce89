// The two fast paths of a barrier-free HIP-C workgroup, and the guarantees they must keep:
//  - in-range chunks (device_header.ts, launcher::in_range_chunk): a chunk whose global indices are all below an
//    integer parameter runs a copy of the thread loop in which a guard `i < n` folds away, so the loop vectorizes;
//  - check-free iterations (check_free_loops.ts): a loop's strided accesses are checked once per stretch of
//    iterations instead of once per access.
// Both may only change speed: every kernel gives the reference's bytes, and an access past a binding is still the
// same out-of-bounds fault, found before a single byte past the binding is written.
import binaryen from 'binaryen';
import { describe, expect, it } from 'vitest';
import { createSimDriver } from '../../../../src/backends/sim/index.js';
import { findCheckFreeLoops } from '../../../../src/backends/sim/hipc/check_free_loops.js';
import { asU32, loadHip, runHip, u32Bytes } from '../../../helpers/hipc.js';
import { readBack, upload } from '../../../helpers/sim.js';

const guardedKernels = String.raw`
extern "C" __global__ void scale_u32(unsigned* x, unsigned k, unsigned count) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) x[i] = x[i] * k + 1u;
}
extern "C" __global__ void scale_i64_guard(int* x, int k, int n) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  x[i] = x[i] * k - 1;
}
`;

const scaled = (count: number, total: number, k: number, offset: number) =>
  Array.from({ length: total }, (_v, i) => (i < count ? (i * k + offset) >>> 0 : i));

describe('in-range chunks: the guard folds away, the results do not change', { timeout: 300_000 }, () => {
  // Counts below, at and above the chunk and workgroup edges; k small (so it is never taken for a count).
  for (const count of [0, 1, 3, 63, 64, 65, 255, 256, 257, 700, 1024]) {
    it(`unsigned guard, count ${count} of 1024 threads`, async () => {
      const run = await runHip(guardedKernels, { entry: 'scale_u32', grid: [4, 1, 1], block: [256, 1, 1], inputs: [u32Bytes(Array.from({ length: 1024 }, (_v, i) => i))], constants: [3, count] }, { seed: count + 1 });
      expect(run.error).toBeUndefined();
      expect([...asU32(run.outputs[0]!)]).toEqual(scaled(count, 1024, 3, 1));
    });
  }

  // 64 workgroups of 64 threads: a seeded sample of them explores its thread order (chunks, some descending), the
  // others run all their threads ascending in one in-range loop; both must give the reference's bytes.
  for (const count of [0, 1, 63, 64, 65, 2049, 4095, 4096]) {
    it(`unsigned guard, count ${count} of 4096 threads in 64 workgroups (most not exploring their order)`, async () => {
      const run = await runHip(guardedKernels, { entry: 'scale_u32', grid: [64, 1, 1], block: [64, 1, 1], inputs: [u32Bytes(Array.from({ length: 4096 }, (_v, i) => i))], constants: [5, count] }, { seed: count + 11 });
      expect(run.error).toBeUndefined();
      expect([...asU32(run.outputs[0]!)]).toEqual(scaled(count, 4096, 5, 1));
    });
  }

  it('signed guard with an early return: a negative count writes nothing, a count past the grid writes all', async () => {
    for (const [n, expected] of [[-5, 0], [300, 300], [5000, 512]] as const) {
      const run = await runHip(guardedKernels, { entry: 'scale_i64_guard', grid: [2, 1, 1], block: [256, 1, 1], inputs: [u32Bytes(Array.from({ length: 512 }, (_v, i) => i))], constants: [2, n >>> 0] });
      expect(run.error).toBeUndefined();
      expect([...asU32(run.outputs[0]!)], `n = ${n}`).toEqual(scaled(expected, 512, 2, -1));
    }
  });
});

describe('check-free iterations keep memory safe', { timeout: 300_000 }, () => {
  /**
   * Runs `entry` with a binding shorter than its allocation and returns the fault and the allocation's bytes past
   * the binding (which must be untouched: they belong to no binding of the launch).
   */
  async function overrun(source: string, entry: string, bindingBytes: number, allocationBytes: number, constants: number[], seed: number, workgroups = 4) {
    const driver = createSimDriver({ memoryBytes: 16 * 1024 * 1024, seed });
    try {
      const module = await loadHip(driver, source, 'overrun');
      const ptr = driver.memAlloc(allocationBytes);
      await upload(driver, ptr, new Uint8Array(allocationBytes).fill(0xa5));
      const stream = driver.streamCreate();
      driver.launchKernel({
        fn: driver.moduleGetFunction(module, entry), workgroupCount: [workgroups, 1, 1], workgroupSize: [256, 1, 1], sharedMemoryBytes: 0,
        bindings: [{ ptr, byteLength: bindingBytes }], constants: Uint32Array.from(constants),
      }, stream);
      const error = await driver.streamSynchronize(stream).then(() => undefined, (e: unknown) => e);
      const past = (await readBack(driver, ptr, allocationBytes)).subarray(bindingBytes);
      driver.streamDestroy(stream);
      driver.memFree(ptr);
      driver.moduleUnload(module);
      return { error: String(error), past };
    } finally {
      driver.destroy();
    }
  }

  it('a vectorized thread loop that runs past its binding faults at the binding end, writing nothing past it', async () => {
    // count says 1024 elements, the binding holds 1000: every chunk is in range, so the loop is the vectorized one.
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { error, past } = await overrun(guardedKernels, 'scale_u32', 4000, 4096, [3, 1024], seed);
      const match = /out-of-bounds access to binding 0 at byte offset (\d+), length (\d+).*workgroup \(3, 0, 0\)/.exec(error);
      expect(match, error).not.toBeNull();
      expect(Number(match![1])).toBeGreaterThanOrEqual(4000);
      expect(Number(match![1])).toBeLessThan(4096);
      expect(past.every((b) => b === 0xa5), `seed ${seed}: bytes past the binding were written`).toBe(true);
    }
  });

  it('so does one that runs all its threads ascending (a launch of 40 workgroups, most not exploring their order)', async () => {
    for (const seed of [1, 2, 3]) {
      const { error, past } = await overrun(guardedKernels, 'scale_u32', 40 * 1024 - 96, 40 * 1024, [3, 40 * 256], seed, 40);
      const match = /out-of-bounds access to binding 0 at byte offset (\d+), length (\d+).*workgroup \(39, 0, 0\)/.exec(error);
      expect(match, error).not.toBeNull();
      expect(Number(match![1])).toBeGreaterThanOrEqual(40 * 1024 - 96);
      expect(past.every((b) => b === 0xa5), `seed ${seed}: bytes past the binding were written`).toBe(true);
    }
  });

  it('a loop inside one thread that strides past its binding faults the same way', async () => {
    const source = String.raw`
extern "C" __global__ void fill_rows(unsigned* out, unsigned row) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  for (unsigned k = 0; k < row * 2; k++) out[k] = k;
}`;
    const { error, past } = await overrun(source, 'fill_rows', 2000, 4096, [1000], 7);
    expect(error).toMatch(/out-of-bounds access to binding 0 at byte offset (200\d|20[1-9]\d), length/);
    expect(past.every((b) => b === 0xa5)).toBe(true);
  });
});

describe('check-free iterations keep the loop budget and forget a finished dispatch\'s bindings', { timeout: 300_000 }, () => {
  // One byte per iteration with a loop-carried value, so the loop stays scalar and strided: its check-free copy
  // counts the budget itself (check_free_loops.ts). 2^26 iterations is the budget (postprocess.ts LOOP_BUDGET).
  const source = String.raw`
extern "C" __global__ void ramp(unsigned char* out, unsigned n) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  unsigned char v = 1;
#pragma clang loop unroll(disable)
  for (unsigned k = 0; k < n; k++) { v = (unsigned char)(v * 3 + out[k]); out[k] = v; }
}`;
  async function ramp(n: number) {
    const driver = createSimDriver({ memoryBytes: 128 * 1024 * 1024 });
    try {
      const module = await loadHip(driver, source, 'ramp');
      const ptr = driver.memAlloc(n);
      const stream = driver.streamCreate();
      driver.launchKernel({ fn: driver.moduleGetFunction(module, 'ramp'), workgroupCount: [1, 1, 1], workgroupSize: [1, 1, 1], sharedMemoryBytes: 0,
        bindings: [{ ptr, byteLength: n }], constants: Uint32Array.from([n]) }, stream);
      const outcome = String(await driver.streamSynchronize(stream).then(() => 'ok', (e: unknown) => e));
      driver.streamDestroy(stream);
      driver.memFree(ptr);
      driver.moduleUnload(module);
      return outcome;
    } finally {
      driver.destroy();
    }
  }

  it('a long strided loop within its binding: below the budget it runs (control), past it the budget stops it', async () => {
    expect(await ramp(1 << 25)).toBe('ok');
    expect(await ramp(80 * 1024 * 1024)).toMatch(/kernel fault in entry point 'ramp'.*exceeded its loop budget/);
  });

  it('a dispatch cannot reach the previous dispatch\'s binding through a cached window', async () => {
    // The first launch writes its binding (a large buffer), so the module caches that window; the second launch's
    // binding is a small buffer before it, and its kernel writes past its end into the large buffer.
    const kernel = String.raw`
extern "C" __global__ void put(unsigned* out, unsigned at) {
  unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  out[at + i] = i;
}`;
    for (const seed of [1, 2]) {
      const driver = createSimDriver({ memoryBytes: 16 * 1024 * 1024, seed });
      try {
        const module = await loadHip(driver, kernel, 'put');
        const small = driver.memAlloc(4096), large = driver.memAlloc(1 << 20);
        expect(large).toBeGreaterThan(small);
        const fn = driver.moduleGetFunction(module, 'put');
        const stream = driver.streamCreate();
        driver.launchKernel({ fn, workgroupCount: [32, 1, 1], workgroupSize: [64, 1, 1], sharedMemoryBytes: 0, bindings: [{ ptr: large, byteLength: 1 << 20 }], constants: Uint32Array.from([0]) }, stream);
        await driver.streamSynchronize(stream);
        const into = (large - small) / 4 + 64;
        driver.launchKernel({ fn, workgroupCount: [32, 1, 1], workgroupSize: [64, 1, 1], sharedMemoryBytes: 0, bindings: [{ ptr: small, byteLength: 4096 }], constants: Uint32Array.from([into]) }, stream);
        const error = String(await driver.streamSynchronize(stream).then(() => 'ok', (e: unknown) => e));
        // (The fault names the access's offset from the launch's binding, which it starts past.)
        expect(error).toMatch(/kernel fault in entry point 'put'.*out-of-bounds access to binding 0 at byte offset \d+/);
        const words = asU32(await readBack(driver, large, 1 << 20));
        expect(words.every((v, k) => v === (k < 2048 ? k : 0)), `seed ${seed}: the second launch wrote into the first one's binding`).toBe(true);
        driver.streamDestroy(stream);
        driver.memFree(small);
        driver.memFree(large);
        driver.moduleUnload(module);
      } finally {
        driver.destroy();
      }
    }
  });
});

describe('findCheckFreeLoops', () => {
  const analyse = (loopBody: string) => {
    const module = binaryen.parseText(`(module (memory 1) (type $v (func (param i32))) (table 1 funcref)
      (func $f (param $p i32) (param $q i32) (param $n i32) (param $r i32)
        (block $out
          (loop $l
            ${loopBody}))))`);
    try {
      const body = binaryen.getFunctionInfo(module.getFunctionByIndex(0)).body;
      return findCheckFreeLoops(binaryen, body).map((l) => l.accesses.map((a) => ({ local: a.local, step: a.step, lead: a.lead, offset: a.offset, bytes: a.bytes })));
    } finally {
      module.dispose();
    }
  };

  it('finds pointer induction variables and where each access sits relative to its update', () => {
    expect(analyse(`
      (i32.store offset=8 (local.get $p) (i32.load (local.get $q)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $q (i32.sub (local.get $q) (i32.const 4)))
      (drop (i32.load8_u (local.get $p)))
      (drop (i32.load (local.get $r)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))`)).toEqual([[
      // In evaluation order: the store's value (a load) before the store.
      { local: 1, step: -4, lead: 0, offset: 0, bytes: 4 },
      { local: 0, step: 16, lead: 0, offset: 8, bytes: 4 },
      { local: 0, step: 16, lead: 16, offset: 0, bytes: 1 },
    ]]);
  });

  it('finds accesses at an induction variable plus a constant: direct, through a tee, and through the local a tee set', () => {
    // The shape of an interleaved vector loop: the second vector's address is the pointer plus 16.
    expect(analyse(`
      (drop (i32.load (i32.add (local.get $q) (i32.const 16))))
      (i32.store (local.tee $r (i32.add (local.get $p) (i32.const 16))) (i32.load (local.get $r)))
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (local.set $q (i32.add (local.get $q) (i32.const 32)))
      (br_if $l (local.get $n))`)).toEqual([[
      { local: 1, step: 32, lead: 0, offset: 16, bytes: 4 },
      { local: 0, step: 32, lead: 0, offset: 16, bytes: 4 },
      { local: 0, step: 32, lead: 0, offset: 16, bytes: 4 },
    ]]);
  });

  it('a derived local counts only where its tee always runs first and sets it alone (control case first)', () => {
    const step = '(local.set $p (i32.add (local.get $p) (i32.const 4)))';
    const backEdge = '(br_if $l (local.get $n))';
    const teeThenUse = '(i32.store (local.tee $r (i32.add (local.get $p) (i32.const 8))) (i32.load (local.get $r)))';
    expect(analyse(`${teeThenUse} ${step} ${backEdge}`).flat()).toHaveLength(2);
    // Read before the tee in the same statement: last iteration's value.
    expect(analyse(`(i32.store (local.get $r) (i32.load (local.tee $r (i32.add (local.get $p) (i32.const 8))))) ${step} ${backEdge}`).flat()).toHaveLength(1);
    // The tee under a condition.
    expect(analyse(`(if (local.get $n) (then (drop (local.tee $r (i32.add (local.get $p) (i32.const 8)))))) (i32.store (local.get $r) (i32.const 1)) ${step} ${backEdge}`)).toHaveLength(0);
    // Set a second time.
    expect(analyse(`${teeThenUse} (local.set $r (i32.const 0)) ${step} ${backEdge}`).flat()).toHaveLength(1);
    // Teed in an indirect call's target, read in its operands: the operands run first (last iteration's value),
    // though binaryen lists the target first.
    expect(analyse(`(call_indirect (type $v) (i32.load (local.get $r)) (i32.and (local.tee $r (i32.add (local.get $p) (i32.const 8))) (i32.const 0))) ${step} ${backEdge}`).flat()).toHaveLength(0);
  });

  it('an access far from its pointer stays checked (control case first)', () => {
    const step = '(local.set $p (i32.add (local.get $p) (i32.const 4)))';
    const backEdge = '(br_if $l (local.get $n))';
    expect(analyse(`(drop (i32.load offset=4096 (local.get $p))) ${step} ${backEdge}`).flat()).toHaveLength(1);
    expect(analyse(`(drop (i32.load offset=4294967280 (local.get $p))) ${step} ${backEdge}`)).toHaveLength(0);
    expect(analyse(`(drop (i32.load (i32.add (local.get $p) (i32.const -1073741824)))) ${step} ${backEdge}`)).toHaveLength(0);
  });

  it('rejects loops it cannot reason about (control case first)', () => {
    const step = '(local.set $p (i32.add (local.get $p) (i32.const 4)))';
    const access = '(i32.store (local.get $p) (i32.const 1))';
    const backEdge = '(br_if $l (local.get $n))';
    expect(analyse(`${access} ${step} ${backEdge}`)).toHaveLength(1);
    // A second branch back to the loop (a continue that skips the update).
    expect(analyse(`(br_if $l (local.get $r)) ${access} ${step} ${backEdge}`)).toHaveLength(0);
    // The pointer set twice, or set by a non-constant step, or only under a condition.
    expect(analyse(`${access} ${step} ${step} ${backEdge}`)).toHaveLength(0);
    expect(analyse(`${access} (local.set $p (i32.add (local.get $p) (local.get $r))) ${backEdge}`)).toHaveLength(0);
    expect(analyse(`${access} (if (local.get $r) (then ${step})) ${backEdge}`)).toHaveLength(0);
    // A nested loop.
    expect(analyse(`${access} ${step} (loop $inner (br_if $inner (local.get $r))) ${backEdge}`)).toHaveLength(0);
  });

  describe('the trip counter a stretch may count instead of the loop budget', () => {
    const tripOf = (loopBody: string) => {
      const module = binaryen.parseText(`(module (memory 1)
        (func $f (param $p i32) (param $q i32) (param $n i32) (param $r i32)
          (block $out
            (loop $l
              (block $inner (br_if $inner (local.get $r)))
              (i32.store (local.get $p) (i32.const 1))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              ${loopBody}))))`);
      try {
        const loops = findCheckFreeLoops(binaryen, binaryen.getFunctionInfo(module.getFunctionByIndex(0)).body);
        expect(loops).toHaveLength(1);
        return loops[0]!.trip ?? null;
      } finally {
        module.dispose();
      }
    };
    const countDown = (step: number) => `(br_if $l (local.tee $n (i32.add (local.get $n) (i32.const ${step}))))`;

    it('a counter updated in the back edge and tested against zero, a constant or a local the loop never sets', () => {
      expect(tripOf(countDown(-8))).toEqual({ local: 2, step: -8, end: { constant: 0 } });
      expect(tripOf('(br_if $l (i32.ne (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 1000)))'))
        .toEqual({ local: 2, step: 1, end: { constant: 1000 } });
      expect(tripOf('(br_if $l (i32.ne (local.get $q) (local.tee $n (i32.sub (local.get $n) (i32.const 2)))))'))
        .toEqual({ local: 2, step: -2, end: { local: 1 } });
    });

    it('an induction variable the body updated before the back edge', () => {
      expect(tripOf('(br_if $l (i32.ne (local.get $p) (local.get $q)))')).toEqual({ local: 0, step: 4, end: { local: 1 } });
    });

    it('none where a stretch could not count it (control: the same loop with a counter it can)', () => {
      // Control.
      expect(tripOf(countDown(-4))).not.toBeNull();
      // A step that is not a power of two, or too large for a stretch to stay short of wrapping.
      expect(tripOf(countDown(-3))).toBeNull();
      expect(tripOf(countDown(256))).toBeNull();
      // An end the loop changes.
      expect(tripOf('(local.set $q (i32.add (local.get $q) (i32.const 1))) (br_if $l (i32.ne (local.get $q) (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))')).toBeNull();
      // An ordered test (a stretch may pass the end without landing on it).
      expect(tripOf('(br_if $l (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (local.get $q)))')).toBeNull();
      // A counter the back edge reads before the body updates it (or that is set twice).
      expect(tripOf(`(local.set $n (i32.add (local.get $n) (i32.const 1))) ${countDown(-1)}`)).toBeNull();
      // A loop with another way out: a stretch charges the loop budget for all its iterations before it runs.
      expect(tripOf(`(br_if $out (local.get $r)) ${countDown(-1)}`)).toBeNull();
      expect(tripOf(`(if (local.get $r) (then (return))) ${countDown(-1)}`)).toBeNull();
    });
  });
});
