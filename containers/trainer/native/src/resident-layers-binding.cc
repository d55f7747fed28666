// N-API bindings of the resident CUDA table's layer kernels: embeddings (fp32 and bf16 tables), RMSNorm, RoPE,
// attention (plain and windowed) and log-softmax gathered at targets. Integer inputs (ids, positions, targets, key masks) arrive as host
// arrays, are checked here, and are staged to the device with the call.
#include <napi.h>
#include "resident-call.h"
#ifdef SWIRL_WITH_CUDA
#include "../cuda/cuda-kernels.h"
#include "../cuda/family-kernels.h"

namespace swirl::binding {

namespace {

using Span = DeviceSpan<float>;

constexpr int kIndexSlot = 0, kMaskSlot = 1;

/** The ids as a device array, after checking each names a row of a table of `rows`. */
const int32_t* stagedIds(ResidentCall& call, size_t index, size_t rows, size_t& count) {
  const int32_t* ids = call.host<int32_t>(index, napi_int32_array, "an Int32Array of token ids", count);
  if (!call.ok()) return nullptr;
  for (size_t t = 0; t < count; ++t)
    if (ids[t] < 0 || (size_t)ids[t] >= rows) return call.fail("token id " + std::to_string(ids[t]) + " is outside a table of " + std::to_string(rows) + " rows"), nullptr;
  return call.staged(kIndexSlot, ids, count);
}

template <typename Weight>
Napi::Value EmbeddingLookup(const Napi::CallbackInfo& info, void (*lookup)(const Weight*, const int32_t*, size_t, size_t, float*)) {
  ResidentCall call(info, nullptr);
  const DeviceSpan<Weight> weight = call.buffer<Weight>(0);
  const size_t dim = call.count(4);
  const Span out = call.buffer<float>(5);
  if (!call.ok()) return info.Env().Undefined();
  if (dim == 0) return call.finish("dim must be positive");
  size_t count = 0;
  const int32_t* ids = stagedIds(call, 3, weight.length / dim, count);
  if (!call.ok()) return info.Env().Undefined();
  if (out.length < count * dim) return call.finish("output holds fewer than ids × dim values");
  lookup(weight.data, ids, count, dim, out.data);
  return call.launched();
}

void lookupFloat(const float* weight, const int32_t* ids, size_t count, size_t dim, float* out) { cuda::embeddingForward(resident::stream(), weight, ids, count, dim, out); }

Napi::Value EmbeddingForward(const Napi::CallbackInfo& info) { return EmbeddingLookup<float>(info, lookupFloat); }
Napi::Value EmbeddingBfloat16(const Napi::CallbackInfo& info) { return EmbeddingLookup<uint16_t>(info, resident::embeddingBfloat16); }

// embeddingBackward(ids, gradOut3, dim, gradWeight3)
Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "embeddingBackward");
  const Span gradOut = call.buffer<float>(1), gradWeight = call.buffer<float>(5);
  const size_t dim = call.count(4);
  if (!call.ok()) return info.Env().Undefined();
  if (dim == 0) return call.finish("dim must be positive");
  size_t count = 0;
  const int32_t* ids = stagedIds(call, 0, gradWeight.length / dim, count);
  if (!call.ok()) return info.Env().Undefined();
  if (gradOut.length < count * dim) return call.finish("gradient holds fewer than ids × dim values");
  cuda::embeddingBackward(resident::stream(), ids, count, gradOut.data, dim, gradWeight.data);
  return call.launched();
}

// rmsNormForward(x3, weight3, dim, eps, out3, inverseRms3)
Napi::Value RmsNormForward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "rmsNormForward");
  const Span x = call.buffer<float>(0), weight = call.buffer<float>(3), out = call.buffer<float>(8), inverseRms = call.buffer<float>(11);
  const size_t dim = call.count(6);
  const float eps = (float)call.number(7);
  if (!call.ok()) return info.Env().Undefined();
  const size_t rows = dim ? x.length / dim : 0;
  if (dim == 0 || weight.length < dim || out.length < x.length || inverseRms.length < rows) return call.finish("bad lengths for the rows of dim values");
  if (rows > 0) cuda::rmsNormForward(resident::stream(), x.data, weight.data, rows, dim, eps, out.data, inverseRms.data);
  return call.launched();
}

