// Executable manifests: valid ones normalize, every invalid field is INVALID_ARGUMENT naming its path and value,
// and selectPayload picks the driver's first loadable format or says what is carried vs loadable.
import { describe, expect, it } from 'vitest';
import type { ModuleFormat } from '../../src/core/driver.js';
import { HalError } from '../../src/core/errors.js';
import { carriedFormats, findEntryPoint, parseExecutableManifest, selectPayload } from '../../src/core/executable_manifest.js';
import { sampleKernelSpecs } from '../../src/kernels/kernel_specs.js';
import { sampleExecutableManifest, sampleExecutableManifestInput } from '../../src/kernels/samples.js';

type Loose = any;

function valid(): Loose {
  return {
    name: 'demo',
    entryPoints: [
      { name: 'first', workgroupSize: [64, 1, 1], layout: { sets: [{ bindings: [{ readOnly: true }, {}] }], pushConstants: 2 } },
      { name: 'second', workgroupSize: [8, 8, 2], sharedMemoryBytes: 512, layout: { sets: [], pushConstants: 0 } },
    ],
    payloads: { 'sim-wasm': { bytes: new Uint8Array([0, 97, 115, 109]) }, ptx: { source: '.version 8.0' } },
  };
}

function rejection(mutate: (m: Loose) => void): HalError {
  const m = valid();
  mutate(m);
  try {
    parseExecutableManifest(m);
  } catch (e) {
    expect(HalError.is(e, 'INVALID_ARGUMENT'), String(e)).toBe(true);
    return e as HalError;
  }
  throw new Error('manifest was accepted');
}

