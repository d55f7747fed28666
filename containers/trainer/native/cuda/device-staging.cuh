// Staging of host buffers through device memory for the CUDA kernel table: one stream, grow-only buffers, errors kept for the binding.
#pragma once
#include <cuda_runtime.h>
#include <string>
#include <vector>
#ifdef SWIRL_WITH_CUBLAS
#include <cublas_v2.h>
#endif

namespace swirl::device::staging {

struct Context {
  bool probed = false;
  std::string unavailable;
  std::string error;
  cudaStream_t stream = nullptr;
#ifdef SWIRL_WITH_CUBLAS
  cublasHandle_t blas = nullptr;
#endif
  std::vector<void*> buffers = std::vector<void*>(12, nullptr);
  std::vector<size_t> capacities = std::vector<size_t>(12, 0);
};

inline Context& context() {
  static Context state;
  return state;
}

inline void probe() {
  Context& c = context();
  if (c.probed) return;
  c.probed = true;
  int count = 0;
  cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) c.unavailable = std::string("no usable CUDA driver or device (") + cudaGetErrorString(status) + ")";
  else if (count == 0) c.unavailable = "no CUDA device";
  else if ((status = cudaStreamCreateWithFlags(&c.stream, cudaStreamNonBlocking)) != cudaSuccess)
    c.unavailable = std::string("CUDA stream creation failed (") + cudaGetErrorString(status) + ")";
#ifdef SWIRL_WITH_CUBLAS
  else if (cublasCreate(&c.blas) != CUBLAS_STATUS_SUCCESS) c.unavailable = "cuBLAS failed to initialize";
#endif
}

inline void record(const std::string& message) {
  if (context().error.empty()) context().error = message;
}

inline bool check(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return true;
  record(std::string("CUDA ") + what + ": " + cudaGetErrorString(status));
  return false;
}

/** True when a call may run; otherwise the reason becomes this call's error. */
inline bool ready() {
  probe();
  if (!context().unavailable.empty()) record("CUDA backend unavailable: " + context().unavailable);
  return context().error.empty();
}

/** A device buffer of at least `bytes` in slot `slot`, grown (never shrunk) as calls need more. */
inline void* slotOf(int slot, size_t bytes) {
  Context& c = context();
  if (bytes > c.capacities[slot]) {
    if (c.buffers[slot]) cudaFree(c.buffers[slot]);
    c.buffers[slot] = nullptr;
    c.capacities[slot] = 0;
    if (!check(cudaMalloc(&c.buffers[slot], bytes), "allocation")) return nullptr;
    c.capacities[slot] = bytes;
  }
  return c.buffers[slot];
}

/** Copies `count` values to the device (outputs too: several kernels accumulate into them); null stays null. */
template <typename T>
inline T* put(int slot, const T* host, size_t count) {
  if (!host || !context().error.empty()) return nullptr;
  T* device = static_cast<T*>(slotOf(slot, (count == 0 ? 1 : count) * sizeof(T)));
  if (device && count > 0) check(cudaMemcpyAsync(device, host, count * sizeof(T), cudaMemcpyHostToDevice, context().stream), "upload");
  return device;
}

template <typename T>
inline void get(T* host, const T* device, size_t count) {
  if (!host || !device || count == 0 || !context().error.empty()) return;
  check(cudaMemcpyAsync(host, device, count * sizeof(T), cudaMemcpyDeviceToHost, context().stream), "download");
}

inline bool failed() { return !context().error.empty(); }

/** Waits for the stream so results are in host memory when the binding returns, and surfaces launch errors. */
inline void complete() {
  if (failed()) return;
  check(cudaGetLastError(), "kernel launch");
  check(cudaStreamSynchronize(context().stream), "execution");
}

inline cudaStream_t stream() { return context().stream; }

/** The first error since the last call, cleared by reading; null when there was none. */
inline const char* takeError() {
  static std::string last;
  Context& c = context();
  if (c.error.empty()) return nullptr;
  last.swap(c.error);
  c.error.clear();
  return last.c_str();
}

}  // namespace swirl::device::staging
