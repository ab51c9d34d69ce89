// All 64 push constants reach the kernel (reference defect 4 rejected the exact fit). The kernel is a test-only
// AssemblyScript module (kernels/echo_constants.ts) compiled to real WebAssembly here, with the build's flags.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { beforeAll, describe, expect, it } from 'vitest';
import { Executable } from '../../../src/core/executable.js';
import { withBench } from '../../helpers/fake_context.js';

let echoWasm: Uint8Array;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gpuhal-echo-'));
  try {
    const source = join(dirname(fileURLToPath(import.meta.url)), 'kernels', 'echo_constants.ts');
    const outFile = join(dir, 'echo_constants.wasm');
    const stderr: string[] = [];
    const { error } = await asc.main(
      [source, '--outFile', outFile, '-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd', '--enable', 'bulk-memory',
        '--importMemory', '--noExportMemory', '--use', 'abort='],
      { stdout: { write: () => true }, stderr: { write: (s: unknown) => (stderr.push(String(s)), true) } } as never,
    );
    if (error) throw new Error(`asc failed: ${stderr.join('')}`);
    echoWasm = new Uint8Array(await readFile(outFile));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

function echoManifest(pushConstants: number) {
  return {
    name: 'echo',
    entryPoints: [{ name: 'echo_constants', workgroupSize: [1, 1, 1] as [number, number, number], layout: { sets: [{ bindings: [{}] }], pushConstants } }],
    payloads: { 'sim-wasm': { bytes: echoWasm } },
  };
}

describe.each(['graph', 'stream'] as const)('push constants (%s mode)', (mode) => {
  it('delivers all 64 constants, pushed in pieces, to the kernel', async () => {
    await withBench({ seed: 61, mode }, async (bench) => {
      const exe = await Executable.create(bench.context, echoManifest(64));
      const entry = exe.entryPoint('echo_constants');
      const out = bench.createBuffer(64 * 4);
      bench.write(out, new Uint32Array(64));
      const values = Array.from({ length: 64 }, (_, i) => (0x9e3779b9 * (i + 1)) >>> 0);
      const cb = bench.commandBuffer();
      cb.begin();
      cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: out }] });
      cb.pushConstants({ layout: entry.layout, values: new Uint32Array(values.slice(0, 40)) });
      cb.pushConstants({ layout: entry.layout, offset: 40, values: values.slice(40, 63) });
      cb.pushConstants({ layout: entry.layout, offset: 63, values: [values[63]! | 0] }); // signed form of the same bits
      cb.dispatch({ executable: exe, entryPoint: 'echo_constants', workgroupCount: [1, 1, 1] });
      cb.end();
      await bench.execute(cb);
      expect([...(await bench.readU32(out))]).toEqual(values);
      cb.destroy();
      exe.destroy();
    });
  });

  it('delivers only the entry point layout\'s constants, from the state at the dispatch', async () => {
    await withBench({ seed: 62, mode }, async (bench) => {
      const exe = await Executable.create(bench.context, echoManifest(3));
      const entry = exe.entryPoint('echo_constants');
      const out = bench.createBuffer(3 * 4);
      const cb = bench.commandBuffer();
      cb.begin();
      cb.pushDescriptorSet({ layout: entry.layout, set: 0, bindings: [{ binding: 0, buffer: out }] });
      cb.pushConstants({ layout: entry.layout, values: new Float32Array([1.5, -2, 0.25]) });
      cb.dispatch({ executable: exe, entryPoint: 0, workgroupCount: [1, 1, 1] });
      cb.end();
      await bench.execute(cb);
      const bytes = await bench.read(out);
      expect([...new Float32Array(bytes.buffer, bytes.byteOffset, 3)]).toEqual([1.5, -2, 0.25]);
      cb.destroy();
      exe.destroy();
    });
  });
});
