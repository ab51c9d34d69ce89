# Source from the repository root on the GPU machine, after scripts/gpu/pack.sh ran here and .device, dist and
# src/backends/sim/generated were carried:
#   source scripts/gpu/remote-env.sh && node node_modules/vitest/vitest.mjs run test/backends/hip/gpu
# Unpacks the trimmed node_modules (vitest included), puts node on PATH (.device/enter) and selects the hip backend.
if [ -f .device/node_modules.tar.xz ] && [ ! -f node_modules/.gpuhal-unpacked ]; then
  [ -L node_modules ] && rm node_modules
  mkdir -p node_modules && tar -C node_modules -xJf .device/node_modules.tar.xz && touch node_modules/.gpuhal-unpacked
fi
source .device/enter
# nvrtc dlopens its builtins library by soname: make the toolkit's lib64 visible when it is not on the loader path.
[ -d /usr/local/cuda/lib64 ] && export LD_LIBRARY_PATH=/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export GPUHAL_BACKEND=${GPUHAL_BACKEND:-hip}
export GPUHAL_HIP_GPU=${GPUHAL_HIP_GPU:-1}
# Keep NCCL/PyTorch off NVLink multicast (device tool rule) if a benchmark starts PyTorch.
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
echo "gpuhal remote env: node $(node --version), GPUHAL_BACKEND=$GPUHAL_BACKEND, $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
