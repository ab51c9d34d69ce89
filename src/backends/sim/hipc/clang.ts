/**
 * The C++ compiler for the simulator target: clang and wasm-ld from the optional package `@yowasp/clang` (LLVM
 * compiled to WebAssembly, so it runs in process in Node and in a browser, with no network at run time). It is
 * loaded on first use only; gpuhal installs and runs AssemblyScript kernels without it.
 */
import { HalError, StatusCode } from '../../../core/errors.js';

export const CLANG_PACKAGE = '@yowasp/clang';

type Tree = { [name: string]: Tree | string | Uint8Array };
type Command = (args?: string[], files?: Tree, options?: Record<string, unknown>) => Promise<Tree> | Tree | undefined;
interface ClangPackage {
  readonly runClang: Command;
  readonly runLLVM: Command;
}

let loading: Promise<ClangPackage> | undefined;

/** The compiler package, imported once; UNAVAILABLE naming the package and how to install it when it is missing. */
export function loadClang(): Promise<ClangPackage> {
  loading ??= importClang(CLANG_PACKAGE).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Imports the clang package `specifier` (a parameter so the missing-package path can be tested). */
export async function importClang(specifier: string): Promise<ClangPackage> {
  let clang: ClangPackage;
  try {
    // A variable specifier keeps bundlers from resolving (and inlining 100 MB of) the optional package.
    clang = (await import(specifier)) as ClangPackage;
  } catch (cause) {
    throw new HalError(StatusCode.UNAVAILABLE,
      `compiling 'hip-source' kernels for the simulator needs the optional package ${specifier} (clang and lld ` +
      `compiled to WebAssembly, about 100 MB): install it with \`npm install ${specifier} binaryen\`, or load a ` +
      `'sim-wasm' payload instead (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`, { cause });
  }
  // Fetch (decompress) the toolchain once, quietly: its default progress report goes to the console.
  await clang.runLLVM(undefined, {}, { fetchProgress: () => {} });
  return clang;
}

export interface ClangRun {
  readonly files: Tree;
  readonly diagnostics: string;
  readonly ok: boolean;
}

/** Runs the clang driver over an in-memory file tree; never throws for a failed compile (ok false, diagnostics). */
export async function runClang(args: string[], files: Tree): Promise<ClangRun> {
  const clang = await loadClang();
  let diagnostics = '';
  const decoder = new TextDecoder();
  const collect = (bytes: Uint8Array | null): void => {
    if (bytes !== null) diagnostics += decoder.decode(bytes, { stream: true });
  };
  try {
    const out = await clang.runClang(['clang++', ...args], files, { stdout: collect, stderr: collect, fetchProgress: () => {} });
    return { files: (out ?? {}) as Tree, diagnostics, ok: true };
  } catch (error) {
    if (error instanceof Error && 'code' in error && 'files' in error) return { files: {}, diagnostics, ok: false };
    throw error;
  }
}
