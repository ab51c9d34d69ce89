// A __device__ variable shared by every workgroup of every launch: each workgroup adds its partial sum to the
// device-wide `total` and draws a ticket; the workgroup with the last ticket publishes the total and resets it
// (and the ticket counter wraps to 0 by itself), so the next launch starts afresh.
__device__ unsigned int tickets;
__device__ unsigned long long total;

extern "C" __global__ void device_total_u64(const unsigned int* values, unsigned long long* out, unsigned int count) {
  __shared__ unsigned long long partial;
  if (threadIdx.x == 0) partial = 0;
  __syncthreads();
  unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) atomicAdd(&partial, (unsigned long long)values[i]);
  __syncthreads();
  if (threadIdx.x == 0) {
    atomicAdd(&total, partial);
    __threadfence();
    unsigned int ticket = atomicInc(&tickets, gridDim.x - 1);
    if (ticket == gridDim.x - 1) out[0] = atomicExch(&total, 0ull);
  }
}
