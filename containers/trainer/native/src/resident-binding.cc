// N-API bindings of the device-resident CUDA table (addon.cudaTable): device memory by block id, copies across the
// host boundary, buffer kernels and GEMMs. Tensors stay in device memory; only what a call names crosses.
#include <napi.h>
#include "resident-call.h"

namespace swirl::binding {

#ifdef SWIRL_WITH_CUDA
namespace {

Napi::Value Status(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), resident::unavailableReason()); }
Napi::Value DeviceName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), resident::deviceName()); }
Napi::Value HasCublas(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), resident::hasCublas()); }

/** Every call but the status checks needs the device; without one it throws the probe's reason. */
bool usable(ResidentCall& call) {
  const std::string reason = resident::unavailableReason();
  return reason.empty() || call.fail("no usable CUDA device: " + reason);
}

Napi::Value Reserve(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "reserve");
  const size_t bytes = call.count(0);
  if (!call.ok() || !usable(call)) return info.Env().Undefined();
  uint32_t id = 0;
  const std::string error = resident::reserve(bytes, id);
  if (!error.empty()) return call.finish(error);
  return id == 0 ? info.Env().Null() : Napi::Number::New(info.Env(), id);
}

Napi::Value Unreserve(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "unreserve");
  const size_t id = call.count(0);
  return call.ok() ? call.finish(resident::unreserve((uint32_t)id)) : info.Env().Undefined();
}

Napi::Value MemoryInfo(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "memoryInfo");
  size_t freeBytes = 0, totalBytes = 0;
  if (!usable(call)) return info.Env().Undefined();
  const std::string error = resident::memoryInfo(freeBytes, totalBytes);
  if (!error.empty()) return call.finish(error);
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("freeBytes", Napi::Number::New(info.Env(), (double)freeBytes));
  result.Set("totalBytes", Napi::Number::New(info.Env(), (double)totalBytes));
  return result;
}

Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "synchronize");
  return usable(call) ? call.finish(resident::synchronize()) : info.Env().Undefined();
}

Napi::Value SetSynchronous(const Napi::CallbackInfo& info) {
  resident::setSynchronous(info[0].ToBoolean().Value());
  return info.Env().Undefined();
}

/** A byte range [offset, offset + bytes) of a block, or null after throwing. */
char* byteRange(ResidentCall& call, size_t idIndex, size_t offset, size_t bytes) {
  const size_t id = call.count(idIndex);
  char* base;
  size_t size;
  if (!call.ok()) return nullptr;
  if (!resident::extentOf((uint32_t)id, base, size)) return call.fail("block " + std::to_string(id) + " is not reserved"), nullptr;
  if (offset + bytes > size) return call.fail("bytes [" + std::to_string(offset) + ", " + std::to_string(offset + bytes) + ") do not fit block " + std::to_string(id) + " of " + std::to_string(size) + " bytes"), nullptr;
  return base + offset;
}

// upload(id, byteOffset, Float32Array | Uint16Array)
Napi::Value Upload(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "upload");
  const size_t offset = call.count(1);
  if (!call.ok() || !info[2].IsTypedArray()) return call.fail("argument 2: expected a Float32Array or Uint16Array"), info.Env().Undefined();
  Napi::TypedArray values = info[2].As<Napi::TypedArray>();
  if (values.TypedArrayType() != napi_float32_array && values.TypedArrayType() != napi_uint16_array)
    return call.fail("argument 2: expected a Float32Array or Uint16Array"), info.Env().Undefined();
  char* target = byteRange(call, 0, offset, values.ByteLength());
  if (!target) return info.Env().Undefined();
  const char* source = static_cast<const char*>(values.ArrayBuffer().Data()) + values.ByteOffset();
  return call.finish(resident::copyToDevice(target, source, values.ByteLength()));
}

// download(id, byteOffset, count) → Float32Array
Napi::Value Download(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "download");
  const size_t offset = call.count(1), count = call.count(2);
  const char* source = call.ok() ? byteRange(call, 0, offset, count * sizeof(float)) : nullptr;
  if (!source) return info.Env().Undefined();
  Napi::Float32Array values = Napi::Float32Array::New(info.Env(), count);
  const std::string error = resident::copyToHost(values.Data(), source, count * sizeof(float));
  if (!error.empty()) return call.finish(error);
  return values;
}

// zero(id, bytes): clears a block from its start.
Napi::Value Zero(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "zero");
  const size_t bytes = call.count(1);
  char* target = call.ok() ? byteRange(call, 0, 0, bytes) : nullptr;
  return target ? call.finish(resident::zero(target, bytes)) : info.Env().Undefined();
}

Napi::Value Fill(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "fill");
  const DeviceSpan<float> x = call.buffer<float>(0);
  const float value = (float)call.number(3);
  if (!call.ok()) return info.Env().Undefined();
  resident::fill(x.data, x.length, value);
  return call.launched();
}

