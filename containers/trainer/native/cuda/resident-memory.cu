// Device memory of the resident table: blocks by id (the TypeScript caching allocator decides when to reserve and
// reuse them), copies between host and device, and error reporting, all on the staged table's one stream.
#include <unordered_map>
#include "device-staging.cuh"
#include "resident-table.h"

namespace swirl::resident {

namespace {

struct Block {
  char* base;
  size_t bytes;
};

struct Memory {
  std::unordered_map<uint32_t, Block> blocks;
  uint32_t nextId = 1;
  void* slots[kSlots] = {};
  size_t capacities[kSlots] = {};
  bool synchronous = false;
};

Memory& memory() {
  static Memory state;
  return state;
}

std::string describe(cudaError_t status) { return status == cudaSuccess ? std::string() : std::string(cudaGetErrorString(status)); }

}  // namespace

std::string unavailableReason() {
  device::staging::probe();
  return device::staging::context().unavailable;
}

std::string deviceName() {
  cudaDeviceProp properties;
  if (!unavailableReason().empty() || cudaGetDeviceProperties(&properties, 0) != cudaSuccess) return "";
  return properties.name;
}

cudaStream_t stream() { return device::staging::stream(); }

std::string reserve(size_t bytes, uint32_t& id) {
  id = 0;
  void* base = nullptr;
  const cudaError_t status = cudaMalloc(&base, bytes);
  if (status == cudaErrorMemoryAllocation) {
    // Out of memory is an answer, not a failure: the allocator empties its cache and asks again.
    cudaGetLastError();
    return "";
  }
  if (status != cudaSuccess) return describe(status);
  Memory& state = memory();
  id = state.nextId++;
  state.blocks[id] = {static_cast<char*>(base), bytes};
  return "";
}

std::string unreserve(uint32_t id) {
  Memory& state = memory();
  const auto found = state.blocks.find(id);
  if (found == state.blocks.end()) return "block " + std::to_string(id) + " is not reserved";
  // cudaFree waits for the device, so work still queued on the block finishes first.
  const cudaError_t status = cudaFree(found->second.base);
  state.blocks.erase(found);
  return describe(status);
}

bool extentOf(uint32_t id, char*& base, size_t& bytes) {
  const auto found = memory().blocks.find(id);
  if (found == memory().blocks.end()) return false;
  base = found->second.base;
  bytes = found->second.bytes;
  return true;
}

std::string memoryInfo(size_t& freeBytes, size_t& totalBytes) { return describe(cudaMemGetInfo(&freeBytes, &totalBytes)); }

std::string copyToDevice(void* device, const void* host, size_t bytes) {
  // From pageable memory the call returns once the values are staged, so the caller's array may change afterwards.
  return bytes == 0 ? "" : describe(cudaMemcpyAsync(device, host, bytes, cudaMemcpyHostToDevice, stream()));
}

std::string copyToHost(void* host, const void* device, size_t bytes) {
  if (bytes > 0) {
    const std::string error = describe(cudaMemcpyAsync(host, device, bytes, cudaMemcpyDeviceToHost, stream()));
    if (!error.empty()) return error;
  }
  return synchronize();
}

std::string zero(void* device, size_t bytes) { return describe(cudaMemsetAsync(device, 0, bytes, stream())); }

std::string stage(int slot, const void* host, size_t bytes, void*& device) {
  Memory& state = memory();
  device = nullptr;
  if (slot < 0 || slot >= kSlots) return "staging slot " + std::to_string(slot) + " does not exist";
  const size_t wanted = bytes == 0 ? 1 : bytes;
  if (wanted > state.capacities[slot]) {
    // cudaFree waits for the device, so no queued kernel still reads the old slot.
    if (state.slots[slot]) cudaFree(state.slots[slot]);
    state.slots[slot] = nullptr;
    state.capacities[slot] = 0;
    const cudaError_t status = cudaMalloc(&state.slots[slot], wanted);
    if (status != cudaSuccess) return describe(status);
    state.capacities[slot] = wanted;
  }
  device = state.slots[slot];
  return copyToDevice(device, host, bytes);
}

std::string synchronize() { return describe(cudaStreamSynchronize(stream())); }

std::string launched() {
  const std::string error = describe(cudaGetLastError());
  if (!error.empty() || !memory().synchronous) return error;
  return synchronize();
}

void setSynchronous(bool synchronous) { memory().synchronous = synchronous; }

}  // namespace swirl::resident
