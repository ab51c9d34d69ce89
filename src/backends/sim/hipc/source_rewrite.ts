/**
 * The few source-level rewrites the simulator target needs before clang sees a HIP-C source. Every rewrite stays
 * on its line, so the compiler's line:column diagnostics point into the user's own text.
 */

/** `__global__ ... void name(` — the kernels a source defines (template kernels are skipped: instantiate them
 * through an extern "C" wrapper, which is what a HIP program hands to hipModuleGetFunction as well). */
const KERNEL_PATTERN = /(template\s*<[^>]*>\s*)?__global__\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?(?:static\s+)?void\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\(/g;
/**
 * `extern __shared__ T name[];` — the dynamic shared memory array. It becomes a declaration of the linker symbol
 * `__heap_base`, the first byte after the module's statics, where the workgroup's dynamic shared memory begins
 * (statics and dynamic shared memory share the device's shared scratch); valid at file and at function scope.
 */
const EXTERN_SHARED_PATTERN = /extern\s+__shared__\s+((?:__align__\s*\(\s*\d+\s*\)\s*)?[^;[\]]*?)\s*([A-Za-z_]\w*)\s*\[\s*\]\s*;/g;

/** Source text with comments and string literals blanked (same length), so patterns cannot match inside them. */
function codeOnly(source: string): string {
  return source.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

export function kernelNames(source: string): string[] {
  const names: string[] = [];
  for (const match of codeOnly(source).matchAll(KERNEL_PATTERN)) {
    if (match[1] === undefined && !names.includes(match[2]!)) names.push(match[2]!);
  }
  return names;
}

export interface RewrittenSource {
  readonly text: string;
  readonly kernels: readonly string[];
}

/** The source with dynamic shared arrays rewritten in place and one entry-point line per kernel appended. */
export function rewriteSource(source: string): RewrittenSource {
  const code = codeOnly(source);
  let text = '';
  let last = 0;
  for (const match of code.matchAll(EXTERN_SHARED_PATTERN)) {
    const at = match.index!;
    const type = source.slice(at, at + match[0].length).replace(EXTERN_SHARED_PATTERN, (_m, t: string, name: string) => {
      const element = t.replace(/__align__\s*\(\s*\d+\s*\)/, '').trim();
      return `extern ${element} ${name}[] __asm__("__heap_base");`;
    });
    text += source.slice(last, at) + type;
    last = at + match[0].length;
  }
  text += source.slice(last);
  const kernels = kernelNames(source);
  text += '\n' + kernels.map((k) => `__GH_ENTRY(${k})`).join('\n') + '\n';
  return { text, kernels };
}
