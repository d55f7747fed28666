// The built-in GEMM for AVX2+FMA CPUs: 6×16 register tiles (twelve ymm accumulators).
#include "gemm-builtin.h"
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SWIRL_GEMM_NAMESPACE avx2
#define SWIRL_GEMM_TARGET "avx2,fma"
#define SWIRL_VECTOR_WIDTH 8
#define SWIRL_TILE_ROWS 6
#define SWIRL_TILE_VECTORS 2
#include "gemm-blocked.inc"
#endif
