// GEMMs of the resident table on device pointers: cuBLAS where the toolkit has it (fp32, TF32 or bf16 operands with
// fp32 accumulation; bf16 frozen weights against activations converted to bf16), a tiled kernel otherwise.
#include <climits>
#include <cuda_bf16.h>
#include "device-staging.cuh"
#include "launch.cuh"
#include "resident-table.h"
#ifdef SWIRL_WITH_CUBLAS
#include "cuda-gemm.h"
#endif

namespace swirl::resident {

namespace {

constexpr int kTile = 16;

__device__ inline float toFloat(float value) { return value; }
__device__ inline float toFloat(__nv_bfloat16 value) { return __bfloat162float(value); }

// Grid (n tiles, m tiles, batch entries). With a shared output (strideC 0) one block sums every entry, so no two
// blocks write the same element.
template <typename Right>
__global__ void tiledGemmKernel(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                                const Right* b, int64_t ldb, float beta, float* c, int64_t ldc, int64_t entries, int64_t strideA,
                                int64_t strideB, int64_t strideC) {
  __shared__ float tileA[kTile][kTile + 1];
  __shared__ float tileB[kTile][kTile + 1];
  const int64_t row = blockIdx.y * (int64_t)kTile + threadIdx.y, column = blockIdx.x * (int64_t)kTile + threadIdx.x;
  const int64_t first = strideC == 0 ? 0 : blockIdx.z, last = strideC == 0 ? entries : blockIdx.z + 1;
  float accumulated = 0;
  for (int64_t entry = first; entry < last; ++entry) {
    const float* matrixA = a + entry * strideA;
    const Right* matrixB = b + entry * strideB;
    for (int64_t base = 0; base < k; base += kTile) {
      const int64_t p = base + threadIdx.x, q = base + threadIdx.y;
      tileA[threadIdx.y][threadIdx.x] = row < m && p < k ? (transposeA ? matrixA[p * lda + row] : matrixA[row * lda + p]) : 0.0f;
      tileB[threadIdx.y][threadIdx.x] = q < k && column < n ? toFloat(transposeB ? matrixB[column * ldb + q] : matrixB[q * ldb + column]) : 0.0f;
      __syncthreads();
      for (int step = 0; step < kTile; ++step) accumulated += tileA[threadIdx.y][step] * tileB[step][threadIdx.x];
      __syncthreads();
    }
  }
  if (row < m && column < n) {
    float* target = c + (strideC == 0 ? 0 : blockIdx.z * strideC) + row * ldc + column;
    *target = alpha * accumulated + (beta == 0.0f ? 0.0f : beta * *target);
  }
}

template <typename Right>
std::string tiledGemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                      const Right* b, int64_t ldb, float beta, float* c, int64_t ldc, int64_t batch, int64_t strideA, int64_t strideB,
                      int64_t strideC) {
  const dim3 grid((unsigned)((n + kTile - 1) / kTile), (unsigned)((m + kTile - 1) / kTile), (unsigned)(strideC == 0 ? 1 : batch));
  tiledGemmKernel<Right><<<grid, dim3(kTile, kTile), 0, stream()>>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                                                                     batch, strideA, strideB, strideC);
  return launched();
}

#ifdef SWIRL_WITH_CUBLAS
bool fitsInt(int64_t value) { return value >= 0 && value <= INT_MAX; }

/** A device buffer of at least `bytes` for bf16 operands, grown as calls need more. */
void* scratchOf(size_t bytes, std::string& error) {
  static void* scratch = nullptr;
  static size_t capacity = 0;
  if (bytes <= capacity) return scratch;
  // cudaFree waits for the device, so no queued GEMM still reads the old scratch.
  if (scratch) cudaFree(scratch);
  scratch = nullptr;
  capacity = 0;
  const cudaError_t status = cudaMalloc(&scratch, bytes);
  if (status != cudaSuccess) {
    error = std::string("GEMM scratch: ") + cudaGetErrorString(status);
    return nullptr;
  }
  capacity = bytes;
  return scratch;
}

std::string describe(cublasStatus_t status) { return status == CUBLAS_STATUS_SUCCESS ? "" : "cuBLAS status " + std::to_string((int)status); }

cublasHandle_t blas() {
  cublasHandle_t handle = device::staging::context().blas;
  cublasSetStream(handle, stream());
  return handle;
}

