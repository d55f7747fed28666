// The device-resident table's host interface: device memory by block id, copies across, and the kernels that the
// staged table has no counterpart for. Plain C++ over the CUDA runtime headers, so the N-API bindings include it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <cuda_runtime.h>

namespace swirl::resident {

/** Empty when a device can be used, otherwise why not. Probes once (the staged table's probe and stream). */
std::string unavailableReason();
std::string deviceName();
/** The one stream every resident kernel, copy and cuBLAS call is ordered on. */
cudaStream_t stream();

/** Reserves a block; id 0 with an empty error means the device is out of memory. */
std::string reserve(size_t bytes, uint32_t& id);
std::string unreserve(uint32_t id);
/** The block's device address and size; false for an unknown id. */
bool extentOf(uint32_t id, char*& base, size_t& bytes);
std::string memoryInfo(size_t& freeBytes, size_t& totalBytes);

std::string copyToDevice(void* device, const void* host, size_t bytes);
/** Waits for the stream, so the host has the values when it returns. */
std::string copyToHost(void* host, const void* device, size_t bytes);
std::string zero(void* device, size_t bytes);
/** Copies a small host array (ids, positions, masks, sampling settings) into a grow-only device slot. */
std::string stage(int slot, const void* host, size_t bytes, void*& device);
constexpr int kSlots = 4;
std::string synchronize();
/** After each launch: launch errors, and with synchronous checking on, execution errors too. */
std::string launched();
void setSynchronous(bool synchronous);

void fill(float* x, size_t n, float value);
void copyBlocks(const float* source, size_t sourceStride, float* target, size_t targetStride, size_t blockLength, size_t blocks,
                bool accumulate);
constexpr int kMaxRank = 8;
/** target (+)= source with axes a and b of `shape` (rank ≤ kMaxRank) swapped. */
void permute(const float* source, const int64_t* shape, int rank, int axisA, int axisB, float* target, bool accumulate);
/** out[0] += Σ x². */
void sumSquaresInto(const float* x, size_t n, float* out);
/** Σ x (or Σ x²) in double precision, waited for. */
std::string reduce(const float* x, size_t n, bool squares, double& result);
void embeddingBfloat16(const uint16_t* weight, const int32_t* ids, size_t count, size_t dim, float* out);
void toBfloat16(const float* source, size_t n, uint16_t* target);

/**
 * One token per logits row, chosen as the host's chooseToken does: greedy where temperature ≤ 0, else softmax at the
 * temperature, the top-p nucleus in descending order (ties by index), and the row's draw. `settings` is device
 * memory holding temperatures, topPs and draws (doubles, as the host draws them), rows values each; ids land in host memory.
 */
std::string sampleTokens(const float* logits, size_t rows, size_t vocab, const double* settings, int32_t* ids);

enum class GemmPrecision { Float32, Tensor32, Bfloat16 };

/** Row-major batched GEMM on device pointers (cuBLAS where linked, a tiled kernel otherwise). */
std::string gemm(GemmPrecision precision, bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc, int64_t batch, int64_t strideA,
                 int64_t strideB, int64_t strideC);

/** out = x·Wᵀ (transposeWeight) or x·W, W bf16 [outputs, inputs] row-major; products accumulate in fp32. */
std::string gemmBfloat16Weight(bool transposeWeight, int64_t m, int64_t outputs, int64_t inputs, const float* x, const uint16_t* weight,
                               float* out, bool accumulate);

/** Whether GEMMs run on cuBLAS (false: the tiled fallback kernel). */
bool hasCublas();

}  // namespace swirl::resident
