/**
 * Every example in docs/tutorial.md is a test: each ```js block is written to a module (its `'gpuhal'` imports
 * mapped to src/), imported, and what it prints with console.log must equal the ```text block right after it.
 * A js block without a text block after it fails the suite, so no example escapes. The modules are `.mjs`, which
 * nothing strips types from, so an example that is not plain JavaScript fails here; and the whole set also runs
 * under plain `node` against the built package, as a reader on Node 20 runs it.
 *
 * After an intended change: `UPDATE_TUTORIAL=1 npx vitest run test/docs`, then read the diff of the tutorial.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from '../helpers/playground_build.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tutorialPath = join(root, 'docs', 'tutorial.md');
/** The examples are written outside the repository; their 'gpuhal' imports become absolute file URLs into src/. */
const workDir = mkdtempSync(join(tmpdir(), 'gpuhal-tutorial-'));
const update = process.env.UPDATE_TUTORIAL === '1';

/** The package's entry points (package.json "exports") as source modules. */
const ENTRY_POINTS: Readonly<Record<string, string>> = {
  gpuhal: 'src/index.js',
  'gpuhal/sim': 'src/backends/sim/index.js',
  'gpuhal/trace': 'src/trace/index.js',
  'gpuhal/kernels': 'src/kernels/index.js',
  'gpuhal/testing': 'src/testing/index.js',
};

interface Example {
  readonly heading: string;
  readonly code: string;
  readonly expected: string;
  /** Offsets of the text block's body in the markdown, for UPDATE_TUTORIAL. */
  readonly textStart: number;
  readonly textEnd: number;
}

function extract(markdown: string): { examples: Example[]; unpaired: string[] } {
  const examples: Example[] = [];
  const unpaired: string[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  let heading = '(top)';
  let last = 0;
  let pending: { code: string; heading: string } | undefined;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    for (const h of markdown.slice(last, m.index).matchAll(/^#{1,4} (.+)$/gm)) heading = h[1]!;
    last = m.index + m[0].length;
    const [, lang, body] = m;
    if (lang === 'js' || lang === 'ts') {
      if (pending) unpaired.push(pending.heading);
      pending = { code: body!, heading };
    } else if (lang === 'text' && pending) {
      const textStart = m.index + '```text\n'.length;
      examples.push({ heading: pending.heading, code: pending.code, expected: body!, textStart, textEnd: textStart + body!.length });
      pending = undefined;
    }
  }
  if (pending) unpaired.push(pending.heading);
  return { examples, unpaired };
}

function toModule(code: string): string {
  return code.replace(/from '(gpuhal(?:\/\w+)?)'/g, (whole, name: string) => {
    const target = ENTRY_POINTS[name];
    if (target === undefined) throw new Error(`the tutorial imports ${name}, which is not one of the package's entry points`);
    // The .ts source itself: outside the repository vitest's resolver does not map a '.js' specifier to its '.ts'.
    return `from '${pathToFileURL(join(root, target.replace(/\.js$/, '.ts'))).href}'`;
  });
}

/** Examples that compile HIP-C for the simulator: a cold compile (clang loads, then compiles) takes seconds. */
const HIP_SOURCE_TIMEOUT_MS = 300_000;

const markdown = readFileSync(tutorialPath, 'utf8');
const { examples, unpaired } = extract(markdown);
const actual = new Map<Example, string>();

// afterAll runs whether or not the examples passed, so the folder never outlives the run.
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  if (!update) return;
  let text = markdown;
  for (const example of [...examples].reverse()) {
    const output = actual.get(example);
    if (output !== undefined) text = text.slice(0, example.textStart) + output + text.slice(example.textEnd);
  }
  writeFileSync(tutorialPath, text);
});

describe('docs/tutorial.md', () => {
  it('has examples, each followed by the output it prints, all of them JavaScript', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    expect(unpaired).toEqual([]);
    expect(markdown).not.toMatch(/^```ts$/m);
  });

  examples.forEach((example, index) => {
    it(`example ${index + 1} (${example.heading}) prints what the tutorial says`, async () => {
      const file = join(workDir, `example_${index + 1}.mjs`);
      writeFileSync(file, toModule(example.code));
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')); });
      try {
        await import(pathToFileURL(file).href);
      } finally {
        spy.mockRestore();
      }
      const printed = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
      actual.set(example, printed);
      if (!update) expect(printed).toBe(example.expected);
    }, example.code.includes("'hip-source'") ? HIP_SOURCE_TIMEOUT_MS : undefined);
  });
});

/**
 * The reader's way: each example saved as a .mjs file in a project whose node_modules holds gpuhal, run with plain
 * `node` (no type stripping, no loader). One Node process runs them in order, capturing console.log per example.
 */
describe('docs/tutorial.md under plain node', () => {
  it('every example prints the same with `node example.mjs` against the built package', async () => {
    ensureBuilt();
    const project = join(workDir, 'reader');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    symlinkSync(root, join(project, 'node_modules', 'gpuhal'), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'reader', private: true, type: 'module' }));
    examples.forEach((example, index) => writeFileSync(join(project, `example_${index + 1}.mjs`), example.code));
    writeFileSync(
      join(project, 'run_all.mjs'),
      [
        'const outputs = [];',
        'const log = console.log;',
        `for (let i = 1; i <= ${examples.length}; i++) {`,
        '  const lines = [];',
        "  console.log = (...args) => lines.push(args.map(String).join(' '));",
        '  try { await import(`./example_${i}.mjs`); } catch (error) { lines.push(`threw: ${error}`); }',
        "  outputs.push(lines.length === 0 ? '' : `${lines.join('\\n')}\\n`);",
        '}',
        'console.log = log;',
        'process.stdout.write(JSON.stringify(outputs));',
      ].join('\n'),
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['run_all.mjs'], { cwd: project, maxBuffer: 16 << 20 });
    const outputs = JSON.parse(stdout) as string[];
    expect(outputs).toEqual(examples.map((example) => example.expected));
  }, 120_000);
});
