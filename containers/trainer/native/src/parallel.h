// OpenMP thresholds: memory-bound loops below this run serially, since waking the team costs more than it saves
// and OpenBLAS's own worker threads are still spinning right after each GEMM.
#pragma once
#include <cstddef>

namespace swirl {
constexpr size_t kParallelThreshold = 1 << 21;
}
