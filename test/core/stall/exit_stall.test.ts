/**
 * A Node program that awaits a value nobody will ever signal used to exit with code 13 and print nothing (an
 * unsettled top-level await). The stall watchdog settles every outstanding host wait and awaited read when the event
 * loop empties, with a HalError that says who waits for what; the program's own handling runs, or Node reports the
 * rejection. Runs real child processes against the built package (dist/).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../../helpers/playground_build.js';
import { simOnly } from '../../helpers/device.js';

const entry = pathToFileURL(join(ROOT, 'dist', 'src', 'index.js')).href;

function runProgram(body: string): { status: number | null; stdout: string; stderr: string } {
  const source = `import { createDevice } from ${JSON.stringify(entry)};\n${body}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// The programs run on the simulator whatever GPUHAL_BACKEND says; on a GPU run (no tsc there to rebuild dist/) skip.
simOnly.describe('a stalled program at exit', () => {
  beforeAll(() => {
    ensureBuilt();
  }, 300_000);

  it('a wait cycle: the awaited wait rejects with the diagnosis instead of a silent exit 13', () => {
    const { status, stdout } = runProgram(`
      const device = await createDevice({ backend: 'sim', queueCount: 2 });
      const a = device.createSemaphore(0n, { label: 'a' });
      const b = device.createSemaphore(0n, { label: 'b' });
      device.queues[0].barrier({ waits: [{ semaphore: a, value: 1n }], signals: [{ semaphore: b, value: 1n }] });
      device.queues[1].barrier({ waits: [{ semaphore: b, value: 1n }], signals: [{ semaphore: a, value: 2n }] });
      try {
        await b.wait(1n);
        console.log('resolved?!');
      } catch (error) {
        console.log(error.message);
        console.log('cycle', JSON.stringify(error.cause.cycle));
      }
      device.destroy();
    `);
    expect(stdout).toContain('ABORTED: device');
    expect(stdout).toContain('is stalled');
    expect(stdout).toContain('host wait (all) for b ≥ 1n (now 0n): could be signaled by #1');
    expect(stdout).toContain('#2 barrier on queue 1 waits for b ≥ 1n (now 0n): could be signaled by #1');
    expect(stdout).toContain('wait cycle: #1 → #2 → #1');
    expect(stdout).toContain('cycle [1,2,1]');
    expect(status).toBe(0);
  });

  it('an uncaught stalled read: Node reports the diagnosis and exits 1, not 13', () => {
    const { status, stderr } = runProgram(`
      const device = await createDevice({ backend: 'sim' });
      const gate = device.createSemaphore(0n, { label: 'gate' });
      const buffer = device.createBuffer({ byteLength: 4 });
      await device.queue.read({ buffer, waits: [{ semaphore: gate, value: 1n }] });
    `);
    expect(stderr).toContain('#1 read on queue 0 waits for gate ≥ 1n (now 0n): no pending submission signals it (only the host could)');
    expect(status).toBe(1);
  });

  it('a program that finishes normally is untouched', () => {
    const { status, stdout, stderr } = runProgram(`
      const device = await createDevice({ backend: 'sim' });
      const s = device.createSemaphore(0n);
      setTimeout(() => s.signal(1n), 5);
      await s.wait(1n);
      console.log('done', s.query());
      device.destroy();
    `);
    expect([status, stdout.trim(), stderr]).toEqual([0, 'done 1n', '']);
  });
});
