// The CUDA GEMM entry point, separate from cuda-kernels.h because it alone needs the cuBLAS headers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cublas_v2.h>
#include <cuda_runtime.h>

namespace swirl::cuda {

/** Row-major batched GEMM; A and B are rounded to bf16 (scratch must hold both), products accumulate in fp32. */
cublasStatus_t gemm(cublasHandle_t handle, cudaStream_t stream, bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k,
                    float alpha, const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc,
                    int64_t batch, int64_t strideA, int64_t strideB, int64_t strideC, void* scratch, size_t scratchBytes);

}  // namespace swirl::cuda
