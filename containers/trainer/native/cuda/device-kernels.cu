// The CUDA kernel table: each call stages its host buffers into device memory, runs the kernel on one stream, copies results back.
// Tensors live in host memory (TypeScript owns them), so every call pays its transfers; the table exists so that the CUDA
// kernels run behind the very checks and signatures of the CPU addon and can be compared against it op by op.
// This file holds the elementwise, GEMM, reduction, embedding and optimizer kernels; device-layers.cu the rest.
#include <string>
#include "../src/kernel-table.h"
#include "cuda-kernels.h"
#include "device-layers.h"
#include "device-staging.cuh"
#ifdef SWIRL_WITH_CUBLAS
#include "cuda-gemm.h"
#endif

namespace swirl::device {

using namespace staging;

namespace {

/** Rows of an embedding table a call touches: one past the largest id (ids were checked against the table). */
size_t rowsTouched(const int32_t* ids, size_t count) {
  int32_t largest = -1;
  for (size_t t = 0; t < count; ++t) largest = ids[t] > largest ? ids[t] : largest;
  return (size_t)(largest + 1);
}

#ifdef SWIRL_WITH_CUBLAS
size_t extentOf(int64_t rows, int64_t columns, int64_t leading, int64_t batch, int64_t stride) {
  if (rows == 0 || columns == 0 || batch == 0) return 0;
  return (size_t)((batch - 1) * stride + (rows - 1) * leading + columns);
}
#endif

void gemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
          int64_t ldb, float beta, float* c, int64_t ldc, int64_t batch, int64_t strideA, int64_t strideB, int64_t strideC) {
#ifdef SWIRL_WITH_CUBLAS
  if (m == 0 || n == 0 || k == 0 || batch == 0) return swirl::gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, batch, strideA, strideB, strideC);
  if (!ready()) return;
  const int64_t aRows = transposeA ? k : m, aColumns = transposeA ? m : k, bRows = transposeB ? n : k, bColumns = transposeB ? k : n;
  const int64_t aBatch = strideA == 0 ? 1 : batch, bBatch = strideB == 0 ? 1 : batch, cBatch = strideC == 0 ? 1 : batch;
  const size_t aCount = extentOf(aRows, aColumns, lda, aBatch, strideA), bCount = extentOf(bRows, bColumns, ldb, bBatch, strideB);
  const size_t cCount = extentOf(m, n, ldc, cBatch, strideC);
  const float* deviceA = put(0, a, aCount);
  const float* deviceB = put(1, b, bCount);
  float* deviceC = put(2, c, cCount);
  const size_t scratchBytes = 2 * (size_t)(aRows * aColumns * aBatch + bRows * bColumns * bBatch);
  void* scratch = slotOf(3, scratchBytes);
  if (failed()) return;
  const cublasStatus_t status = cuda::gemm(context().blas, stream(), transposeA, transposeB, m, n, k, alpha, deviceA, lda, deviceB, ldb, beta,
                                           deviceC, ldc, batch, strideA, strideB, strideC, scratch, scratchBytes);
  if (status != CUBLAS_STATUS_SUCCESS) return record("cuBLAS GEMM failed with status " + std::to_string((int)status));
  get(c, deviceC, cCount);
  complete();
#else
  // Without cuBLAS at build time the GEMMs stay on the CPU GEMM (OpenBLAS or built-in); every other kernel runs on the device.
  swirl::gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, batch, strideA, strideB, strideC);
#endif
}

template <void (*Kernel)(cudaStream_t, const float*, size_t, const float*, size_t, float*)>
void broadcast(const float* a, size_t n, const float* b, size_t period, float* out) {
  if (!ready()) return;
  const float* deviceA = put(0, a, n);
  const float* deviceB = put(1, b, period);
  float* deviceOut = put(2, out, n);
  if (failed()) return;
  Kernel(stream(), deviceA, n, deviceB, period, deviceOut);
  get(out, deviceOut, n);
  complete();
}

template <void (*Kernel)(cudaStream_t, const float*, size_t, float*)>
void unary(const float* x, size_t n, float* out) {
  if (!ready()) return;
  const float* deviceX = put(0, x, n);
  float* deviceOut = put(1, out, n);
  if (failed()) return;
  Kernel(stream(), deviceX, n, deviceOut);
  get(out, deviceOut, n);
  complete();
}

void axpy(float alpha, const float* x, size_t n, float* y) {
  if (!ready()) return;
  const float* deviceX = put(0, x, n);
  float* deviceY = put(1, y, n);
  if (failed()) return;
  cuda::axpy(stream(), alpha, deviceX, n, deviceY);
  get(y, deviceY, n);
  complete();
}

void sumRowsInto(float alpha, const float* x, size_t n, float* out, size_t period) {
  if (!ready()) return;
  const float* deviceX = put(0, x, n);
  float* deviceOut = put(1, out, period);
  if (failed()) return;
  cuda::sumRowsInto(stream(), alpha, deviceX, n, deviceOut, period);
  get(out, deviceOut, period);
  complete();
}

void mulAccumulate(const float* x, size_t n, const float* y, size_t period, float* out) {
  if (!ready()) return;
  const float* deviceX = put(0, x, n);
  const float* deviceY = put(1, y, period);
  float* deviceOut = put(2, out, n);
  if (failed()) return;
  cuda::mulAccumulate(stream(), deviceX, n, deviceY, period, deviceOut);
  get(out, deviceOut, n);
  complete();
}

