/**
 * The few source-level rewrites the simulator target needs before clang sees a HIP-C source. Every rewrite stays
 * on its line, so the compiler's line:column diagnostics point into the user's own text.
 */
import { codeOnly, kernelInstantiations, kernelNames, templateGlobalTokens, templateKernelNames } from '../../../core/hip_source_kernels.js';

/**
 * `extern __shared__ T name[];` — the dynamic shared memory array. It becomes a declaration of the linker symbol
 * `__heap_base`, the first byte after the module's statics, where the workgroup's dynamic shared memory begins
 * (statics and dynamic shared memory share the device's shared scratch); valid at file and at function scope.
 */
const EXTERN_SHARED_PATTERN = /extern\s+__shared__\s+((?:__align__\s*\(\s*\d+\s*\)\s*)?[^;[\]]*?)\s*([A-Za-z_]\w*)\s*\[\s*\]\s*;/g;

/** The id under which instantiation `index` is compiled; the post-processor exports it by its mangled name. */
const instantiationId = (index: number): string => `__gh_t${index}`;

export interface RewrittenSource {
  readonly text: string;
  /** Entry ids: plain kernel names, then one instantiationId per explicit template instantiation. */
  readonly kernels: readonly string[];
  /** Template kernels of the source (for errors naming what can be instantiated). */
  readonly templates: readonly string[];
}

/**
 * `long` (and `long int`, `unsigned long`) on its own: 64-bit on the GPUs' LP64 targets, 32-bit on wasm32. It
 * becomes `_GHL` (the device header's `long long`, the same length), so kernels compute with the GPU's widths.
 * `long long` and `long double` stay as they are.
 */
const LONG_PATTERN = /\blong\b(\s+long\b|\s+double\b)?/g;
/** An integer literal with a single `L` suffix (`1L`, `1UL`, `0xffLu`): a long, so it becomes `LL` too. */
const LONG_LITERAL_PATTERN = /(?<![\w.'])((?:0[xX][0-9a-fA-F']+|0[bB][01']+|\d[\d']*)(?:[uU]?))([lL])(?![\w.])/g;

/**
 * The source with plain longs made 64-bit, dynamic shared arrays rewritten in place and one entry-point line per
 * kernel appended. Every rewrite keeps its line; only a long literal's extra `L` moves the rest of its line by one
 * column.
 */
export function rewriteSource(source: string): RewrittenSource {
  const code = codeOnly(source);
  const edits: { at: number; length: number; text: string }[] = [];
  for (const match of code.matchAll(EXTERN_SHARED_PATTERN)) {
    const at = match.index!;
    const text = source.slice(at, at + match[0].length).replace(EXTERN_SHARED_PATTERN, (_m, t: string, name: string) => {
      const element = t.replace(/__align__\s*\(\s*\d+\s*\)/, '').replace(LONG_PATTERN, (l, rest: string | undefined) => rest === undefined ? 'long long' : l).trim();
      return `extern ${element} ${name}[] __asm__("__heap_base");`;
    });
    edits.push({ at, length: match[0].length, text });
  }
  const inEdit = (at: number) => edits.some((e) => at >= e.at && at < e.at + e.length);
  for (const match of code.matchAll(LONG_PATTERN)) {
    if (match[1] === undefined && !inEdit(match.index!) && !isPreprocessorInclude(code, match.index!)) edits.push({ at: match.index!, length: 4, text: '_GHL' });
  }
  for (const at of deviceVariables(code)) edits.push({ at, length: DEVICE.length, text: '__gh_dvar_' });
  // Template kernels are visible, so the link exports their instantiations under their mangled names.
  for (const at of templateGlobalTokens(code)) edits.push({ at, length: '__global__'.length, text: '__gh_tglob' });
  for (const match of code.matchAll(LONG_LITERAL_PATTERN)) {
    if (!inEdit(match.index!)) edits.push({ at: match.index!, length: match[0].length, text: `${match[1]}${match[2]}${match[2]}` });
  }
  edits.sort((a, b) => a.at - b.at);
  let text = '';
  let last = 0;
  for (const edit of edits) {
    text += source.slice(last, edit.at) + edit.text;
    last = edit.at + edit.length;
  }
  text += source.slice(last);
  const plain = kernelNames(source);
  const instantiations = kernelInstantiations(source);
  text += '\n' + [...plain.map((k) => `__GH_ENTRY(${k})`), ...instantiations.map((e, i) => `__GH_ENTRY_AS(${instantiationId(i)}, ${e})`)].join('\n') + '\n';
  return { text, kernels: [...plain, ...instantiations.map((_e, i) => instantiationId(i))], templates: templateKernelNames(source) };
}

/** True inside an `#include` line, whose file names are not code. */
function isPreprocessorInclude(code: string, at: number): boolean {
  const lineStart = code.lastIndexOf('\n', at) + 1;
  return /^\s*#\s*include\b/.test(code.slice(lineStart, at));
}

const DEVICE = '__device__';

/**
 * Where `__device__` declares a mutable variable (not a function, not a constant): the first of `(`, `;`, `=`, `[`
 * or `{` after it, outside template arguments, is not `(`, and no `const`, `constexpr`, `__constant__` or
 * `__shared__` comes first. Those become `__gh_dvar_`, which places them in the device-wide section. A variable
 * declared with direct initialisation (`__device__ T x(1);`) reads as a function and stays per workgroup.
 */
function deviceVariables(code: string): number[] {
  const found: number[] = [];
  for (const match of code.matchAll(/\b__device__\b/g)) {
    const at = match.index!;
    // In a macro definition the declaration it will start is unknown: left as it is (per-workgroup).
    if (/^\s*#/.test(code.slice(code.lastIndexOf('\n', at) + 1, at))) continue;
    let angle = 0;
    let end = at + DEVICE.length;
    for (; end < code.length; end++) {
      const c = code[end]!;
      if (c === '<') angle++;
      else if (c === '>' && angle > 0) angle--;
      else if (angle === 0 && '(;=[{'.includes(c)) break;
    }
    if (code[end] === '(' || end >= code.length) continue;
    if (/\b(const|constexpr|__constant__|__shared__)\b/.test(code.slice(at + DEVICE.length, end))) continue;
    found.push(at);
  }
  return found;
}
