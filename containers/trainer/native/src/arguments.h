// Argument unwrapping for the N-API bindings: typed arrays and numbers, with a thrown TypeError instead of a crash on mismatch.
#pragma once
#include <napi.h>
#include <cstdint>
#include <string>
#include "kernel-table.h"

namespace swirl::binding {

struct FloatView {
  float* data = nullptr;
  size_t length = 0;
};

inline bool fail(const Napi::Env& env, const std::string& message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return false;
}

inline bool readFloats(const Napi::CallbackInfo& info, size_t index, FloatView& view, bool optional = false) {
  const Napi::Value value = info[index];
  if (optional && (value.IsNull() || value.IsUndefined())) return true;
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    return fail(info.Env(), "argument " + std::to_string(index) + ": expected a Float32Array");
  Napi::Float32Array array = value.As<Napi::Float32Array>();
  view.data = array.Data();
  view.length = array.ElementLength();
  return true;
}

inline bool readInts(const Napi::CallbackInfo& info, size_t index, const int32_t*& data, size_t& length) {
  const Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    return fail(info.Env(), "argument " + std::to_string(index) + ": expected an Int32Array");
  Napi::Int32Array array = value.As<Napi::Int32Array>();
  data = array.Data();
  length = array.ElementLength();
  return true;
}

/** The kernel table a binding was registered with (host or CUDA). */
inline const swirl::KernelTable& kernelsOf(const Napi::CallbackInfo& info) { return *static_cast<const swirl::KernelTable*>(info.Data()); }

/** Ends a binding after its kernel ran: a device error becomes a thrown Error, otherwise undefined. */
inline Napi::Value finish(const Napi::CallbackInfo& info, const swirl::KernelTable& kernels) {
  if (const char* error = kernels.takeError()) Napi::Error::New(info.Env(), error).ThrowAsJavaScriptException();
  return info.Env().Undefined();
}

inline int64_t integer(const Napi::CallbackInfo& info, size_t index) { return info[index].As<Napi::Number>().Int64Value(); }
inline double number(const Napi::CallbackInfo& info, size_t index) { return info[index].As<Napi::Number>().DoubleValue(); }
inline bool boolean(const Napi::CallbackInfo& info, size_t index) { return info[index].ToBoolean().Value(); }

Napi::Value AttentionForward(const Napi::CallbackInfo& info);
Napi::Value AttentionBackward(const Napi::CallbackInfo& info);
Napi::Value GemmInfo(const Napi::CallbackInfo& info);
Napi::Value SelectGemm(const Napi::CallbackInfo& info);
/** addon.cudaTable, the device-resident CUDA table, where the addon was built with CUDA. */
void registerResidentTable(Napi::Env env, Napi::Object exports);

}  // namespace swirl::binding