describe('parseExecutableManifest', () => {
  it('normalizes a valid manifest: defaults filled, bytes copied', () => {
    const input = valid();
    const m = parseExecutableManifest(input);
    expect(m.name).toBe('demo');
    expect(m.label).toBe('demo');
    expect(m.entryPoints[0]).toEqual({
      name: 'first', workgroupSize: [64, 1, 1], sharedMemoryBytes: 0,
      layout: { sets: [{ bindings: [{ readOnly: true }, { readOnly: false }] }], pushConstants: 2 },
    });
    expect(m.entryPoints[1]!.sharedMemoryBytes).toBe(512);
    expect(m.payloads['sim-wasm']!.bytes).toEqual(new Uint8Array([0, 97, 115, 109]));
    input.payloads['sim-wasm'].bytes[0] = 99; // the manifest owns a copy
    expect(m.payloads['sim-wasm']!.bytes[0]).toBe(0);
    expect(carriedFormats(m)).toEqual(['sim-wasm', 'ptx']);
  });

  it('decodes base64 payloads and defaults hip-source compile options', () => {
    const m = parseExecutableManifest({
      ...valid(),
      payloads: {
        'sim-wasm': { bytes: 'AGFzbQ==' },
        amdgcn: { targets: { gfx90a: 'f0VMRg==', 'gfx942:sramecc+:xnack-': new Uint8Array([1]) } },
        'hip-source': { source: '__global__ void k() {}' },
      },
    });
    expect(m.payloads['sim-wasm']!.bytes).toEqual(new Uint8Array([0, 97, 115, 109]));
    expect(m.payloads.amdgcn!.targets.gfx90a).toEqual(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
    expect(m.payloads['hip-source']!.compileOptions).toEqual([]);
  });

  it('accepts the JSON round trip of a manifest with base64 payloads', () => {
    const json = JSON.stringify({ ...valid(), payloads: { 'sim-wasm': { bytes: 'AGFzbQ==' } } });
    expect(parseExecutableManifest(JSON.parse(json)).entryPoints.map((e) => e.name)).toEqual(['first', 'second']);
  });

  const cases: [string, (m: Loose) => void, RegExp][] = [
    ['not an object', () => {}, /manifest must be an object \(got 42\)/],
    ['missing name', (m) => delete m.name, /name is missing/],
    ['name not an identifier', (m) => (m.name = 'my kernels'), /name must be a C identifier .* \(got "my kernels"\)/],
    ['unknown top-level field', (m) => (m.entries = []), /entries is not a known field; did you mean entryPoints\?/],
    ['no entry points', (m) => (m.entryPoints = []), /entryPoints must list at least one entry point \(got \[\]\)/],
    ['entry points not an array', (m) => (m.entryPoints = {}), /entryPoints must be an array \(got \{\}\)/],
    ['entry name not an identifier', (m) => (m.entryPoints[1].name = 'a-b'), /entryPoints\[1\]\.name must be a C identifier .*\(got "a-b"\)/],
    ['duplicate entry names', (m) => (m.entryPoints[1].name = 'first'), /entryPoints\[1\]\.name duplicates entryPoints\[0\]\.name \(got "first"\)/],
    ['workgroup size zero', (m) => (m.entryPoints[0].workgroupSize[1] = 0), /entryPoints\[0\]\.workgroupSize\[1\] must be ≥ 1 \(got 0\)/],
    ['workgroup size fractional', (m) => (m.entryPoints[0].workgroupSize[2] = 1.5), /entryPoints\[0\]\.workgroupSize\[2\] must be an integer \(got 1\.5\)/],
    ['workgroup size of two', (m) => (m.entryPoints[0].workgroupSize = [4, 4]), /entryPoints\[0\]\.workgroupSize must be an array of 3 positive integers .*\(got \[4,4\]\)/],
    ['workgroup size a string', (m) => (m.entryPoints[0].workgroupSize = '64'), /entryPoints\[0\]\.workgroupSize must be an array of 3 .*\(got "64"\)/],
    ['negative shared memory', (m) => (m.entryPoints[1].sharedMemoryBytes = -4), /entryPoints\[1\]\.sharedMemoryBytes must be ≥ 0 \(got -4\)/],
    ['missing layout', (m) => delete m.entryPoints[0].layout, /entryPoints\[0\]\.layout is missing/],
    ['sets not an array', (m) => (m.entryPoints[0].layout.sets = 3), /entryPoints\[0\]\.layout\.sets must be an array \(got 3\)/],
    ['readonly misspelt', (m) => (m.entryPoints[0].layout.sets[0].bindings[1] = { readonly: true }), /entryPoints\[0\]\.layout\.sets\[0\]\.bindings\[1\]\.readonly is not a known field; did you mean readOnly\?/],
    ['readOnly not boolean', (m) => (m.entryPoints[0].layout.sets[0].bindings[0].readOnly = 'yes'), /bindings\[0\]\.readOnly must be a boolean \(got "yes"\)/],
    ['push constants negative', (m) => (m.entryPoints[0].layout.pushConstants = -1), /entryPoints\[0\]\.layout\.pushConstants must be ≥ 0 \(got -1\)/],
    ['push constants missing', (m) => delete m.entryPoints[1].layout.pushConstants, /entryPoints\[1\]\.layout\.pushConstants is missing/],
    ['no payloads', (m) => (m.payloads = {}), /payloads must carry at least one payload \(sim-wasm, hip-source, amdgcn, ptx\)/],
    ['unknown payload format', (m) => (m.payloads.spirv = { bytes: 'AA==' }), /payloads\.spirv is not a payload format \(formats: sim-wasm, hip-source, amdgcn, ptx\)/],
    ['sim-wasm bytes not base64', (m) => (m.payloads['sim-wasm'].bytes = 'not base64!'), /payloads\["sim-wasm"\]\.bytes must be a Uint8Array or a non-empty base64 string \(got "not base64!"\)/],
    ['sim-wasm bytes empty', (m) => (m.payloads['sim-wasm'].bytes = new Uint8Array(0)), /payloads\["sim-wasm"\]\.bytes must not be empty \(got Uint8Array\(0\)\)/],
    ['sim-wasm bytes a number array', (m) => (m.payloads['sim-wasm'].bytes = [0, 97]), /payloads\["sim-wasm"\]\.bytes must be a Uint8Array or a non-empty base64 string \(got \[0,97\]\)/],
    ['ptx source empty', (m) => (m.payloads.ptx.source = ''), /payloads\.ptx\.source must not be empty \(got ""\)/],
    ['hip-source option not a string', (m) => (m.payloads['hip-source'] = { source: 'x', compileOptions: ['-O3', 3] }), /payloads\["hip-source"\]\.compileOptions\[1\] must be a string \(got 3\)/],
    ['amdgcn target key', (m) => (m.payloads.amdgcn = { targets: { sm_90: 'AA==' } }), /payloads\.amdgcn\.targets key "sm_90" is not a gfx target/],
    ['amdgcn without targets', (m) => (m.payloads.amdgcn = { targets: {} }), /payloads\.amdgcn\.targets must name at least one gfx target/],
  ];
  for (const [what, mutate, message] of cases) {
    it(`rejects ${what}`, () => {
      const error = what === 'not an object'
        ? (() => { try { parseExecutableManifest(42); } catch (e) { return e as HalError; } throw new Error('accepted'); })()
        : rejection(mutate);
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(message);
    });
  }

  it('reports several problems at once', () => {
    const error = rejection((m) => {
      m.entryPoints[0].workgroupSize[0] = 0;
      m.entryPoints[1].layout.pushConstants = 'two';
    });
    expect(error.message).toMatch(/entryPoints\[0\]\.workgroupSize\[0\].*; entryPoints\[1\]\.layout\.pushConstants/);
  });

  it('does not modify its input', () => {
    const input = valid();
    const before = JSON.stringify(input, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
    parseExecutableManifest(input);
    expect(JSON.stringify(input, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v))).toBe(before);
  });
});

describe('selectPayload', () => {
  const m = parseExecutableManifest({
    ...valid(),
    payloads: {
      'sim-wasm': { bytes: 'AGFzbQ==' },
      'hip-source': { source: 'src', compileOptions: ['-O3'] },
      amdgcn: { targets: { gfx90a: 'AQ==', 'gfx942:sramecc+:xnack-': 'Ag==' } },
    },
  });

  it('picks the first format of the driver\'s preference that the manifest carries', () => {
    expect(selectPayload(m, ['sim-wasm'])).toEqual({ format: 'sim-wasm', bytes: new Uint8Array([0, 97, 115, 109]), label: 'demo' });
    expect(selectPayload(m, ['ptx', 'hip-source'])).toEqual({ format: 'hip-source', source: 'src', compileOptions: ['-O3'], label: 'demo' });
  });

  it('picks an amdgcn code object only for the device\'s gfx target', () => {
    expect(selectPayload(m, ['amdgcn', 'hip-source'], { gfxTarget: 'gfx90a' }).bytes).toEqual(new Uint8Array([1]));
    expect(selectPayload(m, ['amdgcn'], { gfxTarget: 'gfx942:sramecc+:xnack-' }).bytes).toEqual(new Uint8Array([2]));
    expect(selectPayload(m, ['amdgcn'], { gfxTarget: 'gfx90a:xnack-' }).bytes).toEqual(new Uint8Array([1])); // same processor
    expect(selectPayload(m, ['amdgcn', 'hip-source'], { gfxTarget: 'gfx1100' }).format).toBe('hip-source');
    expect(selectPayload(m, ['amdgcn', 'hip-source']).format).toBe('hip-source'); // unknown target: cannot pick
  });

  it('is UNAVAILABLE naming what the manifest carries and what the driver loads', () => {
    const ptxOnly = parseExecutableManifest({ ...valid(), payloads: { ptx: { source: 'p' } } });
    let error: unknown;
    try { selectPayload(ptxOnly, ['sim-wasm', 'amdgcn']); } catch (e) { error = e; }
    expect(HalError.is(error, 'UNAVAILABLE')).toBe(true);
    expect((error as HalError).message).toBe('UNAVAILABLE: executable demo carries ptx; this driver loads sim-wasm, amdgcn');
    expect(() => selectPayload(m, ['amdgcn'], { gfxTarget: 'gfx1030' })).toThrow(/carries sim-wasm, hip-source, amdgcn \(amdgcn targets gfx90a, gfx942:sramecc\+:xnack- do not include the device's gfx1030\); this driver loads amdgcn/);
    expect(() => selectPayload(m, [] as ModuleFormat[])).toThrow(/this driver loads no formats/);
  });

  it('findEntryPoint finds by name or is NOT_FOUND listing the entry points', () => {
    expect(findEntryPoint(m, 'second').workgroupSize).toEqual([8, 8, 2]);
    expect(() => findEntryPoint(m, 'third')).toThrow(/NOT_FOUND: executable demo has no entry point "third" \(has first, second\)/);
  });
});

describe('the sample executable manifest', () => {
  it('parses, and describes every sample kernel with its spec\'s layout', () => {
    const m = sampleExecutableManifest();
    expect(carriedFormats(m)).toEqual(['sim-wasm', 'hip-source']);
    expect(m.entryPoints.map((e) => e.name)).toEqual(sampleKernelSpecs.map((s) => s.name));
    for (const spec of sampleKernelSpecs) {
      const entry = findEntryPoint(m, spec.name);
      expect(entry.workgroupSize).toEqual(spec.workgroupSize);
      expect(entry.sharedMemoryBytes).toBe(spec.sharedMemoryBytes);
      expect(entry.layout.sets).toHaveLength(1);
      expect(entry.layout.sets[0]!.bindings.map((b) => b.readOnly)).toEqual(spec.bindings.map((b) => b.readOnly));
      expect(entry.layout.pushConstants).toBe(spec.constants.length);
    }
  });

  it('carries a sim-wasm module that exports every entry point and imports only env.memory', () => {
    const bytes = sampleExecutableManifest().payloads['sim-wasm']!.bytes;
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual(sampleKernelSpecs.map((s) => s.name).sort());
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });

  it('survives a JSON round trip with base64 bytes', () => {
    const input = sampleExecutableManifestInput();
    const json = JSON.stringify({ ...input, payloads: { ...input.payloads, 'sim-wasm': { bytes: Buffer.from(input.payloads['sim-wasm'].bytes).toString('base64') } } });
    expect(parseExecutableManifest(JSON.parse(json)).payloads['sim-wasm']!.bytes).toEqual(input.payloads['sim-wasm'].bytes);
  });
});
