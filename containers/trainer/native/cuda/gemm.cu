// Row-major batched GEMM on cuBLAS: fp32 operands rounded to bf16, fp32 accumulation and output (cublasGemmStridedBatchedEx).
#include <cuda_bf16.h>
#include "cuda-gemm.h"
#include "launch.cuh"

namespace swirl::cuda {

namespace {

// Copies `rows` rows of `columns` values (leading dimension ld) for each batch entry into a packed bf16 buffer.
__global__ void packBf16(const float* source, int64_t rows, int64_t columns, int64_t ld, int64_t batch, int64_t stride,
                         __nv_bfloat16* target) {
  const int64_t perMatrix = rows * columns, total = perMatrix * batch;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total; i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t entry = i / perMatrix, within = i % perMatrix;
    const int64_t row = within / columns, column = within % columns;
    target[i] = __float2bfloat16(source[entry * stride + row * ld + column]);
  }
}

}  // namespace

cublasStatus_t gemm(cublasHandle_t handle, cudaStream_t stream, bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k,
                    float alpha, const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc,
                    int64_t batch, int64_t strideA, int64_t strideB, int64_t strideC, void* scratch, size_t scratchBytes) {
  const int64_t aRows = transposeA ? k : m, aColumns = transposeA ? m : k;
  const int64_t bRows = transposeB ? n : k, bColumns = transposeB ? k : n;
  const int64_t aBatch = strideA == 0 ? 1 : batch, bBatch = strideB == 0 ? 1 : batch;
  const size_t needed = sizeof(__nv_bfloat16) * (size_t)(aRows * aColumns * aBatch + bRows * bColumns * bBatch);
  if (needed > scratchBytes) return CUBLAS_STATUS_ALLOC_FAILED;
  __nv_bfloat16* packedA = static_cast<__nv_bfloat16*>(scratch);
  __nv_bfloat16* packedB = packedA + aRows * aColumns * aBatch;
  packBf16<<<blocksFor(aRows * aColumns * aBatch), kThreads, 0, stream>>>(a, aRows, aColumns, lda, aBatch, strideA, packedA);
  packBf16<<<blocksFor(bRows * bColumns * bBatch), kThreads, 0, stream>>>(b, bRows, bColumns, ldb, bBatch, strideB, packedB);
  cublasSetStream(handle, stream);
  // cuBLAS is column-major: the row-major C = op(A)·op(B) is the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so B goes first.
  // A zero output stride (gradients summed over a shared weight) cannot be expressed as one strided call: loop instead.
  const int64_t packedStrideA = strideA == 0 ? 0 : aRows * aColumns, packedStrideB = strideB == 0 ? 0 : bRows * bColumns;
  const cublasOperation_t opB = transposeB ? CUBLAS_OP_T : CUBLAS_OP_N, opA = transposeA ? CUBLAS_OP_T : CUBLAS_OP_N;
  if (strideC == 0 && batch > 1) {
    for (int64_t i = 0; i < batch; ++i) {
      const float stepBeta = i == 0 ? beta : 1.0f;
      const cublasStatus_t status = cublasGemmEx(handle, opB, opA, (int)n, (int)m, (int)k, &alpha, packedB + i * packedStrideB, CUDA_R_16BF,
                                                 (int)bColumns, packedA + i * packedStrideA, CUDA_R_16BF, (int)aColumns, &stepBeta, c,
                                                 CUDA_R_32F, (int)ldc, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
      if (status != CUBLAS_STATUS_SUCCESS) return status;
    }
    return CUBLAS_STATUS_SUCCESS;
  }
  return cublasGemmStridedBatchedEx(handle, opB, opA, (int)n, (int)m, (int)k, &alpha, packedB, CUDA_R_16BF, (int)bColumns, packedStrideB,
                                    packedA, CUDA_R_16BF, (int)aColumns, packedStrideA, &beta, c, CUDA_R_32F, (int)ldc, strideC,
                                    (int)batch, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
}

}  // namespace swirl::cuda