std::string cublasFloatGemm(cublasComputeType_t compute, bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha,
                            const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc, int64_t batch,
                            int64_t strideA, int64_t strideB, int64_t strideC) {
  // cuBLAS is column-major: row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so B goes first.
  const cublasOperation_t opA = transposeA ? CUBLAS_OP_T : CUBLAS_OP_N, opB = transposeB ? CUBLAS_OP_T : CUBLAS_OP_N;
  if (strideC == 0 && batch > 1) {
    for (int64_t entry = 0; entry < batch; ++entry) {
      const float entryBeta = entry == 0 ? beta : 1.0f;
      const std::string error = describe(cublasGemmEx(blas(), opB, opA, (int)n, (int)m, (int)k, &alpha, b + entry * strideB, CUDA_R_32F, (int)ldb,
                                                      a + entry * strideA, CUDA_R_32F, (int)lda, &entryBeta, c, CUDA_R_32F, (int)ldc, compute,
                                                      CUBLAS_GEMM_DEFAULT));
      if (!error.empty()) return error;
    }
    return launched();
  }
  const std::string error = describe(cublasGemmStridedBatchedEx(blas(), opB, opA, (int)n, (int)m, (int)k, &alpha, b, CUDA_R_32F, (int)ldb, strideB, a,
                                                                CUDA_R_32F, (int)lda, strideA, &beta, c, CUDA_R_32F, (int)ldc, strideC, (int)batch,
                                                                compute, CUBLAS_GEMM_DEFAULT));
  return error.empty() ? launched() : error;
}
#endif

}  // namespace

bool hasCublas() {
#ifdef SWIRL_WITH_CUBLAS
  return true;
#else
  return false;
#endif
}

std::string gemm(GemmPrecision precision, bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc, int64_t batch, int64_t strideA,
                 int64_t strideB, int64_t strideC) {
  if (m == 0 || n == 0 || batch == 0) return "";
#ifdef SWIRL_WITH_CUBLAS
  if (k > 0 && fitsInt(m) && fitsInt(n) && fitsInt(k) && fitsInt(lda) && fitsInt(ldb) && fitsInt(ldc) && fitsInt(batch)) {
    if (precision == GemmPrecision::Bfloat16) {
      const int64_t aBatch = strideA == 0 ? 1 : batch, bBatch = strideB == 0 ? 1 : batch;
      const size_t bytes = sizeof(__nv_bfloat16) * (size_t)(m * k * aBatch + k * n * bBatch);
      std::string error;
      void* scratch = scratchOf(bytes, error);
      if (!scratch) return error;
      error = describe(cuda::gemm(device::staging::context().blas, stream(), transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                                  batch, strideA, strideB, strideC, scratch, bytes));
      return error.empty() ? launched() : error;
    }
    return cublasFloatGemm(precision == GemmPrecision::Tensor32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F, transposeA, transposeB, m, n,
                           k, alpha, a, lda, b, ldb, beta, c, ldc, batch, strideA, strideB, strideC);
  }
#else
  (void)precision;
#endif
  return tiledGemm<float>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, batch, strideA, strideB, strideC);
}

std::string gemmBfloat16Weight(bool transposeWeight, int64_t m, int64_t outputs, int64_t inputs, const float* x, const uint16_t* weight,
                               float* out, bool accumulate) {
  if (m == 0 || outputs == 0 || inputs == 0) return "";
  const __nv_bfloat16* w = reinterpret_cast<const __nv_bfloat16*>(weight);
  const int64_t xColumns = transposeWeight ? inputs : outputs, outColumns = transposeWeight ? outputs : inputs;
  const float beta = accumulate ? 1.0f : 0.0f, one = 1.0f;
#ifdef SWIRL_WITH_CUBLAS
  if (fitsInt(m) && fitsInt(outputs) && fitsInt(inputs)) {
    std::string error;
    auto* xBfloat16 = static_cast<__nv_bfloat16*>(scratchOf(sizeof(__nv_bfloat16) * (size_t)(m * xColumns), error));
    if (!xBfloat16) return error;
    toBfloat16(x, (size_t)(m * xColumns), reinterpret_cast<uint16_t*>(xBfloat16));
    // Column-major view: W [outputs, inputs] row-major is an inputs × outputs matrix with leading dimension inputs.
    // y = x·Wᵀ is yᵀ = W·xᵀ (W transposed back); dX = dY·W is dXᵀ = Wᵀ·dYᵀ (W as stored).
    const cublasOperation_t opWeight = transposeWeight ? CUBLAS_OP_T : CUBLAS_OP_N;
    error = describe(cublasGemmEx(blas(), opWeight, CUBLAS_OP_N, (int)outColumns, (int)m, (int)xColumns, &one, w, CUDA_R_16BF, (int)inputs, xBfloat16,
                                  CUDA_R_16BF, (int)xColumns, &beta, out, CUDA_R_32F, (int)outColumns, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    return error.empty() ? launched() : error;
  }
#endif
  return tiledGemm<__nv_bfloat16>(false, transposeWeight, m, outColumns, xColumns, one, x, xColumns, w, inputs, beta, out, outColumns, 1, 0, 0, 0);
}

}  // namespace swirl::resident
