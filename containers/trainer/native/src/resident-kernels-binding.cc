// N-API bindings of the resident CUDA table's elementwise kernels and AdamW: device buffers as (block, offset, length)
// triples, lengths checked as the host bindings check them, the staged table's CUDA kernels run on resident pointers.
#include <napi.h>
#include "resident-call.h"
#ifdef SWIRL_WITH_CUDA
#include "../cuda/cuda-kernels.h"

namespace swirl::binding {

namespace {

using Span = DeviceSpan<float>;

// (a, b, out) with b's length dividing a's.
template <void (*Kernel)(cudaStream_t, const float*, size_t, const float*, size_t, float*)>
Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  ResidentCall call(info, nullptr);
  const Span a = call.buffer<float>(0), b = call.buffer<float>(3), out = call.buffer<float>(6);
  if (!call.ok()) return info.Env().Undefined();
  if (b.length == 0 || a.length % b.length != 0 || out.length < a.length) return call.finish("second operand length must divide the first, output at least as long");
  Kernel(resident::stream(), a.data, a.length, b.data, b.length, out.data);
  return call.launched();
}

// (x, out) of equal length.
template <void (*Kernel)(cudaStream_t, const float*, size_t, float*)>
Napi::Value Unary(const Napi::CallbackInfo& info) {
  ResidentCall call(info, nullptr);
  const Span x = call.buffer<float>(0), out = call.buffer<float>(3);
  if (!call.ok()) return info.Env().Undefined();
  if (out.length < x.length) return call.finish("output shorter than input");
  Kernel(resident::stream(), x.data, x.length, out.data);
  return call.launched();
}

Napi::Value Axpy(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "axpy");
  const float alpha = (float)call.number(0);
  const Span x = call.buffer<float>(1), y = call.buffer<float>(4);
  if (!call.ok()) return info.Env().Undefined();
  if (y.length < x.length) return call.finish("y shorter than x");
  cuda::axpy(resident::stream(), alpha, x.data, x.length, y.data);
  return call.launched();
}

Napi::Value SumRowsInto(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "sumRowsInto");
  const float alpha = (float)call.number(0);
  const Span x = call.buffer<float>(1), out = call.buffer<float>(4);
  if (!call.ok()) return info.Env().Undefined();
  if (out.length == 0 || x.length % out.length != 0) return call.finish("output length must divide input length");
  cuda::sumRowsInto(resident::stream(), alpha, x.data, x.length, out.data, out.length);
  return call.launched();
}

Napi::Value MulAccumulate(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "mulAccumulate");
  const Span x = call.buffer<float>(0), y = call.buffer<float>(3), out = call.buffer<float>(6);
  if (!call.ok()) return info.Env().Undefined();
  if (y.length == 0 || x.length % y.length != 0 || out.length < x.length) return call.finish("y's length must divide x's, output at least as long as x");
  cuda::mulAccumulate(resident::stream(), x.data, x.length, y.data, y.length, out.data);
  return call.launched();
}

Napi::Value MulSumRowsInto(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "mulSumRowsInto");
  const Span x = call.buffer<float>(0), y = call.buffer<float>(3), out = call.buffer<float>(6);
  if (!call.ok()) return info.Env().Undefined();
  if (out.length == 0 || x.length % out.length != 0 || y.length < x.length) return call.finish("output length must divide x's, y at least as long as x");
  cuda::mulSumRowsInto(resident::stream(), x.data, y.data, x.length, out.data, out.length);
  return call.launched();
}

Napi::Value ScaleInPlace(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "scaleInPlace");
  const Span x = call.buffer<float>(0);
  const float alpha = (float)call.number(3);
  if (!call.ok()) return info.Env().Undefined();
  cuda::scaleInPlace(resident::stream(), x.data, x.length, alpha);
  return call.launched();
}

Napi::Value SiluBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "siluBackward");
  const Span x = call.buffer<float>(0), gradOut = call.buffer<float>(3), gradX = call.buffer<float>(6);
  if (!call.ok()) return info.Env().Undefined();
  if (gradOut.length < x.length || gradX.length < x.length) return call.finish("gradients shorter than x");
  cuda::siluBackward(resident::stream(), x.data, gradOut.data, x.length, gradX.data);
  return call.launched();
}

Napi::Value SwigluForward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "swigluForward");
  const Span gate = call.buffer<float>(0), up = call.buffer<float>(3), out = call.buffer<float>(6);
  if (!call.ok()) return info.Env().Undefined();
  if (up.length < gate.length || out.length < gate.length) return call.finish("up or output shorter than gate");
  cuda::swigluForward(resident::stream(), gate.data, up.data, gate.length, out.data);
  return call.launched();
}

Napi::Value SwigluBackward(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "swigluBackward");
  const Span gate = call.buffer<float>(0), up = call.buffer<float>(3), gradOut = call.buffer<float>(6);
  const Span gradGate = call.buffer<float>(9, true), gradUp = call.buffer<float>(12, true);
  if (!call.ok()) return info.Env().Undefined();
  const size_t n = gate.length;
  if (up.length < n || gradOut.length < n || (gradGate.data && gradGate.length < n) || (gradUp.data && gradUp.length < n))
    return call.finish("buffers shorter than gate");
  cuda::swigluBackward(resident::stream(), gate.data, up.data, gradOut.data, n, gradGate.data, gradUp.data);
  return call.launched();
}

// adamw(param3, grad3, m3, v3, lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2)
Napi::Value Adamw(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "adamw");
  const Span param = call.buffer<float>(0), grad = call.buffer<float>(3), m = call.buffer<float>(6), v = call.buffer<float>(9);
  float settings[7];
  for (int i = 0; i < 7; ++i) settings[i] = (float)call.number(12 + i);
  if (!call.ok()) return info.Env().Undefined();
  const size_t n = param.length;
  if (grad.length < n || m.length < n || v.length < n) return call.finish("gradient or state shorter than the parameter");
  cuda::adamw(resident::stream(), param.data, grad.data, m.data, v.data, n, settings[0], settings[1], settings[2], settings[3], settings[4], settings[5],
              settings[6]);
  return call.launched();
}

}  // namespace

void registerResidentKernels(Napi::Env env, Napi::Object target) {
  const auto add = [&](const char* name, Napi::Function::Callback callback) { target.Set(name, Napi::Function::New(env, callback, name, const_cast<char*>(name))); };
  add("addBroadcast", Broadcast<cuda::addBroadcast>);
  add("mulBroadcast", Broadcast<cuda::mulBroadcast>);
  add("axpy", Axpy);
  add("sumRowsInto", SumRowsInto);
  add("mulAccumulate", MulAccumulate);
  add("mulSumRowsInto", MulSumRowsInto);
  add("exp", Unary<cuda::expForward>);
  add("scaleInPlace", ScaleInPlace);
  add("siluForward", Unary<cuda::siluForward>);
  add("siluBackward", SiluBackward);
  add("swigluForward", SwigluForward);
  add("swigluBackward", SwigluBackward);
  add("adamw", Adamw);
}

}  // namespace swirl::binding
#endif
