// Argument reading for the resident CUDA table's bindings: a device buffer arrives as three numbers (block id, offset
// and length in elements), is checked against its block, and becomes a device pointer; every failure throws an Error
// that names the call.
#pragma once
#ifdef SWIRL_WITH_CUDA
#include <napi.h>
#include <cmath>
#include <cstdint>
#include <string>
#include "../cuda/resident-table.h"

namespace swirl::binding {

template <typename T>
struct DeviceSpan {
  T* data = nullptr;
  size_t length = 0;
};

class ResidentCall {
 public:
  /** `name` null: the name the function was registered with (its data). */
  ResidentCall(const Napi::CallbackInfo& info, const char* name) : info_(info), name_(name ? name : static_cast<const char*>(info.Data())) {}

  /** Throws "cudaTable.<name>: <message>" (once) and returns false. */
  bool fail(const std::string& message) {
    if (ok_) Napi::Error::New(info_.Env(), std::string("cudaTable.") + name_ + ": " + message).ThrowAsJavaScriptException();
    ok_ = false;
    return false;
  }

  bool ok() const { return ok_; }

  /** A non-negative whole number argument. */
  size_t count(size_t index) {
    const double value = number(index);
    if (!(value >= 0) || std::floor(value) != value) fail("argument " + std::to_string(index) + ": expected a non-negative integer, received " + std::to_string(value));
    return ok_ ? (size_t)value : 0;
  }

  double number(size_t index) {
    if (!info_[index].IsNumber()) {
      fail("argument " + std::to_string(index) + ": expected a number");
      return 0;
    }
    return info_[index].As<Napi::Number>().DoubleValue();
  }

  bool boolean(size_t index) { return info_[index].ToBoolean().Value(); }

  /** The buffer given by arguments index..index+2; with `optional`, a block id of 0 is no buffer. */
  template <typename T>
  DeviceSpan<T> buffer(size_t index, bool optional = false) {
    DeviceSpan<T> span;
    const size_t id = count(index), offset = count(index + 1), length = count(index + 2);
    if (!ok_ || (optional && id == 0)) return span;
    char* base;
    size_t bytes;
    if (!resident::extentOf((uint32_t)id, base, bytes)) {
      fail("argument " + std::to_string(index) + ": block " + std::to_string(id) + " is not reserved");
      return span;
    }
    if ((offset + length) * sizeof(T) > bytes) {
      fail("argument " + std::to_string(index) + ": values [" + std::to_string(offset) + ", " + std::to_string(offset + length) + ") do not fit block " +
           std::to_string(id) + " of " + std::to_string(bytes) + " bytes");
      return span;
    }
    span.data = reinterpret_cast<T*>(base) + offset;
    span.length = length;
    return span;
  }

  /** A host typed array of the given kind (ids, positions, masks); null where `optional` and absent. */
  template <typename T>
  const T* host(size_t index, napi_typedarray_type type, const char* expected, size_t& length, bool optional = false) {
    length = 0;
    const Napi::Value value = info_[index];
    if (optional && (value.IsNull() || value.IsUndefined())) return nullptr;
    if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
      fail("argument " + std::to_string(index) + ": expected " + expected);
      return nullptr;
    }
    Napi::TypedArray array = value.As<Napi::TypedArray>();
    length = array.ElementLength();
    return reinterpret_cast<const T*>(static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset());
  }

  /** Copies a host array into a device staging slot (stream-ordered, so the next call may reuse the slot). */
  template <typename T>
  const T* staged(int slot, const T* values, size_t length) {
    if (!ok_ || !values) return nullptr;
    void* device = nullptr;
    const std::string error = resident::stage(slot, values, length * sizeof(T), device);
    if (!error.empty()) fail(error);
    return static_cast<const T*>(device);
  }

  /** Ends the call: a CUDA or cuBLAS error becomes a thrown Error naming it. */
  Napi::Value finish(const std::string& error) {
    if (!error.empty()) fail(error);
    return info_.Env().Undefined();
  }

  Napi::Value launched() { return finish(resident::launched()); }

  Napi::Env env() const { return info_.Env(); }
  const Napi::CallbackInfo& info() const { return info_; }

 private:
  const Napi::CallbackInfo& info_;
  const char* name_;
  bool ok_ = true;
};

void registerResidentKernels(Napi::Env env, Napi::Object target);
void registerResidentLayers(Napi::Env env, Napi::Object target);
void registerResidentFamily(Napi::Env env, Napi::Object target);

}  // namespace swirl::binding
#endif
