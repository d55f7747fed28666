// The built-in GEMM for AVX-512 CPUs: 8×32 register tiles (sixteen zmm accumulators), used only where the CPU has AVX-512F.
#include "gemm-builtin.h"
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SWIRL_GEMM_NAMESPACE avx512
#define SWIRL_GEMM_TARGET "avx512f,avx512vl,avx2,fma"
#define SWIRL_VECTOR_WIDTH 16
#define SWIRL_TILE_ROWS 8
#define SWIRL_TILE_VECTORS 2
#include "gemm-blocked.inc"
#endif
