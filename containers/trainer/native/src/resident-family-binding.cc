// N-API bindings of the resident CUDA table's family kernels beside attention: min/clamp, soft cap, GeGLU, rotation
// by angle tables, and the dropout mask drawn from a seed. Lengths are checked as the other resident bindings check
// them; positions are checked against the tables on the host before they are staged.
#include <napi.h>
#include "resident-call.h"
#ifdef SWIRL_WITH_CUDA
#include <algorithm>
#include <cmath>
#include "../cuda/family-kernels.h"

namespace swirl::binding {

namespace {

using Span = DeviceSpan<float>;

constexpr int kIndexSlot = 0;

/** Every buffer holds at least `n` values (optional ones only where given). */
bool covers(size_t n, std::initializer_list<Span> spans) {
  for (const Span& span : spans)
    if (span.data && span.length < n) return false;
  return true;
}

// minimumForward(a3, b3, out3)
Napi::Value MinimumForward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "minimumForward");
  const Span a = call.buffer<float>(0), b = call.buffer<float>(3), out = call.buffer<float>(6);
  if (!call.ok()) return info.Env().Undefined();
  if (!covers(a.length, {b, out})) return call.finish("b or output shorter than a");
  cuda::minimumForward(resident::stream(), a.data, b.data, a.length, out.data);
  return call.launched();
}

// minimumBackward(a3, b3, gradOut3, gradA3 | 0, gradB3 | 0)
Napi::Value MinimumBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "minimumBackward");
  const Span a = call.buffer<float>(0), b = call.buffer<float>(3), gradOut = call.buffer<float>(6), gradA = call.buffer<float>(9, true), gradB = call.buffer<float>(12, true);
  if (!call.ok()) return info.Env().Undefined();
  if (!covers(a.length, {b, gradOut, gradA, gradB})) return call.finish("buffers shorter than a");
  cuda::minimumBackward(resident::stream(), a.data, b.data, gradOut.data, a.length, gradA.data, gradB.data);
  return call.launched();
}

// clampForward(x3, low, high, out3)
Napi::Value ClampForward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "clampForward");
  const Span x = call.buffer<float>(0), out = call.buffer<float>(5);
  const float low = (float)call.number(3), high = (float)call.number(4);
  if (!call.ok()) return info.Env().Undefined();
  if (!covers(x.length, {out})) return call.finish("output shorter than x");
  cuda::clampForward(resident::stream(), x.data, x.length, low, high, out.data);
  return call.launched();
}

// clampBackward(x3, low, high, gradOut3, gradX3)
Napi::Value ClampBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "clampBackward");
  const Span x = call.buffer<float>(0), gradOut = call.buffer<float>(5), gradX = call.buffer<float>(8);
  const float low = (float)call.number(3), high = (float)call.number(4);
  if (!call.ok()) return info.Env().Undefined();
  if (!covers(x.length, {gradOut, gradX})) return call.finish("gradients shorter than x");
  cuda::clampBackward(resident::stream(), x.data, x.length, low, high, gradOut.data, gradX.data);
  return call.launched();
}

/** A soft cap: a positive number. */
float readCap(ResidentCall& call, size_t index) {
  const double cap = call.number(index);
  if (call.ok() && !(cap > 0)) call.fail("argument " + std::to_string(index) + ": expected a positive cap, received " + std::to_string(cap));
  return (float)cap;
}

// softCapForward(x3, cap, out3)
Napi::Value SoftCapForward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "softCapForward");
  const Span x = call.buffer<float>(0), out = call.buffer<float>(4);
  const float cap = readCap(call, 3);
  if (!call.ok()) return info.Env().Undefined();
  if (!covers(x.length, {out})) return call.finish("output shorter than x");
  cuda::softCapForward(resident::stream(), x.data, x.length, cap, out.data);
  return call.launched();
}

// softCapBackward(out3, cap, gradOut3, gradX3)
Napi::Value SoftCapBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "softCapBackward");
  const Span out = call.buffer<float>(0), gradOut = call.buffer<float>(4), gradX = call.buffer<float>(7);
  const float cap = readCap(call, 3);
  if (!call.ok()) return info.Env().Undefined();
  if (!covers(out.length, {gradOut, gradX})) return call.finish("gradients shorter than the output");
  cuda::softCapBackward(resident::stream(), out.data, out.length, cap, gradOut.data, gradX.data);
  return call.launched();
}

