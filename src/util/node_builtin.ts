/**
 * Node built-in modules for code that also ships to browsers and runs them only under Node (a disk cache, say).
 * A literal `import('node:fs/promises')` makes a browser bundler try to resolve the module and fail (esbuild with no
 * flags: "Could not resolve"); a specifier held in a variable is left to run time, where the caller's own check
 * (`process.versions.node`) keeps a browser from ever reaching it.
 */
interface NodeBuiltins {
  'node:fs/promises': typeof import('node:fs/promises');
  'node:os': typeof import('node:os');
  'node:path': typeof import('node:path');
}

export async function importNodeBuiltin<Name extends keyof NodeBuiltins>(name: Name): Promise<NodeBuiltins[Name]> {
  const specifier: string = name;
  return (await import(/* @vite-ignore */ specifier)) as NodeBuiltins[Name];
}