// copyBlocks(source3, sourceOffset, sourceStride, target3, targetOffset, targetStride, blockLength, blocks, accumulate)
Napi::Value CopyBlocks(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "copyBlocks");
  const DeviceSpan<float> source = call.buffer<float>(0), target = call.buffer<float>(5);
  const size_t sourceOffset = call.count(3), sourceStride = call.count(4), targetOffset = call.count(8), targetStride = call.count(9);
  const size_t blockLength = call.count(10), blocks = call.count(11);
  if (!call.ok()) return info.Env().Undefined();
  if (blocks > 0 && blockLength > 0) {
    if (sourceOffset + (blocks - 1) * sourceStride + blockLength > source.length) return call.finish("source blocks run past the source buffer");
    if (targetOffset + (blocks - 1) * targetStride + blockLength > target.length) return call.finish("target blocks run past the target buffer");
  }
  resident::copyBlocks(source.data + sourceOffset, sourceStride, target.data + targetOffset, targetStride, blockLength, blocks, call.boolean(12));
  return call.launched();
}

// permute(source3, shape: number[], axisA, axisB, target3, accumulate)
Napi::Value Permute(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "permute");
  const DeviceSpan<float> source = call.buffer<float>(0), target = call.buffer<float>(6);
  const size_t axisA = call.count(4), axisB = call.count(5);
  if (!call.ok()) return info.Env().Undefined();
  if (!info[3].IsArray()) return call.finish("argument 3: expected the shape as an array of numbers");
  Napi::Array shapeArray = info[3].As<Napi::Array>();
  const size_t rank = shapeArray.Length();
  if (rank == 0 || rank > (size_t)resident::kMaxRank) return call.finish("rank " + std::to_string(rank) + " is outside 1.." + std::to_string(resident::kMaxRank));
  int64_t shape[resident::kMaxRank];
  size_t total = 1;
  for (size_t d = 0; d < rank; ++d) {
    const Napi::Value extent = shapeArray[(uint32_t)d];
    if (!extent.IsNumber() || extent.As<Napi::Number>().DoubleValue() < 0) return call.finish("shape entries must be non-negative numbers");
    shape[d] = extent.As<Napi::Number>().Int64Value();
    total *= (size_t)shape[d];
  }
  if (axisA >= rank || axisB >= rank) return call.finish("axes " + std::to_string(axisA) + ", " + std::to_string(axisB) + " outside rank " + std::to_string(rank));
  if (source.length < total || target.length < total) return call.finish("buffers hold fewer values than the shape (" + std::to_string(total) + ")");
  resident::permute(source.data, shape, (int)rank, (int)axisA, (int)axisB, target.data, call.boolean(9));
  return call.launched();
}

Napi::Value SumSquaresInto(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "sumSquaresInto");
  const DeviceSpan<float> x = call.buffer<float>(0), out = call.buffer<float>(3);
  if (!call.ok()) return info.Env().Undefined();
  if (out.length < 1) return call.finish("output holds no value");
  resident::sumSquaresInto(x.data, x.length, out.data);
  return call.launched();
}

template <bool Squares>
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  ResidentCall call(info, Squares ? "sumSquares" : "sum");
  const DeviceSpan<float> x = call.buffer<float>(0);
  if (!call.ok()) return info.Env().Undefined();
  double total = 0;
  const std::string error = resident::reduce(x.data, x.length, Squares, total);
  if (!error.empty()) return call.finish(error);
  return Napi::Number::New(info.Env(), total);
}

// sampleTokens(logits3, rows, vocab, settings: Float64Array [temperatures | topPs | draws]) → Int32Array
Napi::Value SampleTokens(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "sampleTokens");
  const DeviceSpan<float> logits = call.buffer<float>(0);
  const size_t rows = call.count(3), vocab = call.count(4);
  size_t settingsLength = 0;
  const double* settings = call.host<double>(5, napi_float64_array, "a Float64Array of temperatures, topPs and draws", settingsLength);
  if (!call.ok()) return info.Env().Undefined();
  if (vocab == 0 || rows * vocab > logits.length) return call.finish("logits hold fewer than rows × vocab values");
  if (vocab > (size_t)INT32_MAX) return call.finish("a vocabulary over 2^31 ids");
  if (settingsLength < 3 * rows) return call.finish("settings hold fewer than 3 × rows values");
  const double* deviceSettings = call.staged(2, settings, 3 * rows);
  if (!call.ok()) return info.Env().Undefined();
  Napi::Int32Array ids = Napi::Int32Array::New(info.Env(), rows);
  const std::string error = resident::sampleTokens(logits.data, rows, vocab, deviceSettings, ids.Data());
  if (!error.empty()) return call.finish(error);
  return ids;
}