// rmsNormBackward(x3, weight3, inverseRms3, gradOut3, dim, gradX3, gradWeight3 | 0)
Napi::Value RmsNormBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "rmsNormBackward");
  const Span x = call.buffer<float>(0), weight = call.buffer<float>(3), inverseRms = call.buffer<float>(6), gradOut = call.buffer<float>(9);
  const size_t dim = call.count(12);
  const Span gradX = call.buffer<float>(13), gradWeight = call.buffer<float>(16, true);
  if (!call.ok()) return info.Env().Undefined();
  const size_t rows = dim ? x.length / dim : 0;
  if (dim == 0 || weight.length < dim || inverseRms.length < rows || gradOut.length < x.length || gradX.length < x.length ||
      (gradWeight.data && gradWeight.length < dim))
    return call.finish("bad lengths for the rows of dim values");
  if (rows > 0) cuda::rmsNormBackward(resident::stream(), x.data, weight.data, inverseRms.data, gradOut.data, rows, dim, gradX.data, gradWeight.data);
  return call.launched();
}

// rope(x3, out3, batch, sequenceLength, heads, headDim, theta, positions, direction, accumulate)
Napi::Value Rope(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "rope");
  const Span x = call.buffer<float>(0), out = call.buffer<float>(3);
  const size_t batch = call.count(6), sequenceLength = call.count(7), heads = call.count(8), headDim = call.count(9);
  const double theta = call.number(10), direction = call.number(12);
  size_t positionCount = 0;
  const int32_t* positions = call.host<int32_t>(11, napi_int32_array, "an Int32Array of positions", positionCount);
  if (!call.ok()) return info.Env().Undefined();
  if (batch * sequenceLength * heads * headDim != x.length || out.length < x.length || (positionCount != sequenceLength && positionCount != batch * sequenceLength))
    return call.finish("x must hold batch × sequenceLength × heads × headDim values and positions one per step or per row");
  const int32_t* devicePositions = call.staged(kIndexSlot, positions, positionCount);
  if (!call.ok()) return info.Env().Undefined();
  if (x.length > 0)
    cuda::rope(resident::stream(), x.data, out.data, batch, sequenceLength, heads, headDim, theta, devicePositions, positionCount, direction < 0 ? -1 : 1, call.boolean(13));
  return call.launched();
}

/** The shape at arguments first..first+8 with its key mask staged to the device. */
bool readShape(ResidentCall& call, size_t first, cuda::AttentionShape& s) {
  s = {(int64_t)call.count(first), (int64_t)call.count(first + 1), (int64_t)call.count(first + 2), (int64_t)call.count(first + 3),
       (int64_t)call.count(first + 4), (int64_t)call.count(first + 5), (int64_t)call.count(first + 6), (float)call.number(first + 7), nullptr};
  size_t maskLength = 0;
  const uint8_t* mask = call.host<uint8_t>(first + 8, napi_uint8_array, "a Uint8Array key mask or null", maskLength, true);
  if (!call.ok()) return false;
  if (s.kvHeads <= 0 || s.heads % s.kvHeads != 0) return call.fail("heads must be a multiple of kvHeads");
  if (mask && maskLength < (size_t)(s.batch * s.keyLength)) return call.fail("key mask holds fewer than batch × keyLength values");
  s.keyMask = mask ? call.staged(kMaskSlot, mask, (size_t)(s.batch * s.keyLength)) : nullptr;
  return call.ok();
}

bool shapeFits(ResidentCall& call, const cuda::AttentionShape& s, const Span& q, const Span& k, const Span& v, const Span& probabilities) {
  const size_t queryValues = (size_t)(s.batch * s.queryLength * s.heads * s.headDim), keyValues = (size_t)(s.batch * s.keyLength * s.kvHeads * s.headDim);
  if (q.length < queryValues || k.length < keyValues || v.length < keyValues || probabilities.length < (size_t)(s.batch * s.heads * s.queryLength * s.keyLength))
    return call.fail("buffers smaller than the shape");
  return true;
}

bool empty(const cuda::AttentionShape& s) { return s.batch == 0 || s.queryLength == 0 || s.heads == 0; }

// attentionForward(q3, k3, v3, out3, probabilities3, batch, queryLength, keyLength, heads, kvHeads, headDim, queryOffset, scale, keyMask)
Napi::Value AttentionForward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "attentionForward");
  const Span q = call.buffer<float>(0), k = call.buffer<float>(3), v = call.buffer<float>(6), out = call.buffer<float>(9), probabilities = call.buffer<float>(12);
  cuda::AttentionShape s;
  if (!call.ok() || !readShape(call, 15, s) || !shapeFits(call, s, q, k, v, probabilities)) return info.Env().Undefined();
  if (out.length < q.length) return call.finish("output shorter than q");
  if (!empty(s)) cuda::attentionForward(resident::stream(), q.data, k.data, v.data, s, out.data, probabilities.data);
  return call.launched();
}

