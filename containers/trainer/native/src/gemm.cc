// Batched row-major GEMM: dispatches each matrix to OpenBLAS (where linked and chosen) or the built-in blocked kernel.
#include "gemm.h"
#include <cstdlib>
#include <cstring>
#include "gemm-builtin.h"
#include "kernels.h"
#ifdef SWIRL_WITH_OPENBLAS
#include <cblas.h>
#endif

namespace swirl {

namespace {

enum class Isa { avx512, avx2, portable };

struct Choice {
  bool openblas;
  Isa isa;
};

Isa detectIsa() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  // libgcc's and compiler-rt's checks include the OS saving the wider registers (XCR0), not just CPUID.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return Isa::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::avx2;
#endif
  return Isa::portable;
}

const char* nameOf(Isa isa) { return isa == Isa::avx512 ? "avx512" : isa == Isa::avx2 ? "avx2" : "portable"; }

bool isaAtMost(Isa wanted, Isa available) { return (int)wanted >= (int)available; }

#ifdef SWIRL_WITH_OPENBLAS
constexpr bool kLinkedOpenblas = true;
#else
constexpr bool kLinkedOpenblas = false;
#endif

// `auto` means OpenBLAS where linked (the JS loader narrows that to the built-in kernel where OpenBLAS's core type
// would leave AVX-512 unused), else the built-in kernel.
Choice& choice() {
  static Choice current{kLinkedOpenblas, detectIsa()};
  return current;
}

BlockedGemmLayout layoutOf(Isa isa) {
  switch (isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case Isa::avx512: return avx512::layout();
    case Isa::avx2: return avx2::layout();
#endif
    default: return portable::layout();
  }
}

/** Grow-only 64-byte-aligned scratch, one per thread: the per-head serial calls run on many threads at once. */
float* workspaceFor(const GemmProblem& problem, int threads, Isa isa) {
  struct Buffer {
    float* data = nullptr;
    int64_t floats = 0;
    ~Buffer() { std::free(data); }
  };
  thread_local Buffer buffer;
  const int64_t needed = blockedGemmWorkspace(layoutOf(isa), threads, problem.m, problem.n, problem.k);
  if (buffer.floats < needed) {
    std::free(buffer.data);
    buffer.data = static_cast<float*>(std::aligned_alloc(64, ((needed * sizeof(float) + 63) / 64) * 64));
    buffer.floats = buffer.data ? needed : 0;
  }
  return buffer.data;
}

int maximumThreads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

void builtinGemm(const GemmProblem& problem, int threads) {
  const Isa isa = choice().isa;
  // Small products stay on one thread: waking the team costs more than it saves (the result is the same either way).
  if ((double)problem.m * problem.n * problem.k < 8.0 * 1024 * 1024) threads = 1;
  float* workspace = workspaceFor(problem, threads, isa);
  if (!workspace) std::abort();
  switch (isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case Isa::avx512: return avx512::gemm(problem, workspace, threads);
    case Isa::avx2: return avx2::gemm(problem, workspace, threads);
#endif
    default: return portable::gemm(problem, workspace, threads);
  }
}

void scaleOutput(int64_t m, int64_t n, float beta, float* c, int64_t ldc) {
  for (int64_t row = 0; row < m; ++row)
    for (int64_t column = 0; column < n; ++column) c[row * ldc + column] = beta == 0.0f ? 0.0f : c[row * ldc + column] * beta;
}

void gemmOne(const GemmProblem& p, int threads) {
  if (p.k == 0) return scaleOutput(p.m, p.n, p.beta, p.c, p.ldc);
#ifdef SWIRL_WITH_OPENBLAS
  if (choice().openblas) {
    cblas_sgemm(CblasRowMajor, p.transposeA ? CblasTrans : CblasNoTrans, p.transposeB ? CblasTrans : CblasNoTrans, (int)p.m, (int)p.n,
                (int)p.k, p.alpha, p.a, (int)p.lda, p.b, (int)p.ldb, p.beta, p.c, (int)p.ldc);
    return;
  }
#endif
  builtinGemm(p, threads);
}

}  // namespace

std::string selectGemm(const std::string& gemm, const std::string& isa) {
  const Isa detected = detectIsa();
  Isa wanted = detected;
  if (isa == "avx512") wanted = Isa::avx512;
  else if (isa == "avx2") wanted = Isa::avx2;
  else if (isa == "portable") wanted = Isa::portable;
  else if (isa != "auto" && !isa.empty()) return "expected auto, avx512, avx2 or portable, received \"" + isa + "\"";
  if (!isaAtMost(wanted, detected)) return std::string("this CPU supports at most ") + nameOf(detected) + ", not " + isa;
  bool openblas = kLinkedOpenblas;
  if (gemm == "builtin") openblas = false;
  else if (gemm == "openblas") {
    if (!kLinkedOpenblas) return "this addon was built without OpenBLAS (no cblas.h and libopenblas at install time, or SWIRL_BLAS=none)";
    openblas = true;
  } else if (gemm != "auto" && !gemm.empty()) return "expected auto, openblas or builtin, received \"" + gemm + "\"";
  choice() = {openblas, wanted};
  return "";
}

const char* gemmName() { return choice().openblas ? "openblas" : "builtin"; }
const char* gemmIsa() { return nameOf(choice().isa); }
const char* detectedIsa() { return nameOf(detectIsa()); }
bool hasOpenblas() { return kLinkedOpenblas; }

void gemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
          int64_t ldb, float beta, float* c, int64_t ldc, int64_t batch, int64_t strideA, int64_t strideB, int64_t strideC) {
  if (m == 0 || n == 0) return;
  const int threads = maximumThreads();
  // Sequential over the batch: a zero output stride means every entry accumulates into the same matrix.
  for (int64_t i = 0; i < batch; ++i)
    gemmOne({transposeA, transposeB, m, n, k, alpha, a + i * strideA, lda, b + i * strideB, ldb, beta, c + i * strideC, ldc}, threads);
}

void gemmSerial(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  gemmOne({transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}, 1);
}

#ifdef SWIRL_WITH_OPENBLAS
SerialGemmScope::SerialGemmScope() : previous_(openblas_get_num_threads()) { openblas_set_num_threads(1); }
SerialGemmScope::~SerialGemmScope() { openblas_set_num_threads(previous_); }
#else
SerialGemmScope::SerialGemmScope() : previous_(1) {}
SerialGemmScope::~SerialGemmScope() {}
#endif

}  // namespace swirl