// gegluForward(gate3, up3, out3)
Napi::Value GegluForward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "gegluForward");
  const Span gate = call.buffer<float>(0), up = call.buffer<float>(3), out = call.buffer<float>(6);
  if (!call.ok()) return info.Env().Undefined();
  if (!covers(gate.length, {up, out})) return call.finish("up or output shorter than gate");
  cuda::gegluForward(resident::stream(), gate.data, up.data, gate.length, out.data);
  return call.launched();
}

// gegluBackward(gate3, up3, gradOut3, gradGate3 | 0, gradUp3 | 0)
Napi::Value GegluBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "gegluBackward");
  const Span gate = call.buffer<float>(0), up = call.buffer<float>(3), gradOut = call.buffer<float>(6), gradGate = call.buffer<float>(9, true), gradUp = call.buffer<float>(12, true);
  if (!call.ok()) return info.Env().Undefined();
  if (!covers(gate.length, {up, gradOut, gradGate, gradUp})) return call.finish("buffers shorter than gate");
  cuda::gegluBackward(resident::stream(), gate.data, up.data, gradOut.data, gate.length, gradGate.data, gradUp.data);
  return call.launched();
}

// rotateByTable(x3, out3, cos3, sin3, batch, sequenceLength, heads, headDim, positions, direction, accumulate)
Napi::Value RotateByTable(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "rotateByTable");
  const Span x = call.buffer<float>(0), out = call.buffer<float>(3), cos = call.buffer<float>(6), sin = call.buffer<float>(9);
  const size_t batch = call.count(12), sequenceLength = call.count(13), heads = call.count(14), headDim = call.count(15);
  const double direction = call.number(17);
  size_t positionCount = 0;
  const int32_t* positions = call.host<int32_t>(16, napi_int32_array, "an Int32Array of positions", positionCount);
  if (!call.ok()) return info.Env().Undefined();
  if (headDim % 2 != 0 || batch * sequenceLength * heads * headDim != x.length || out.length < x.length ||
      (positionCount != sequenceLength && positionCount != batch * sequenceLength))
    return call.finish("x must hold batch × sequenceLength × heads × headDim values (headDim even) and positions one per step or per row");
  const size_t half = headDim / 2, rows = std::min(cos.length, sin.length) / (half ? half : 1);
  for (size_t t = 0; t < positionCount; ++t)
    if (positions[t] < 0 || (size_t)positions[t] >= rows) return call.finish("position " + std::to_string(positions[t]) + " is outside angle tables of " + std::to_string(rows) + " positions");
  const int32_t* devicePositions = call.staged(kIndexSlot, positions, positionCount);
  if (!call.ok()) return info.Env().Undefined();
  cuda::rotateByTable(resident::stream(), x.data, out.data, cos.data, sin.data, (int64_t)batch, (int64_t)sequenceLength, (int64_t)heads, (int64_t)headDim,
                      devicePositions, positionCount, direction < 0 ? -1 : 1, call.boolean(18));
  return call.launched();
}

// dropoutMask(seed, probability, out3): the threshold and keep scale are computed in double, as the host computes them.
Napi::Value DropoutMask(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "dropoutMask");
  const size_t seed = call.count(0);
  const double probability = call.number(1);
  const Span out = call.buffer<float>(2);
  if (!call.ok()) return info.Env().Undefined();
  if (seed > 0xffffffffu) return call.finish("argument 0: expected a 32-bit seed, received " + std::to_string(seed));
  if (!(probability >= 0 && probability < 1)) return call.finish("argument 1: expected a probability in [0, 1), received " + std::to_string(probability));
  const uint32_t threshold = (uint32_t)std::floor(probability * 4294967296.0);
  cuda::dropoutMask(resident::stream(), (uint32_t)seed, threshold, (float)(1.0 / (1.0 - probability)), out.length, out.data);
  return call.launched();
}

}  // namespace

void registerResidentFamily(Napi::Env env, Napi::Object target) {
  const auto add = [&](const char* name, Napi::Function::Callback callback) { target.Set(name, Napi::Function::New(env, callback, name, const_cast<char*>(name))); };
  add("minimumForward", MinimumForward);
  add("minimumBackward", MinimumBackward);
  add("clampForward", ClampForward);
  add("clampBackward", ClampBackward);
  add("softCapForward", SoftCapForward);
  add("softCapBackward", SoftCapBackward);
  add("gegluForward", GegluForward);
  add("gegluBackward", GegluBackward);
  add("rotateByTable", RotateByTable);
  add("dropoutMask", DropoutMask);
}

}  // namespace swirl::binding
#endif