// attentionBackward(q3, k3, v3, probabilities3, gradOut3, gradQ3 | 0, gradK3 | 0, gradV3 | 0, shape…)
Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "attentionBackward");
  const Span q = call.buffer<float>(0), k = call.buffer<float>(3), v = call.buffer<float>(6), probabilities = call.buffer<float>(9), gradOut = call.buffer<float>(12);
  const Span gradQ = call.buffer<float>(15, true), gradK = call.buffer<float>(18, true), gradV = call.buffer<float>(21, true);
  cuda::AttentionShape s;
  if (!call.ok() || !readShape(call, 24, s) || !shapeFits(call, s, q, k, v, probabilities)) return info.Env().Undefined();
  if (gradOut.length < q.length || (gradQ.data && gradQ.length < q.length) || (gradK.data && gradK.length < k.length) || (gradV.data && gradV.length < v.length))
    return call.finish("gradient buffers too short");
  if (!empty(s)) cuda::attentionBackward(resident::stream(), q.data, k.data, v.data, probabilities.data, gradOut.data, s, gradQ.data, gradK.data, gradV.data);
  return call.launched();
}

/** The window (a whole number of keys ≥ 1) and soft cap (> 0) after the shape; null for either is none (0 on the device). */
bool readWindow(ResidentCall& call, size_t index, const cuda::AttentionShape& base, cuda::WindowedAttentionShape& w) {
  w = {base, 0, 0.0f};
  if (base.queryOffset + base.queryLength > base.keyLength) return call.fail("queryOffset + queryLength exceeds keyLength");
  if (!call.info()[index].IsNull()) {
    w.window = (int64_t)call.count(index);
    if (call.ok() && w.window < 1) return call.fail("argument " + std::to_string(index) + ": expected a window of at least one key or null, received 0");
  }
  if (!call.info()[index + 1].IsNull()) {
    const double cap = call.number(index + 1);
    if (call.ok() && !(cap > 0)) return call.fail("argument " + std::to_string(index + 1) + ": expected a positive soft cap or null, received " + std::to_string(cap));
    w.softCap = (float)cap;
  }
  return call.ok();
}

/** The cap's slopes are given exactly when there is a cap, as long as the probabilities. */
bool capSlopesFit(ResidentCall& call, const cuda::WindowedAttentionShape& w, const Span& capSlopes, const Span& probabilities) {
  if ((w.softCap > 0) != (capSlopes.data != nullptr)) return call.fail("capSlopes must be given with a soft cap and only then");
  if (capSlopes.data && capSlopes.length < probabilities.length) return call.fail("capSlopes shorter than the probabilities");
  return true;
}

// windowedAttentionForward(q3, k3, v3, out3, probabilities3, capSlopes3 | 0, shape…, window | null, softCap | null)
Napi::Value WindowedAttentionForward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "windowedAttentionForward");
  const Span q = call.buffer<float>(0), k = call.buffer<float>(3), v = call.buffer<float>(6), out = call.buffer<float>(9), probabilities = call.buffer<float>(12);
  const Span capSlopes = call.buffer<float>(15, true);
  cuda::AttentionShape s;
  cuda::WindowedAttentionShape w;
  if (!call.ok() || !readShape(call, 18, s) || !readWindow(call, 27, s, w) || !shapeFits(call, s, q, k, v, probabilities) || !capSlopesFit(call, w, capSlopes, probabilities))
    return info.Env().Undefined();
  if (out.length < q.length) return call.finish("output shorter than q");
  if (!empty(s)) cuda::windowedAttentionForward(resident::stream(), q.data, k.data, v.data, w, out.data, probabilities.data, capSlopes.data);
  return call.launched();
}