bool fits(ResidentCall& call, const char* name, size_t length, size_t offset, size_t rows, size_t leading, size_t columns, size_t batch, size_t stride) {
  if (rows == 0 || columns == 0 || batch == 0) return true;
  if (leading < columns || offset + (batch - 1) * stride + (rows - 1) * leading + columns > length)
    return call.fail(std::string("matrix ") + name + " does not fit its buffer of " + std::to_string(length) + " values");
  return true;
}

// gemm(precision, transposeA, transposeB, m, n, k, alpha, a3, aOffset, lda, b3, bOffset, ldb, beta, c3, cOffset, ldc, batch, strideA, strideB, strideC)
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "gemm");
  const size_t precision = call.count(0);
  const bool transposeA = call.boolean(1), transposeB = call.boolean(2);
  const size_t m = call.count(3), n = call.count(4), k = call.count(5);
  const DeviceSpan<float> a = call.buffer<float>(7), b = call.buffer<float>(12), c = call.buffer<float>(18);
  const size_t aOffset = call.count(10), lda = call.count(11), bOffset = call.count(15), ldb = call.count(16), cOffset = call.count(21), ldc = call.count(22);
  const size_t batch = call.count(23), strideA = call.count(24), strideB = call.count(25), strideC = call.count(26);
  if (!call.ok() || precision > 2 || !fits(call, "A", a.length, aOffset, transposeA ? k : m, lda, transposeA ? m : k, batch, strideA) ||
      !fits(call, "B", b.length, bOffset, transposeB ? n : k, ldb, transposeB ? k : n, batch, strideB) || !fits(call, "C", c.length, cOffset, m, ldc, n, batch, strideC))
    return call.ok() ? call.finish("precision must be 0 (fp32), 1 (TF32) or 2 (bf16)") : info.Env().Undefined();
  return call.finish(resident::gemm((resident::GemmPrecision)precision, transposeA, transposeB, m, n, k, (float)call.number(6), a.data + aOffset, lda,
                                    b.data + bOffset, ldb, (float)call.number(17), c.data + cOffset, ldc, batch, strideA, strideB, strideC));
}

// gemmBfloat16Weight(transposeWeight, m, outputs, inputs, x3, weight3 (bf16), out3, accumulate)
Napi::Value GemmBfloat16Weight(const Napi::CallbackInfo& info) {
  ResidentCall call(info, "gemmBfloat16Weight");
  const bool transposeWeight = call.boolean(0);
  const size_t m = call.count(1), outputs = call.count(2), inputs = call.count(3);
  const DeviceSpan<float> x = call.buffer<float>(4), out = call.buffer<float>(10);
  const DeviceSpan<uint16_t> weight = call.buffer<uint16_t>(7);
  if (!call.ok()) return info.Env().Undefined();
  const size_t xColumns = transposeWeight ? inputs : outputs, outColumns = transposeWeight ? outputs : inputs;
  if (weight.length < outputs * inputs) return call.finish("the bf16 weight holds fewer than outputs × inputs values");
  if (x.length < m * xColumns || out.length < m * outColumns) return call.finish("input or output holds fewer values than m rows need");
  return call.finish(resident::gemmBfloat16Weight(transposeWeight, m, outputs, inputs, x.data, weight.data, out.data, call.boolean(13)));
}

}  // namespace
#endif

/** Sets addon.cudaTable where the addon was built with CUDA (its calls throw the probe's reason without a device). */
void registerResidentTable(Napi::Env env, Napi::Object exports) {
#ifdef SWIRL_WITH_CUDA
  Napi::Object table = Napi::Object::New(env);
  const auto add = [&](const char* name, Napi::Function::Callback callback) { table.Set(name, Napi::Function::New(env, callback, name, const_cast<char*>(name))); };
  add("status", Status);
  add("deviceName", DeviceName);
  add("hasCublas", HasCublas);
  add("reserve", Reserve);
  add("unreserve", Unreserve);
  add("memoryInfo", MemoryInfo);
  add("synchronize", Synchronize);
  add("setSynchronous", SetSynchronous);
  add("upload", Upload);
  add("download", Download);
  add("zero", Zero);
  add("fill", Fill);
  add("copyBlocks", CopyBlocks);
  add("permute", Permute);
  add("sumSquaresInto", SumSquaresInto);
  add("sum", Reduce<false>);
  add("sumSquares", Reduce<true>);
  add("sampleTokens", SampleTokens);
  add("gemm", Gemm);
  add("gemmBfloat16Weight", GemmBfloat16Weight);
  registerResidentKernels(env, table);
  registerResidentLayers(env, table);
  registerResidentFamily(env, table);
  exports.Set("cudaTable", table);
#else
  (void)env;
  (void)exports;
#endif
}

}  // namespace swirl::binding
