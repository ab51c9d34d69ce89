/**
 * What a HIP-C source ('hip-source' payload) defines as kernels, read from its text: every backend names the same
 * entry points from one source. The scan is textual (comments and strings blanked), which is enough for the
 * declarations kernels are written with.
 */

/** `__global__ ... void name(` — the kernels a source defines (template kernels separately: their explicit
 * instantiations are the entry points, named by their mangled names as on a GPU). */
const KERNEL_PATTERN = /(template\s*<[^>]*>\s*)?__global__\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?(?:static\s+)?void\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\(/g;

/** Source text with comments and string literals blanked (same length), so patterns cannot match inside them. */
export function codeOnly(source: string): string {
  return source.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** Names of the source's kernels that are not templates (extern "C" or not), in source order. */
export function kernelNames(source: string): string[] {
  return kernelsOf(codeOnly(source), false);
}

/** Names of the source's template kernels (`template <...> __global__ void name(`). */
export function templateKernelNames(source: string): string[] {
  return kernelsOf(codeOnly(source), true);
}

function kernelsOf(code: string, templates: boolean): string[] {
  const names: string[] = [];
  for (const match of code.matchAll(KERNEL_PATTERN)) {
    if ((match[1] !== undefined) === templates && !names.includes(match[2]!)) names.push(match[2]!);
  }
  return names;
}

const INSTANTIATION_PATTERN = /\btemplate\s+(?:__global__\s+)?(?:__launch_bounds__\s*\([^)]*\)\s*)?void\s+([A-Za-z_]\w*)\s*<([^;{}()]*)>\s*\(/g;

/**
 * Offsets of the `__global__` tokens of template kernels, in their definitions and explicit instantiations, in
 * `code` (a codeOnly text).
 */
export function templateGlobalTokens(code: string): number[] {
  const at: number[] = [];
  const templates = new Set(kernelsOf(code, true));
  for (const match of code.matchAll(KERNEL_PATTERN)) if (match[1] !== undefined) at.push(match.index! + match[0].indexOf('__global__'));
  for (const match of code.matchAll(INSTANTIATION_PATTERN)) {
    const token = match[0].indexOf('__global__');
    if (token >= 0 && templates.has(match[1]!)) at.push(match.index! + token);
  }
  return at;
}

/**
 * Explicit instantiations of template kernels (`template __global__ void scale<float>(float*, unsigned);`), as the
 * C++ expressions naming them (`scale<float>`), in source order.
 */
export function kernelInstantiations(source: string): string[] {
  const code = codeOnly(source);
  const templates = new Set(kernelsOf(code, true));
  const found: string[] = [];
  for (const match of code.matchAll(INSTANTIATION_PATTERN)) {
    const expression = `${match[1]}<${match[2]!.trim()}>`;
    if (templates.has(match[1]!) && !found.includes(expression)) found.push(expression);
  }
  return found;
}