// windowedAttentionBackward(q3, k3, v3, probabilities3, capSlopes3 | 0, gradOut3, gradQ3 | 0, gradK3 | 0, gradV3 | 0, shape…, window | null, softCap | null)
Napi::Value WindowedAttentionBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "windowedAttentionBackward");
  const Span q = call.buffer<float>(0), k = call.buffer<float>(3), v = call.buffer<float>(6), probabilities = call.buffer<float>(9);
  const Span capSlopes = call.buffer<float>(12, true), gradOut = call.buffer<float>(15);
  const Span gradQ = call.buffer<float>(18, true), gradK = call.buffer<float>(21, true), gradV = call.buffer<float>(24, true);
  cuda::AttentionShape s;
  cuda::WindowedAttentionShape w;
  if (!call.ok() || !readShape(call, 27, s) || !readWindow(call, 36, s, w) || !shapeFits(call, s, q, k, v, probabilities) || !capSlopesFit(call, w, capSlopes, probabilities))
    return info.Env().Undefined();
  if (gradOut.length < q.length || (gradQ.data && gradQ.length < q.length) || (gradK.data && gradK.length < k.length) || (gradV.data && gradV.length < v.length))
    return call.finish("gradient buffers too short");
  if (empty(s)) return call.launched();
  const cudaError_t status =
      cuda::windowedAttentionBackward(resident::stream(), q.data, k.data, v.data, probabilities.data, capSlopes.data, gradOut.data, w, gradQ.data, gradK.data, gradV.data);
  return status == cudaSuccess ? call.launched() : call.finish(std::string("scratch for the score gradients: ") + cudaGetErrorString(status));
}

/** Targets as a device array, after checking each is below the vocabulary (negative targets are ignored rows). */
const int32_t* stagedTargets(ResidentCall& call, size_t index, size_t vocab, size_t& rows) {
  const int32_t* targets = call.host<int32_t>(index, napi_int32_array, "an Int32Array of targets", rows);
  if (!call.ok()) return nullptr;
  for (size_t r = 0; r < rows; ++r)
    if (targets[r] >= (int32_t)vocab) return call.fail("target " + std::to_string(targets[r]) + " is outside a vocabulary of " + std::to_string(vocab)), nullptr;
  return call.staged(kIndexSlot, targets, rows);
}

// logSoftmaxGatherForward(logits3, targets, vocab, logProbs3, logSumExp3)
Napi::Value LogSoftmaxGatherForward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "logSoftmaxGatherForward");
  const Span logits = call.buffer<float>(0), logProbs = call.buffer<float>(5), logSumExp = call.buffer<float>(8);
  const size_t vocab = call.count(4);
  size_t rows = 0;
  const int32_t* targets = call.ok() ? stagedTargets(call, 3, vocab, rows) : nullptr;
  if (!call.ok()) return info.Env().Undefined();
  if (vocab == 0 || logits.length < rows * vocab || logProbs.length < rows || logSumExp.length < rows) return call.finish("bad lengths for rows of vocab logits");
  if (rows > 0) cuda::logSoftmaxGatherForward(resident::stream(), logits.data, targets, rows, vocab, logProbs.data, logSumExp.data);
  return call.launched();
}

// logSoftmaxGatherBackward(logits3, targets, logSumExp3, gradLogProbs3, vocab, gradLogits3)
Napi::Value LogSoftmaxGatherBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "logSoftmaxGatherBackward");
  const Span logits = call.buffer<float>(0), logSumExp = call.buffer<float>(4), gradLogProbs = call.buffer<float>(7), gradLogits = call.buffer<float>(11);
  const size_t vocab = call.count(10);
  size_t rows = 0;
  const int32_t* targets = call.ok() ? stagedTargets(call, 3, vocab, rows) : nullptr;
  if (!call.ok()) return info.Env().Undefined();
  if (vocab == 0 || logits.length < rows * vocab || gradLogits.length < rows * vocab || logSumExp.length < rows || gradLogProbs.length < rows)
    return call.finish("bad lengths for rows of vocab logits");
  if (rows > 0) cuda::logSoftmaxGatherBackward(resident::stream(), logits.data, targets, logSumExp.data, gradLogProbs.data, rows, vocab, gradLogits.data);
  return call.launched();
}

}  // namespace

void registerResidentLayers(Napi::Env env, Napi::Object target) {
  const auto add = [&](const char* name, Napi::Function::Callback callback) { target.Set(name, Napi::Function::New(env, callback, name, const_cast<char*>(name))); };
  add("embeddingForward", EmbeddingForward);
  add("embeddingBfloat16", EmbeddingBfloat16);
  add("embeddingBackward", EmbeddingBackward);
  add("rmsNormForward", RmsNormForward);
  add("rmsNormBackward", RmsNormBackward);
  add("rope", Rope);
  add("attentionForward", AttentionForward);
  add("attentionBackward", AttentionBackward);
  add("windowedAttentionForward", WindowedAttentionForward);
  add("windowedAttentionBackward", WindowedAttentionBackward);
  add("logSoftmaxGatherForward", LogSoftmaxGatherForward);
  add("logSoftmaxGatherBackward", LogSoftmaxGatherBackward);
}

}  // namespace swirl::binding
#endif
