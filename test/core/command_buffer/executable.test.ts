// Executables from manifests on the simulator: payload selection, entry points and their layouts, limits, and the
// module's lifetime under command buffers that hold it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Executable } from '../../../src/core/executable.js';
import { sampleKernelSpecs } from '../../../src/kernels/kernel_specs.js';
import { sampleExecutableManifestInput } from '../../../src/kernels/samples.js';
import { Bench } from '../../helpers/fake_context.js';
import { rejectionOf, thrownHalError } from '../../helpers/hal_errors.js';

let bench: Bench;
beforeEach(async () => {
  bench = await Bench.open({ seed: 5 });
});
afterEach(() => bench.destroy());

type Manifest = ReturnType<typeof sampleExecutableManifestInput>;

/** The sample manifest with its first entry point changed (payloads untouched). */
function withFirstEntry(change: (entry: Manifest['entryPoints'][number]) => object): Manifest {
  const m = sampleExecutableManifestInput();
  return { ...m, entryPoints: [change(m.entryPoints[0]!), ...m.entryPoints.slice(1)] } as Manifest;
}

describe('Executable.create', () => {
  it('loads the sim payload and states every entry point with the layout of its spec', async () => {
    const exe = await Executable.create(bench.context, sampleExecutableManifestInput());
    expect(exe.format).toBe('hip-source');
    for (const spec of sampleKernelSpecs) {
      const entry = exe.entryPoint(spec.name);
      expect(exe.entryPoint(entry.ordinal)).toBe(entry);
      expect(entry.workgroupSize).toEqual(spec.workgroupSize);
      expect(entry.sharedMemoryBytes).toBe(spec.sharedMemoryBytes);
      expect(entry.layout.pushConstants).toBe(spec.constants.length);
      expect(entry.layout.totalBindings).toBe(spec.bindings.length);
      const readOnly = entry.layout.setLayouts.flatMap((s) => s.bindings.map((b) => b.readOnly));
      expect(readOnly).toEqual(spec.bindings.map((b) => b.readOnly));
    }
    expect(bench.driver.outstanding().modules).toBe(1);
    exe.destroy();
    exe.destroy();
    expect(bench.driver.outstanding().modules).toBe(0);
    expect(() => exe.entryPoint('fill_u32')).toThrow(/FAILED_PRECONDITION: cannot look up an entry point of .*: it was destroyed/);
  });

  it('names unknown entry points and ordinals', async () => {
    const exe = await Executable.create(bench.context, sampleExecutableManifestInput());
    const notFound = thrownHalError(() => exe.entryPoint('fill_u64'));
    expect(notFound.code).toBe('NOT_FOUND');
    expect(notFound.message).toMatch(/entryPoint "fill_u64" is not in .* \(it has fill_u32, /);
    expect(() => exe.entryPoint(exe.entryPoints.length)).toThrow(/OUT_OF_RANGE: entryPoint ordinal/);
    exe.destroy();
  });

  it('rejects a bad manifest with INVALID_ARGUMENT naming the path, loading nothing', async () => {
    const error = await rejectionOf(Executable.create(bench.context, withFirstEntry((e) => ({ ...e, workgroupSize: [0, 1, 1] }))));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/entryPoints\[0\]\.workgroupSize\[0\]/);
    expect(bench.driver.outstanding().modules).toBe(0);
  });

  it('enforces the workgroup size and shared memory limits', async () => {
    const limits = bench.context.limits;
    const tooWide = await rejectionOf(Executable.create(bench.context, withFirstEntry((e) => ({ ...e, workgroupSize: [limits.maxWorkgroupSize[0] + 1, 1, 1] }))));
    expect(tooWide.code).toBe('OUT_OF_RANGE');
    expect(tooWide.message).toMatch(new RegExp(`entryPoints\\[0\\] \\(fill_u32\\)\\.workgroupSize\\[0\\] is ${limits.maxWorkgroupSize[0] + 1}; this device allows at most ${limits.maxWorkgroupSize[0]}`));
    // Each dimension within its limit, but too many invocations in all.
    const side = Math.floor(Math.sqrt(limits.maxWorkgroupInvocations)) + 1;
    if (side <= limits.maxWorkgroupSize[0] && side <= limits.maxWorkgroupSize[1]) {
      const tooMany = await rejectionOf(Executable.create(bench.context, withFirstEntry((e) => ({ ...e, workgroupSize: [side, side, 1] }))));
      expect(tooMany.code).toBe('OUT_OF_RANGE');
      expect(tooMany.message).toMatch(/invocations; this device allows at most/);
    }
    const shared = await rejectionOf(Executable.create(bench.context, withFirstEntry((e) => ({ ...e, sharedMemoryBytes: limits.maxSharedMemoryBytes + 4 }))));
    expect(shared.code).toBe('OUT_OF_RANGE');
    expect(shared.message).toMatch(/sharedMemoryBytes is \d+; this device allows at most/);
    expect(bench.driver.outstanding().modules).toBe(0);
  });

  it('enforces layout limits with the manifest path', async () => {
    const fiveSets = await rejectionOf(
      Executable.create(bench.context, withFirstEntry((e) => ({ ...e, layout: { sets: [0, 1, 2, 3, 4].map(() => ({ bindings: [{}] })), pushConstants: 2 } }))),
    );
    expect(fiveSets.code).toBe('INVALID_ARGUMENT');
    expect(fiveSets.message).toBe(
      'INVALID_ARGUMENT: executable manifest entryPoints[0].layout: pipelineLayout.setLayouts has 5 sets; this device allows at most 4',
    );
  });

  it('fails with NOT_FOUND when the payload lacks an entry point, leaving no module loaded', async () => {
    const error = await rejectionOf(Executable.create(bench.context, withFirstEntry((e) => ({ ...e, name: 'not_in_the_module' }))));
    expect(error.code).toBe('NOT_FOUND');
    expect(bench.driver.outstanding().modules).toBe(0);
  });

  it('is UNAVAILABLE when no payload suits the driver', async () => {
    const m = sampleExecutableManifestInput();
    const error = await rejectionOf(Executable.create(bench.context, { ...m, payloads: { ptx: { source: '.version 7.0' } } }));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/carries ptx; this driver loads hip-source, sim-wasm/);
  });

  it('unloads the module only once no command buffer holds the executable', async () => {
    const exe = await Executable.create(bench.context, sampleExecutableManifestInput());
    const fill = exe.entryPoint('fill_u32');
    const out = bench.createBuffer(1024);
    const cb = bench.commandBuffer();
    cb.begin();
    cb.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: out }] });
    cb.pushConstants({ layout: fill.layout, values: [0xabc, 256] });
    cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] });
    cb.end();
    exe.destroy();
    expect(bench.driver.outstanding().modules).toBe(1);
    await bench.execute(cb);
    expect([...(await bench.readU32(out))]).toEqual(new Array(256).fill(0xabc));
    cb.destroy();
    expect(bench.driver.outstanding().modules).toBe(0);
  });
});
