// Token choice on the device, one block per logits row, matching the host's chooseToken: greedy argmax (first
// maximum), or softmax at a temperature with the row's draw, over the whole vocabulary or over the top-p nucleus.
// The nucleus is never sorted: probabilities rise with the logit, so binary searches over the logits' order keys
// find the smallest kept logit, and then the chosen one, with block-wide sums in double precision.
#include <climits>
#include "launch.cuh"
#include "resident-table.h"

namespace swirl::resident {

namespace {

constexpr int kSampleThreads = 512;

/** Sum over the block in type T; every thread receives it. */
template <typename T>
__device__ T blockTotal(T value) {
  __shared__ T partial[32];
  __shared__ T result;
  for (int offset = 16; offset > 0; offset >>= 1) value += __shfl_down_sync(0xffffffffu, value, offset);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) partial[warp] = value;
  __syncthreads();
  if (warp == 0) {
    value = lane < (int)((blockDim.x + 31) >> 5) ? partial[lane] : T(0);
    for (int offset = 16; offset > 0; offset >>= 1) value += __shfl_down_sync(0xffffffffu, value, offset);
    if (lane == 0) result = value;
  }
  __syncthreads();
  return result;
}

/** The first index holding the row's maximum, as a left-to-right scan with `>` finds it. */
__device__ int blockArgmax(const float* row, size_t vocab) {
  float best = -INFINITY;
  int index = INT_MAX;
  for (size_t j = threadIdx.x; j < vocab; j += blockDim.x)
    if (row[j] > best || index == INT_MAX) best = row[j], index = (int)j;
  __shared__ float values[32];
  __shared__ int indices[32];
  __shared__ int result;
  const auto combine = [&](float otherValue, int otherIndex) {
    if (otherIndex == INT_MAX) return;
    if (index == INT_MAX || otherValue > best || (otherValue == best && otherIndex < index)) best = otherValue, index = otherIndex;
  };
  for (int offset = 16; offset > 0; offset >>= 1) combine(__shfl_down_sync(0xffffffffu, best, offset), __shfl_down_sync(0xffffffffu, index, offset));
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) values[warp] = best, indices[warp] = index;
  __syncthreads();
  if (warp == 0) {
    best = -INFINITY;
    index = INT_MAX;
    if (lane < (int)((blockDim.x + 31) >> 5)) best = values[lane], index = indices[lane];
    for (int offset = 16; offset > 0; offset >>= 1) combine(__shfl_down_sync(0xffffffffu, best, offset), __shfl_down_sync(0xffffffffu, index, offset));
    if (lane == 0) result = index == INT_MAX ? 0 : index;
  }
  __syncthreads();
  return result;
}

/** An unsigned key with the order of the float values. */
__device__ inline uint32_t orderKey(float value) {
  const uint32_t bits = __float_as_uint(value);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}

__device__ inline float valueOfKey(uint32_t key) { return __uint_as_float((key & 0x80000000u) ? (key & 0x7fffffffu) : ~key); }

struct Row {
  const float* logits;
  size_t vocab;
  double maximum, temperature;

  __device__ double probability(float logit) const { return exp(((double)logit - maximum) / temperature); }

  /** Σ weight(j, key_j, p_j) over the row, on every thread. */
  template <typename Weight>
  __device__ double total(Weight weight) const {
    double local = 0;
    for (size_t j = threadIdx.x; j < vocab; j += blockDim.x) local += weight(j, orderKey(logits[j]), logits[j]);
    return blockTotal(local);
  }

  /** Mass of the logits whose key is at least `key`. */
  __device__ double massFrom(uint64_t key) const {
    return total([&](size_t, uint32_t k, float logit) { return k >= key ? probability(logit) : 0.0; });
  }

  __device__ double count(uint32_t key) const {
    return total([&](size_t, uint32_t k, float) { return k == key ? 1.0 : 0.0; });
  }

  /** The index of the n-th (from 1) logit with this key, in index order. */
  __device__ int occurrence(uint32_t key, double n) const {
    size_t low = 0, high = vocab - 1;
    while (low < high) {
      const size_t middle = low + (high - low) / 2;
      const double seen = total([&](size_t j, uint32_t k, float) { return j <= middle && k == key ? 1.0 : 0.0; });
      if (seen >= n) high = middle;
      else low = middle + 1;
    }
    return (int)low;
  }
};

