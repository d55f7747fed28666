// N-API bindings of the attention kernels: shape arguments are read and every buffer is checked against them.
#include "arguments.h"

namespace swirl::binding {

namespace {

bool readAttentionShape(const Napi::CallbackInfo& info, size_t first, swirl::AttentionShape& s) {
  s.batch = integer(info, first);
  s.queryLength = integer(info, first + 1);
  s.keyLength = integer(info, first + 2);
  s.heads = integer(info, first + 3);
  s.kvHeads = integer(info, first + 4);
  s.headDim = integer(info, first + 5);
  s.queryOffset = integer(info, first + 6);
  s.scale = (float)number(info, first + 7);
  s.keyMask = nullptr;
  const Napi::Value mask = info[first + 8];
  if (!mask.IsNull() && !mask.IsUndefined()) {
    if (!mask.IsTypedArray() || mask.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) return fail(info.Env(), "attention: mask must be a Uint8Array");
    Napi::Uint8Array array = mask.As<Napi::Uint8Array>();
    if (array.ElementLength() < (size_t)(s.batch * s.keyLength)) return fail(info.Env(), "attention: mask too short");
    s.keyMask = array.Data();
  }
  if (s.kvHeads <= 0 || s.heads % s.kvHeads != 0) return fail(info.Env(), "attention: heads must be a multiple of kvHeads");
  return true;
}

bool attentionFits(const Napi::CallbackInfo& info, const swirl::AttentionShape& s, const FloatView& q, const FloatView& k, const FloatView& v,
                   const FloatView& probabilities) {
  const size_t queryElements = (size_t)(s.batch * s.queryLength * s.heads * s.headDim);
  const size_t keyElements = (size_t)(s.batch * s.keyLength * s.kvHeads * s.headDim);
  if (q.length < queryElements || k.length < keyElements || v.length < keyElements ||
      probabilities.length < (size_t)(s.batch * s.heads * s.queryLength * s.keyLength))
    return fail(info.Env(), "attention: buffers smaller than the shape");
  return true;
}

}  // namespace

Napi::Value AttentionForward(const Napi::CallbackInfo& info) {
  FloatView q, k, v, out, probabilities;
  swirl::AttentionShape s;
  if (!readFloats(info, 0, q) || !readFloats(info, 1, k) || !readFloats(info, 2, v) || !readFloats(info, 3, out) ||
      !readFloats(info, 4, probabilities) || !readAttentionShape(info, 5, s) || !attentionFits(info, s, q, k, v, probabilities))
    return info.Env().Undefined();
  if (out.length < q.length) return fail(info.Env(), "attention: output too short"), info.Env().Undefined();
  const swirl::KernelTable& kernels = kernelsOf(info);
  kernels.attentionForward(q.data, k.data, v.data, s, out.data, probabilities.data);
  return finish(info, kernels);
}

Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  FloatView q, k, v, probabilities, gradOut, gradQ, gradK, gradV;
  swirl::AttentionShape s;
  if (!readFloats(info, 0, q) || !readFloats(info, 1, k) || !readFloats(info, 2, v) || !readFloats(info, 3, probabilities) ||
      !readFloats(info, 4, gradOut) || !readFloats(info, 5, gradQ, true) || !readFloats(info, 6, gradK, true) ||
      !readFloats(info, 7, gradV, true) || !readAttentionShape(info, 8, s) || !attentionFits(info, s, q, k, v, probabilities))
    return info.Env().Undefined();
  if (gradOut.length < q.length || (gradQ.data && gradQ.length < q.length) || (gradK.data && gradK.length < k.length) ||
      (gradV.data && gradV.length < v.length))
    return fail(info.Env(), "attention: gradient buffers too short"), info.Env().Undefined();
  const swirl::KernelTable& kernels = kernelsOf(info);
  kernels.attentionBackward(q.data, k.data, v.data, probabilities.data, gradOut.data, s, gradQ.data, gradK.data, gradV.data);
  return finish(info, kernels);
}

}  // namespace swirl::binding
