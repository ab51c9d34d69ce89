/**
 * What the hip driver hands `moduleLoadData` for each payload format: HIP-C source compiled with the platform's
 * runtime compiler (hiprtc on amd, nvrtc on nvidia, loaded on first need), PTX text for the CUDA driver to JIT, or
 * an AMD code object as it is. Which formats a device offers follows from that: 'hip-source' only when the runtime
 * compiler loads, then the platform's native format.
 */
import type { ModuleFormat, ModuleImage } from '../../core/driver.js';
import { HalError, invalidArgument, StatusCode, unimplemented } from '../../core/errors.js';
import type { HipPlatform } from './platform_api.js';
import { loadRuntimeCompiler, type CompiledSource, type RuntimeCompiler } from './rtc.js';

const NO_SYMBOLS: ReadonlyMap<string, string> = new Map();

export class ModuleCode {
  private compiler: RuntimeCompiler | HalError | undefined;

  /** `hipLibraryName`: the loaded libamdhip64, next to which hiprtc is looked for (amd only). */
  constructor(
    private readonly platform: HipPlatform,
    private readonly arch: string,
    private readonly hipLibraryName: string | undefined,
  ) {}

  /** Formats `code` accepts, in order of preference. */
  formats(): ModuleFormat[] {
    const formats: ModuleFormat[] = [];
    if (!(this.runtimeCompiler() instanceof HalError)) formats.push('hip-source');
    formats.push(this.platform === 'amd' ? 'amdgcn' : 'ptx');
    return formats;
  }

  /** For info.details: the runtime compiler in use, or why there is none. */
  describeCompiler(): string {
    const compiler = this.runtimeCompiler();
    return compiler instanceof HalError ? `unavailable: ${compiler.detail}` : compiler.description;
  }

  /**
   * The bytes to load for `image` and, for 'hip-source', the symbols of its kernels that are not extern "C"
   * (plain name → mangled name); `label` names it in errors.
   */
  code(image: ModuleImage, label: string, formats: readonly ModuleFormat[]): CompiledSource {
    const platform = this.platform;
    switch (image.format) {
      case 'hip-source': {
        if (typeof image.source !== 'string') throw invalidArgument(`module '${label}': 'hip-source' needs source text`);
        const compiler = this.runtimeCompiler();
        if (compiler instanceof HalError) throw compiler;
        return compiler.compileWithSymbols(image.source, image.compileOptions ?? [], label);
      }
      case 'ptx': {
        if (platform !== 'nvidia') throw unimplemented(`module '${label}': 'ptx' modules need the nvidia platform (this is ${platform})`);
        if (typeof image.source !== 'string') throw invalidArgument(`module '${label}': 'ptx' needs source text`);
        return { code: new TextEncoder().encode(`${image.source}\0`), symbols: NO_SYMBOLS };
      }
      case 'amdgcn': {
        if (platform !== 'amd') throw unimplemented(`module '${label}': 'amdgcn' code objects need the amd platform (this is ${platform})`);
        if (!(image.bytes instanceof Uint8Array)) throw invalidArgument(`module '${label}': 'amdgcn' needs bytes`);
        return { code: image.bytes, symbols: NO_SYMBOLS };
      }
      default:
        throw unimplemented(`module '${label}': format '${String(image.format)}' is not loadable by the hip driver (formats: ${formats.join(', ')})`);
    }
  }

  private runtimeCompiler(): RuntimeCompiler | HalError {
    if (this.compiler === undefined) {
      try {
        this.compiler = loadRuntimeCompiler(this.platform, this.arch, this.hipLibraryName);
      } catch (error) {
        this.compiler = error instanceof HalError ? error : new HalError(StatusCode.UNAVAILABLE, String(error));
      }
    }
    return this.compiler;
  }
}
