// The built-in GEMM for any CPU: 4-float vectors (SSE2 on x86-64, NEON on arm64) in 4×8 register tiles.
#include "gemm-builtin.h"
#define SWIRL_GEMM_NAMESPACE portable
#define SWIRL_VECTOR_WIDTH 4
#define SWIRL_TILE_ROWS 4
#define SWIRL_TILE_VECTORS 2
#include "gemm-blocked.inc"
