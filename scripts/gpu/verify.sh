#!/usr/bin/env bash
# One-command verification of the hip backend on a machine with a GPU (`npm run gpu:verify`, or on the device
# tool's machine `source scripts/gpu/remote-env.sh && bash scripts/gpu/verify.sh`; see README.md):
#   core          the core semantics suite (test/core) on the hip backend
#   device-lost   test/core/semantics/device_lost_gpu.test.ts alone, with GPUHAL_DEVICE_LOST_TEST=1 (faults the GPU)
#   demo          `gpuhal demo --backend hip` (exits 1 if the result differs from the TS reference)
#   hip-gpu       the driver-level GPU suite (test/backends/hip/gpu)
#   kernels-gpu   every sample kernel on the GPU against its TS reference (test/kernels/gpu)
#   differential  random multi-queue programs, simulator vs GPU, byte for byte (test/differential)
#   checker       the race checker over the differential programs on the GPU: zero reports (test/check/gpu)
#   checker-bench the race checker's overhead, checked vs unchecked, on the simulator and the GPU (bench, 'race checker')
# Each step's output goes to the terminal and to <logs>/<step>.log, <logs> being $OUT when set (else a temporary
# folder); one summary line per step, also in <logs>/summary.txt. Exits non-zero if any step failed. Steps never stop early: a failing core test does
# not hide what the differential test says.
#
# Environment: GPUHAL_VERIFY_STEP_TIMEOUT (seconds per step, default 240), GPUHAL_HIP_PLATFORM (nvidia|amd|auto).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# On the device tool's machine node comes from the packed runtime; set it up if the caller did not.
if ! command -v node >/dev/null 2>&1 && [ -f .device/enter ]; then
  # shellcheck source=remote-env.sh
  source scripts/gpu/remote-env.sh
fi
export GPUHAL_BACKEND=${GPUHAL_BACKEND:-hip}
export GPUHAL_HIP_GPU=${GPUHAL_HIP_GPU:-1}
step_timeout=${GPUHAL_VERIFY_STEP_TIMEOUT:-240}
# Logs go to $OUT (the device tool brings that folder back) or to a fresh temporary folder.
out=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gpuhal-verify.XXXXXX")}
mkdir -p "$out"

# Where the toolchain is installed (a developer's checkout), build first so dist/ (the demo) and the simulator's
# generated wasm (the differential test) match the sources. The device machine has neither tsc nor asc: there
# dist/ and src/backends/sim/generated/ must have been built by scripts/gpu/pack.sh and carried.
if command -v npm >/dev/null 2>&1 && [ -d node_modules/typescript ] && [ -d node_modules/assemblyscript ]; then
  echo "== build (npm run build)"
  npm run --silent build >/dev/null || { echo "verify: build FAILED (npm run build)"; exit 1; }
fi
for needed in dist/src/cli/main.js src/backends/sim/generated node_modules/vitest/vitest.mjs; do
  if [ ! -e "$needed" ]; then
    echo "verify: $needed is missing: run 'npm install && npm run build' (or, for the device tool, scripts/gpu/pack.sh and carry it)" >&2
    exit 1
  fi
done

vitest=(node node_modules/vitest/vitest.mjs run)
summaries=()
failed=()

# run_step NAME COMMAND...: runs it under the step timeout, tees the log, records one summary line.
run_step() {
  local name=$1
  shift
  local log="$out/$name.log"
  echo
  echo "== $name: $*"
  local start=$SECONDS
  timeout --kill-after=10 "$step_timeout" "$@" 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  local took=$((SECONDS - start))
  # vitest ends with 'tests: N passed, N failed, N skipped' (test/helpers/summary_reporter.ts); the demo prints none.
  local detail
  detail=$(grep -E '^tests: [0-9]+ passed' "$log" | tail -1)
  local verdict=PASS
  if [ "$code" -ne 0 ]; then
    verdict=FAIL
    [ "$code" -eq 124 ] || [ "$code" -eq 137 ] && detail="timed out after ${step_timeout}s${detail:+; $detail}"
  elif [[ "$detail" == 'tests: 0 passed'* ]]; then
    # Everything skipped is not a pass on a GPU machine (GPUHAL_HIP_GPU unset, or no test matched).
    verdict=FAIL
    detail="nothing ran: $detail"
  fi
  [ "$verdict" = FAIL ] && failed+=("$name")
  summaries+=("verify: $(printf '%-13s' "$name") $verdict (exit $code, ${took}s)${detail:+ — $detail}")
}

# test/core/command_buffer/push_constants.test.ts is excluded: it compiles a test kernel with assemblyscript's asc at
# test time (not packed for the GPU machine), and its kernel has only a sim-wasm payload, so it tests the simulator
# whatever GPUHAL_BACKEND says. test/core/semantics/device_lost_gpu.test.ts faults the GPU on purpose (a sticky
# error ends its process's context), so it is excluded from core and runs alone in the device-lost step, the one
# place GPUHAL_DEVICE_LOST_TEST=1 is set. test/core/public_types.test.ts emits the package's declarations with tsc,
# which is not packed for the GPU machine and has nothing to do with the device (CI runs it).
device_lost_test=test/core/semantics/device_lost_gpu.test.ts
run_step core env -u GPUHAL_DEVICE_LOST_TEST "${vitest[@]}" test/core --exclude test/core/command_buffer/push_constants.test.ts \
  --exclude test/core/public_types.test.ts --exclude "$device_lost_test"
run_step device-lost env GPUHAL_DEVICE_LOST_TEST=1 "${vitest[@]}" "$device_lost_test"
run_step demo node bin/gpuhal.js demo --backend hip
run_step hip-gpu "${vitest[@]}" test/backends/hip/gpu
run_step kernels-gpu "${vitest[@]}" test/kernels/gpu
run_step differential "${vitest[@]}" test/differential
run_step checker "${vitest[@]}" test/check/gpu
run_step checker-bench env GPUHAL_BENCH_HIP=1 node dist/bench/run.js 'race checker'

echo
echo "== summary ($(node --version), GPUHAL_BACKEND=$GPUHAL_BACKEND, GPUHAL_HIP_GPU=$GPUHAL_HIP_GPU; logs in $out)"
if [ ${#failed[@]} -eq 0 ]; then
  summaries+=("verify: all ${#summaries[@]} steps passed")
else
  summaries+=("verify: ${#failed[@]} of ${#summaries[@]} steps FAILED: ${failed[*]}")
fi
printf '%s\n' "${summaries[@]}"
printf '%s\n' "${summaries[@]}" > "$out/summary.txt"
[ ${#failed[@]} -eq 0 ]
