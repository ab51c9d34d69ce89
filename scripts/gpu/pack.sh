#!/usr/bin/env bash
# Builds gpuhal and packs everything a run on the GPU machine needs (it has no Node.js and no registry) into
# git-ignored paths, then prints their sizes against the device tool's 64 MiB limit:
#   .device/                 node (xz) + production deps (koffi, zod) from ../shared/tools/device-pack, plus
#   .device/node_modules.tar.xz   a trimmed node_modules with vitest and its deps (no binaryen, typescript,
#                            @typescript, assemblyscript, @types, @yowasp, esbuild), for running vitest files there
#   .device/hipc-cache/      the simulator's compiled HIP-C kernels (scripts/gpu/hipc-precompile.mjs): the GPU
#                            machine has no clang, the HIP-C differential (test/backends/sim/hipc/gpu) reads them from there
#   dist/                    tsc output (src/ and bench/)
#   src/backends/sim/generated/   the simulator's generated wasm modules (the tests import src/ directly)
# Carry those three paths and start the remote command with `source scripts/gpu/remote-env.sh` (see README.md).
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
shared=${GPUHAL_SHARED_DIR:-$root/../shared}

echo "building (build:asm + tsc)" >&2
npm run --silent build >/dev/null

"$shared/tools/device-pack" >/dev/null

# device-pack rebuilt .device/prod; the trimmed node_modules is repacked only when the installed packages changed.
tarball=.device/node_modules.tar.xz
if [ ! -f "$tarball" ] || [ node_modules/.package-lock.json -nt "$tarball" ]; then
  echo "packing trimmed node_modules for vitest (a few minutes on a busy machine)" >&2
  tar -C node_modules \
    --exclude=./binaryen --exclude=./@yowasp --exclude=./typescript --exclude=./@typescript --exclude=./assemblyscript --exclude=./@types \
    --exclude=./esbuild --exclude=./@esbuild \
    --exclude='./.cache' -cf - . | xz -T0 -6 > "$tarball.tmp"
  mv "$tarball.tmp" "$tarball"
fi

echo "precompiling the HIP-C kernels for the simulator (.device/hipc-cache)" >&2
node scripts/gpu/hipc-precompile.mjs

mib() { du -sm "$1" | cut -f1; }
total=0
for path in .device dist src/backends/sim/generated; do
  size=$(du -sk "$path" | cut -f1)
  total=$((total + size))
  printf '%-32s %6.1f MiB\n' "$path" "$(echo "$size / 1024" | bc -l)"
done
tree_kb=$(git ls-files -z --cached --others --exclude-standard | du -ck --files0-from=- 2>/dev/null | tail -1 | cut -f1)
total=$((total + tree_kb))
printf '%-32s %6.1f MiB\n' 'working tree (sent anyway)' "$(echo "$tree_kb / 1024" | bc -l)"
printf '%-32s %6.1f MiB (limit 64)\n' 'total' "$(echo "$total / 1024" | bc -l)"
if [ "$total" -gt $((64 * 1024)) ]; then echo "pack.sh: over the device tool's 64 MiB limit" >&2; exit 1; fi
echo 'carry: [".device", "dist", "src/backends/sim/generated"]'
echo 'remote: source scripts/gpu/remote-env.sh && node node_modules/vitest/vitest.mjs run <files>   (or: node dist/...)'
