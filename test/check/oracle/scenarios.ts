/**
 * Every correct program the project has, as scenarios the mutation test can run under the tap: the lessons, the
 * README's example, the tutorial's programs, the differential workloads, and small lifetime programs (alloca,
 * dealloca) the others do not cover. Each scenario opens its own devices with the race checker on (directly, or
 * through GPUHAL_CHECK for programs that open their own device) and destroys them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDevice, type Device } from '../../../src/index.js';
import { lessons } from '../../../src/lessons/index.js';
import { DIFFERENTIAL_CASES } from '../../differential/cases.js';
import { generateProgram, runProgram } from '../../differential/workload.js';

export interface Scenario {
  readonly name: string;
  readonly run: () => Promise<void>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function withDevice(options: Parameters<typeof createDevice>[0], body: (device: Device) => Promise<void>): Promise<void> {
  const device = await createDevice({ backend: 'sim', ...options, check: true });
  try {
    await body(device);
  } finally {
    device.destroy();
  }
}

export function lessonScenarios(): Scenario[] {
  return lessons.map((lesson) => ({
    name: `lesson ${lesson.id}`,
    run: () => withDevice({ seed: lesson.seed, queueCount: lesson.queueCount }, (device) => lesson.run(device, () => {})),
  }));
}

export function differentialScenarios(): Scenario[] {
  return DIFFERENTIAL_CASES.map(({ seed, steps }) => ({
    name: `differential program ${seed} (${steps} steps)`,
    run: () => {
      const program = generateProgram(seed, { steps });
      return withDevice({ seed: 1, queueCount: program.queueCount }, async (device) => {
        await runProgram(device, program);
      });
    },
  }));
}

/** Programs that open their own devices: imported afresh each run (a new file, so the module runs again). */
let moduleCounter = 0;
const workDir = mkdtempSync(join(tmpdir(), 'gpuhal-check-scenarios-'));
export function removeScenarioFiles(): void {
  rmSync(workDir, { recursive: true, force: true });
}

const ENTRY_POINTS: Readonly<Record<string, string>> = {
  gpuhal: 'src/index.ts',
  'gpuhal/sim': 'src/backends/sim/index.ts',
  'gpuhal/trace': 'src/trace/index.ts',
  'gpuhal/kernels': 'src/kernels/index.ts',
  'gpuhal/testing': 'src/testing/index.ts',
};

function moduleScenario(name: string, source: string): Scenario {
  return {
    name,
    run: async () => {
      const file = join(workDir, `scenario-${++moduleCounter}.ts`);
      writeFileSync(file, source);
      const previous = process.env.GPUHAL_CHECK;
      process.env.GPUHAL_CHECK = '1';
      try {
        await import(pathToFileURL(file).href);
      } finally {
        if (previous === undefined) delete process.env.GPUHAL_CHECK;
        else process.env.GPUHAL_CHECK = previous;
      }
    },
  };
}

export function exampleScenarios(): Scenario[] {
  const source = readFileSync(join(root, 'examples', 'first_program.ts'), 'utf8').replace(
    "from '../src/index.js'",
    `from '${pathToFileURL(join(root, 'src', 'index.ts')).href}'`,
  );
  return [moduleScenario('examples/first_program.ts', source)];
}

export function tutorialScenarios(): Scenario[] {
  const markdown = readFileSync(join(root, 'docs', 'tutorial.md'), 'utf8');
  const scenarios: Scenario[] = [];
  let heading = '(top)';
  let last = 0;
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    for (const h of markdown.slice(last, m.index).matchAll(/^#{1,4} (.+)$/gm)) heading = h[1]!;
    last = m.index + m[0].length;
    if (m[1] !== 'js' && m[1] !== 'ts') continue;
    // gpuhal/testing examples run whole explorations of deliberately racy scenarios, not one program to mutate.
    if (m[2]!.includes("from 'gpuhal/testing'")) continue;
    const source = m[2]!.replace(/from '(gpuhal(?:\/\w+)?)'/g, (_, entry: string) => `from '${pathToFileURL(join(root, ENTRY_POINTS[entry]!)).href}'`);
    scenarios.push(moduleScenario(`tutorial: ${heading} (example ${scenarios.length + 1})`, source));
  }
  return scenarios;
}

/** Stream-ordered memory: alloca, uses ordered by semaphores, dealloca after the last use. */
export function lifetimeScenarios(): Scenario[] {
  return [
    {
      name: 'alloca, fill, copy out, dealloca (two queues)',
      run: () =>
        withDevice({ seed: 3, queueCount: 2 }, async (device) => {
          const [q0, q1] = device.queues;
          const out = device.createBuffer({ byteLength: 256, label: 'out' });
          const step = device.createSemaphore(0n, { label: 'step' });
          const scratch = q0!.alloca({ byteLength: 256, label: 'scratch', signals: [{ semaphore: step, value: 1n }] });
          q1!.fill({ buffer: scratch, pattern: 7, patternLength: 1, waits: [{ semaphore: step, value: 1n }], signals: [{ semaphore: step, value: 2n }] });
          q0!.copy({ source: scratch, target: out, length: 256, waits: [{ semaphore: step, value: 2n }], signals: [{ semaphore: step, value: 3n }] });
          q1!.dealloca({ buffer: scratch, waits: [{ semaphore: step, value: 3n }], signals: [{ semaphore: step, value: 4n }] });
          await device.queue.read({ buffer: out, waits: [{ semaphore: step, value: 4n }] });
        }),
    },
    {
      name: 'memory reused: alloca after a dealloca, used by another queue',
      run: () =>
        withDevice({ seed: 4, queueCount: 2 }, async (device) => {
          const [q0, q1] = device.queues;
          const out = device.createBuffer({ byteLength: 1024, label: 'out' });
          const s = device.createSemaphore(0n, { label: 's' });
          const a = q0!.alloca({ byteLength: 1024, label: 'a', signals: [{ semaphore: s, value: 1n }] });
          q0!.fill({ buffer: a, pattern: 1, patternLength: 1, waits: [{ semaphore: s, value: 1n }], signals: [{ semaphore: s, value: 2n }] });
          q1!.copy({ source: a, target: out, length: 1024, waits: [{ semaphore: s, value: 2n }], signals: [{ semaphore: s, value: 3n }] });
          q0!.dealloca({ buffer: a, waits: [{ semaphore: s, value: 3n }], signals: [{ semaphore: s, value: 4n }] });
          await s.wait(4n);
          const b = q1!.alloca({ byteLength: 1024, label: 'b', signals: [{ semaphore: s, value: 5n }] });
          q1!.fill({ buffer: b, pattern: 2, patternLength: 1, waits: [{ semaphore: s, value: 5n }], signals: [{ semaphore: s, value: 6n }] });
          q0!.copy({ source: b, target: out, length: 512, waits: [{ semaphore: s, value: 6n }], signals: [{ semaphore: s, value: 7n }] });
          q1!.dealloca({ buffer: b, waits: [{ semaphore: s, value: 7n }] });
          await device.queue.read({ buffer: out, waits: [{ semaphore: s, value: 7n }] });
        }),
    },
  ];
}

export function allScenarios(): Scenario[] {
  return [...lessonScenarios(), ...exampleScenarios(), ...tutorialScenarios(), ...lifetimeScenarios(), ...differentialScenarios()];
}
