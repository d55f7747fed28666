// OpenMP thresholds: small buffers run serially because waking the thread team costs more than the loop.
#pragma once
#include <cstddef>

namespace swirl {
constexpr size_t kParallelThreshold = 1 << 15;
}
