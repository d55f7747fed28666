// The family-specific kernels on device pointers (min/clamp, soft cap, GeGLU, rotation by angle tables, windowed
// attention) and dropout's seeded mask, each on the given stream with the host kernels' semantics (tensor/family-kernels.ts).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cuda_runtime.h>
#include "cuda-kernels.h"

namespace swirl::cuda {

/** AttentionShape plus a sliding window (0: none) and a soft cap on the scores (0: none). */
struct WindowedAttentionShape {
  AttentionShape base;
  int64_t window;
  float softCap;
};

void minimumForward(cudaStream_t stream, const float* a, const float* b, size_t n, float* out);
void minimumBackward(cudaStream_t stream, const float* a, const float* b, const float* gradOut, size_t n, float* gradA, float* gradB);
void clampForward(cudaStream_t stream, const float* x, size_t n, float low, float high, float* out);
void clampBackward(cudaStream_t stream, const float* x, size_t n, float low, float high, const float* gradOut, float* gradX);
void softCapForward(cudaStream_t stream, const float* x, size_t n, float cap, float* out);
void softCapBackward(cudaStream_t stream, const float* out, size_t n, float cap, const float* gradOut, float* gradX);
void gegluForward(cudaStream_t stream, const float* gate, const float* up, size_t n, float* out);
void gegluBackward(cudaStream_t stream, const float* gate, const float* up, const float* gradOut, size_t n, float* gradGate, float* gradUp);
/** cos and sin are [positions, headDim/2]; positions (device) hold one per step or one per row. */
void rotateByTable(cudaStream_t stream, const float* x, float* out, const float* cos, const float* sin, int64_t batch, int64_t sequenceLength,
                   int64_t heads, int64_t headDim, const int32_t* positions, size_t positionCount, int direction, bool accumulate);
/** out[i] = hash(seed, i) < threshold ? 0 : keep (the hash of tensor/backends/reference/dropout-mask.ts). */
void dropoutMask(cudaStream_t stream, uint32_t seed, uint32_t threshold, float keep, size_t n, float* out);

/** out accumulates; probabilities (and capSlopes, with a cap) are written inside each row's window only. */
void windowedAttentionForward(cudaStream_t stream, const float* q, const float* k, const float* v, const WindowedAttentionShape& shape,
                              float* out, float* probabilities, float* capSlopes);
/** Fails only where its scratch for the score gradients (as large as the probabilities) cannot be allocated. */
cudaError_t windowedAttentionBackward(cudaStream_t stream, const float* q, const float* k, const float* v, const float* probabilities,
                                      const float* capSlopes, const float* gradOut, const WindowedAttentionShape& shape, float* gradQ,
                                      float* gradK, float* gradV);

}  // namespace swirl::cuda