/** The largest key in [low, high] for which `holds` is true, given that it holds at low and is monotone. */
template <typename Predicate>
__device__ uint64_t largestKeyWhere(uint64_t low, uint64_t high, Predicate holds) {
  while (low < high) {
    const uint64_t middle = low + (high - low + 1) / 2;
    if (holds(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Whole-vocabulary sampling: the first index whose running mass exceeds draw · total. */
__device__ int sampleAll(const Row& row, double target) {
  size_t low = 0, high = row.vocab - 1;
  if (row.total([&](size_t, uint32_t, float logit) { return row.probability(logit); }) <= target) return (int)high;
  while (low < high) {
    const size_t middle = low + (high - low) / 2;
    const double prefix = row.total([&](size_t j, uint32_t, float logit) { return j <= middle ? row.probability(logit) : 0.0; });
    if (prefix > target) high = middle;
    else low = middle + 1;
  }
  return (int)low;
}

/** Nucleus sampling: keep the most probable tokens (ties by index) until their mass reaches topP · total. */
__device__ int sampleNucleus(const Row& row, double total, double topP, double draw) {
  const double goal = topP * total;
  // The smallest kept logit: the largest key whose logits and all above it reach the goal.
  const uint64_t topKey = orderKey((float)row.maximum);
  const uint32_t lastKey = (uint32_t)largestKeyWhere(0, topKey, [&](uint64_t key) { return row.massFrom(key) >= goal; });
  const double lastProbability = row.probability(valueOfKey(lastKey));
  const double above = row.massFrom((uint64_t)lastKey + 1);
  const double ties = fmax(row.count(lastKey), 1.0);
  // Of the logits equal to the smallest kept one, only as many as the goal needs are kept, the lowest indices first.
  const double keptTies = fmin(fmax(ceil((goal - above) / lastProbability), 1.0), ties);
  const double keptMass = above + keptTies * lastProbability;
  const double target = draw * keptMass;
  const auto keptFrom = [&](uint64_t key) { return row.massFrom(key > lastKey ? key : (uint64_t)lastKey + 1) + (key <= lastKey ? keptTies * lastProbability : 0.0); };
  if (keptMass <= target) return row.occurrence(lastKey, keptTies);
  // The chosen logit: the largest key whose kept mass from it upwards still exceeds the target.
  const uint32_t chosenKey = (uint32_t)largestKeyWhere(lastKey, topKey, [&](uint64_t key) { return keptFrom(key) > target; });
  const double before = keptFrom((uint64_t)chosenKey + 1);
  const double chosenProbability = row.probability(valueOfKey(chosenKey));
  const double group = chosenKey == lastKey ? keptTies : fmax(row.count(chosenKey), 1.0);
  const double rank = fmin(fmax(floor((target - before) / chosenProbability) + 1.0, 1.0), group);
  return row.occurrence(chosenKey, rank);
}

__global__ void sampleTokensKernel(const float* logits, size_t rows, size_t vocab, const double* settings, int32_t* ids) {
  const float* values = logits + blockIdx.x * vocab;
  const double temperature = settings[blockIdx.x], topP = settings[rows + blockIdx.x], draw = settings[2 * rows + blockIdx.x];
  int chosen;
  if (temperature <= 0) {
    chosen = blockArgmax(values, vocab);
  } else {
    float localMax = -INFINITY;
    for (size_t j = threadIdx.x; j < vocab; j += blockDim.x) localMax = fmaxf(localMax, values[j]);
    const Row row{values, vocab, (double)cuda::blockMax(localMax), temperature};
    const double total = row.total([&](size_t, uint32_t, float logit) { return row.probability(logit); });
    chosen = topP >= 1 ? sampleAll(row, draw * total) : sampleNucleus(row, total, topP, draw);
  }
  if (threadIdx.x == 0) ids[blockIdx.x] = chosen;
}

}  // namespace

std::string sampleTokens(const float* logits, size_t rows, size_t vocab, const double* settings, int32_t* ids) {
  static int32_t* deviceIds = nullptr;
  static size_t capacity = 0;
  if (rows == 0) return "";
  if (rows > capacity) {
    if (deviceIds) cudaFree(deviceIds);
    deviceIds = nullptr;
    capacity = 0;
    const cudaError_t status = cudaMalloc(reinterpret_cast<void**>(&deviceIds), rows * sizeof(int32_t));
    if (status != cudaSuccess) return cudaGetErrorString(status);
    capacity = rows;
  }
  sampleTokensKernel<<<(unsigned)rows, kSampleThreads, 0, stream()>>>(logits, rows, vocab, settings, deviceIds);
  const std::string error = launched();
  return error.empty() ? copyToHost(ids, deviceIds, rows * sizeof(int32_t)) : error;
}

}  // namespace swirl::resident
