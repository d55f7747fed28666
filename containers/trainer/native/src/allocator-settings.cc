// Keeps freed tensor buffers mapped: every op's output is a fresh Float32Array (calloc in Node), and glibc serves
// large ones with mmap and returns them with munmap, so each step faulted in every activation page anew (about
// 2 ms per 1.4 MB buffer on a loaded 2-core machine, a fifth of a 1M-model step). Raising the mmap and trim
// thresholds makes those buffers come from, and go back to, the heap. SWIRL_MALLOC_TUNING=0 leaves glibc's defaults.
#include <cstdlib>
#include <cstring>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace swirl {
namespace {

struct AllocatorSettings {
  AllocatorSettings() {
#if defined(__GLIBC__)
    const char* setting = std::getenv("SWIRL_MALLOC_TUNING");
    if (setting && std::strcmp(setting, "0") == 0) return;
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);  // glibc's largest allowed value on 64-bit
    mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
#endif
  }
};

const AllocatorSettings applied;

}  // namespace
}  // namespace swirl