void mulSumRowsInto(const float* x, const float* y, size_t n, float* out, size_t period) {
  if (!ready()) return;
  const float* deviceX = put(0, x, n);
  const float* deviceY = put(1, y, n);
  float* deviceOut = put(2, out, period);
  if (failed()) return;
  cuda::mulSumRowsInto(stream(), deviceX, deviceY, n, deviceOut, period);
  get(out, deviceOut, period);
  complete();
}

template <void (*Kernel)(cudaStream_t, const float*, size_t, double*)>
double reduce(const float* x, size_t n) {
  double total = 0;
  if (!ready()) return total;
  const float* deviceX = put(0, x, n);
  double* deviceTotal = static_cast<double*>(slotOf(1, sizeof(double)));
  if (failed()) return total;
  Kernel(stream(), deviceX, n, deviceTotal);
  get(&total, deviceTotal, 1);
  complete();
  return total;
}

void scaleInPlace(float* x, size_t n, float alpha) {
  if (!ready()) return;
  float* deviceX = put(0, x, n);
  if (failed()) return;
  cuda::scaleInPlace(stream(), deviceX, n, alpha);
  get(x, deviceX, n);
  complete();
}

void embeddingForward(const float* weight, const int32_t* ids, size_t count, size_t dim, float* out) {
  if (!ready()) return;
  const float* deviceWeight = put(0, weight, rowsTouched(ids, count) * dim);
  const int32_t* deviceIds = put(1, ids, count);
  float* deviceOut = put(2, out, count * dim);
  if (failed()) return;
  cuda::embeddingForward(stream(), deviceWeight, deviceIds, count, dim, deviceOut);
  get(out, deviceOut, count * dim);
  complete();
}

void embeddingBackward(const int32_t* ids, size_t count, const float* gradOut, size_t dim, float* gradWeight) {
  if (!ready()) return;
  const size_t touched = rowsTouched(ids, count) * dim;
  const int32_t* deviceIds = put(0, ids, count);
  const float* deviceGradOut = put(1, gradOut, count * dim);
  float* deviceGradWeight = put(2, gradWeight, touched);
  if (failed()) return;
  cuda::embeddingBackward(stream(), deviceIds, count, deviceGradOut, dim, deviceGradWeight);
  get(gradWeight, deviceGradWeight, touched);
  complete();
}

void siluBackward(const float* x, const float* gradOut, size_t n, float* gradX) {
  if (!ready()) return;
  const float* deviceX = put(0, x, n);
  const float* deviceGradOut = put(1, gradOut, n);
  float* deviceGradX = put(2, gradX, n);
  if (failed()) return;
  cuda::siluBackward(stream(), deviceX, deviceGradOut, n, deviceGradX);
  get(gradX, deviceGradX, n);
  complete();
}

void swigluForward(const float* gate, const float* up, size_t n, float* out) {
  if (!ready()) return;
  const float* deviceGate = put(0, gate, n);
  const float* deviceUp = put(1, up, n);
  float* deviceOut = put(2, out, n);
  if (failed()) return;
  cuda::swigluForward(stream(), deviceGate, deviceUp, n, deviceOut);
  get(out, deviceOut, n);
  complete();
}

void swigluBackward(const float* gate, const float* up, const float* gradOut, size_t n, float* gradGate, float* gradUp) {
  if (!ready()) return;
  const float* deviceGate = put(0, gate, n);
  const float* deviceUp = put(1, up, n);
  const float* deviceGradOut = put(2, gradOut, n);
  float* deviceGradGate = put(3, gradGate, n);
  float* deviceGradUp = put(4, gradUp, n);
  if (failed()) return;
  cuda::swigluBackward(stream(), deviceGate, deviceUp, deviceGradOut, n, deviceGradGate, deviceGradUp);
  get(gradGate, deviceGradGate, n);
  get(gradUp, deviceGradUp, n);
  complete();
}

void adamw(float* param, const float* grad, float* m, float* v, size_t n, float lr, float beta1, float beta2, float eps, float weightDecay,
           float biasCorrection1, float biasCorrection2) {
  if (!ready()) return;
  float* deviceParam = put(0, param, n);
  const float* deviceGrad = put(1, grad, n);
  float* deviceM = put(2, m, n);
  float* deviceV = put(3, v, n);
  if (failed()) return;
  cuda::adamw(stream(), deviceParam, deviceGrad, deviceM, deviceV, n, lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2);
  get(param, deviceParam, n);
  get(m, deviceM, n);
  get(v, deviceV, n);
  complete();
}

}  // namespace

const KernelTable& deviceKernels() {
  static const KernelTable table{
      gemm, broadcast<cuda::addBroadcast>, broadcast<cuda::mulBroadcast>, axpy, sumRowsInto, mulAccumulate, mulSumRowsInto,
      unary<cuda::expForward>, reduce<cuda::sum>, reduce<cuda::sumSquares>, scaleInPlace, embeddingForward, embeddingBackward,
      unary<cuda::siluForward>, siluBackward, swigluForward, swigluBackward, adamw, rmsNormForward, rmsNormBackward, rope,
      attentionForward, attentionBackward, logSoftmaxGatherForward, logSoftmaxGatherBackward, takeError,
  };
  return table;
}

const char* unavailableReason() {
  probe();
  return context().unavailable.c_str();
}

std::string deviceName() {
  probe();
  cudaDeviceProp properties;
  if (!context().unavailable.empty() || cudaGetDeviceProperties(&properties, 0) != cudaSuccess) return "";
  return properties.name;
}

}  // namespace swirl::device
