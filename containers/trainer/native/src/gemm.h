// GEMM selection: OpenBLAS where the addon was linked with it, or the built-in blocked kernel for the CPU's instruction set.
#pragma once
#include <cstdint>
#include <string>

namespace swirl {

/** Chooses the GEMM: gemm is "auto", "openblas" or "builtin"; isa is "auto", "avx512", "avx2" or "portable". Returns "" or why not. */
std::string selectGemm(const std::string& gemm, const std::string& isa);
/** "openblas" or "builtin". */
const char* gemmName();
/** The instruction set of the built-in kernel ("avx512", "avx2", "portable"), detected unless chosen. */
const char* gemmIsa();
/** The best instruction set this CPU and OS support for the built-in kernel. */
const char* detectedIsa();
bool hasOpenblas();

/** gemm for one matrix on the calling thread only (attention's per-head products inside its own parallel loop). */
void gemmSerial(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

/** Holds OpenBLAS to one thread for its lifetime, so concurrent gemmSerial calls each run in their caller's thread. */
class SerialGemmScope {
 public:
  SerialGemmScope();
  ~SerialGemmScope();
  SerialGemmScope(const SerialGemmScope&) = delete;
  SerialGemmScope& operator=(const SerialGemmScope&) = delete;

 private:
  int previous_;
};

}  // namespace swirl
