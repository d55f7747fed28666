// Kernels the resident table needs beyond the staged table's: fill, strided block copies, axis swaps, squared-sum
// accumulation on the device, bf16 embedding lookups and the fp32 → bf16 conversion of GEMM activations.
#include <cuda_bf16.h>
#include "cuda-kernels.h"
#include "launch.cuh"
#include "resident-table.h"

namespace swirl::resident {

namespace {

#define GRID_STRIDE(i, n) for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < (n); i += (size_t)gridDim.x * blockDim.x)

struct PermuteLayout {
  int64_t targetShape[kMaxRank];
  int64_t sourceStrides[kMaxRank];
  int rank;
};

__global__ void fillKernel(float* x, size_t n, float value) { GRID_STRIDE(i, n) x[i] = value; }

__global__ void copyBlocksKernel(const float* source, size_t sourceStride, float* target, size_t targetStride, size_t blockLength,
                                 size_t total, bool accumulate) {
  GRID_STRIDE(i, total) {
    const size_t block = i / blockLength, j = i % blockLength;
    const float value = source[block * sourceStride + j];
    float* destination = target + block * targetStride + j;
    // Target blocks may overlap (a stride of 0 sums every block into one), so accumulation is atomic.
    if (accumulate) atomicAdd(destination, value);
    else *destination = value;
  }
}

// One thread per target element: its multi-index in the swapped shape, read through the source's swapped strides.
__global__ void permuteKernel(const float* source, PermuteLayout layout, size_t total, float* target, bool accumulate) {
  GRID_STRIDE(i, total) {
    size_t rest = i;
    int64_t from = 0;
    for (int d = layout.rank - 1; d >= 0; --d) {
      const int64_t extent = layout.targetShape[d];
      from += (int64_t)(rest % extent) * layout.sourceStrides[d];
      rest /= extent;
    }
    target[i] = accumulate ? target[i] + source[from] : source[from];
  }
}

__global__ void sumSquaresIntoKernel(const float* x, size_t n, float* out) {
  float partial = 0;
  GRID_STRIDE(i, n) partial += x[i] * x[i];
  const float total = cuda::blockSum(partial);
  if (threadIdx.x == 0) atomicAdd(out, total);
}

__global__ void embeddingBfloat16Kernel(const __nv_bfloat16* weight, const int32_t* ids, size_t count, size_t dim, float* out) {
  GRID_STRIDE(i, count * dim) out[i] = __bfloat162float(weight[(size_t)ids[i / dim] * dim + i % dim]);
}

__global__ void toBfloat16Kernel(const float* source, size_t n, __nv_bfloat16* target) { GRID_STRIDE(i, n) target[i] = __float2bfloat16(source[i]); }

unsigned reductionBlocks(size_t n) {
  const unsigned blocks = cuda::blocksFor(n);
  return blocks < 1024 ? blocks : 1024;
}

}  // namespace

void fill(float* x, size_t n, float value) { fillKernel<<<cuda::blocksFor(n), cuda::kThreads, 0, stream()>>>(x, n, value); }

void copyBlocks(const float* source, size_t sourceStride, float* target, size_t targetStride, size_t blockLength, size_t blocks,
                bool accumulate) {
  const size_t total = blockLength * blocks;
  if (total == 0) return;
  copyBlocksKernel<<<cuda::blocksFor(total), cuda::kThreads, 0, stream()>>>(source, sourceStride, target, targetStride, blockLength, total,
                                                                           accumulate);
}

void permute(const float* source, const int64_t* shape, int rank, int axisA, int axisB, float* target, bool accumulate) {
  PermuteLayout layout{};
  layout.rank = rank;
  int64_t stride = 1;
  size_t total = 1;
  for (int d = rank - 1; d >= 0; --d) {
    layout.sourceStrides[d] = stride;
    layout.targetShape[d] = shape[d];
    stride *= shape[d];
    total *= (size_t)shape[d];
  }
  const int64_t strideA = layout.sourceStrides[axisA], shapeA = layout.targetShape[axisA];
  layout.sourceStrides[axisA] = layout.sourceStrides[axisB];
  layout.sourceStrides[axisB] = strideA;
  layout.targetShape[axisA] = layout.targetShape[axisB];
  layout.targetShape[axisB] = shapeA;
  if (total == 0) return;
  permuteKernel<<<cuda::blocksFor(total), cuda::kThreads, 0, stream()>>>(source, layout, total, target, accumulate);
}

void sumSquaresInto(const float* x, size_t n, float* out) {
  if (n == 0) return;
  sumSquaresIntoKernel<<<reductionBlocks(n), cuda::kThreads, 0, stream()>>>(x, n, out);
}

std::string reduce(const float* x, size_t n, bool squares, double& result) {
  static double* total = nullptr;
  result = 0;
  if (!total) {
    const cudaError_t status = cudaMalloc(reinterpret_cast<void**>(&total), sizeof(double));
    if (status != cudaSuccess) return cudaGetErrorString(status);
  }
  if (n == 0) return "";
  if (squares) cuda::sumSquares(stream(), x, n, total);
  else cuda::sum(stream(), x, n, total);
  const std::string error = launched();
  return error.empty() ? copyToHost(&result, total, sizeof(double)) : error;
}

void embeddingBfloat16(const uint16_t* weight, const int32_t* ids, size_t count, size_t dim, float* out) {
  if (count * dim == 0) return;
  embeddingBfloat16Kernel<<<cuda::blocksFor(count * dim), cuda::kThreads, 0, stream()>>>(reinterpret_cast<const __nv_bfloat16*>(weight), ids,
                                                                                         count, dim, out);
}

void toBfloat16(const float* source, size_t n, uint16_t* target) {
  if (n == 0) return;
  toBfloat16Kernel<<<cuda::blocksFor(n), cuda::kThreads, 0, stream()>>>(source, n, reinterpret_cast<__nv_bfloat16*>(target));
}

}  // namespace swirl::resident
