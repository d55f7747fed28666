// N-API bindings: unwraps typed arrays, checks sizes so bad calls throw instead of corrupting memory, calls a device's kernels.
#include <napi.h>
#include <string>
#include "arguments.h"
#include "kernel-table.h"

namespace {

using namespace swirl::binding;

bool fits(const Napi::Env& env, const char* name, const FloatView& view, int64_t offset, int64_t rows, int64_t leading,
          int64_t columns, int64_t batch, int64_t stride) {
  if (rows == 0 || columns == 0 || batch == 0) return true;
  const int64_t last = offset + (batch - 1) * stride + (rows - 1) * leading + columns;
  if (offset < 0 || stride < 0 || leading < columns || last > (int64_t)view.length)
    return fail(env, std::string("gemm: matrix ") + name + " does not fit its buffer of " + std::to_string(view.length) + " elements");
  return true;
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  Napi::Env env = info.Env();
  FloatView a, b, c;
  if (!readFloats(info, 6, a) || !readFloats(info, 9, b) || !readFloats(info, 13, c)) return env.Undefined();
  const bool transposeA = boolean(info, 0), transposeB = boolean(info, 1);
  const int64_t m = integer(info, 2), n = integer(info, 3), k = integer(info, 4);
  const int64_t aOffset = integer(info, 7), lda = integer(info, 8), bOffset = integer(info, 10), ldb = integer(info, 11);
  const int64_t cOffset = integer(info, 14), ldc = integer(info, 15), batch = integer(info, 16);
  const int64_t strideA = integer(info, 17), strideB = integer(info, 18), strideC = integer(info, 19);
  if (!fits(env, "A", a, aOffset, transposeA ? k : m, lda, transposeA ? m : k, batch, strideA) ||
      !fits(env, "B", b, bOffset, transposeB ? n : k, ldb, transposeB ? k : n, batch, strideB) ||
      !fits(env, "C", c, cOffset, m, ldc, n, batch, strideC))
    return env.Undefined();
  kernels.gemm(transposeA, transposeB, m, n, k, (float)number(info, 5), a.data + aOffset, lda, b.data + bOffset, ldb,
               (float)number(info, 12), c.data + cOffset, ldc, batch, strideA, strideB, strideC);
  return finish(info, kernels);
}

// Binary broadcast kernels share one argument shape: (a, b, out) with b.length dividing a.length.
template <decltype(&swirl::addBroadcast) swirl::KernelTable::*Kernel>
Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView a, b, out;
  if (!readFloats(info, 0, a) || !readFloats(info, 1, b) || !readFloats(info, 2, out)) return info.Env().Undefined();
  if (b.length == 0 || a.length % b.length != 0 || out.length < a.length) {
    fail(info.Env(), "broadcast: second operand length must divide the first, output at least as long");
    return info.Env().Undefined();
  }
  (kernels.*Kernel)(a.data, a.length, b.data, b.length, out.data);
  return finish(info, kernels);
}

Napi::Value Axpy(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView x, y;
  if (!readFloats(info, 1, x) || !readFloats(info, 2, y)) return info.Env().Undefined();
  if (y.length < x.length) return fail(info.Env(), "axpy: y shorter than x"), info.Env().Undefined();
  kernels.axpy((float)number(info, 0), x.data, x.length, y.data);
  return finish(info, kernels);
}

Napi::Value SumRowsInto(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView x, out;
  if (!readFloats(info, 1, x) || !readFloats(info, 2, out)) return info.Env().Undefined();
  if (out.length == 0 || x.length % out.length != 0) return fail(info.Env(), "sumRowsInto: output length must divide input length"), info.Env().Undefined();
  kernels.sumRowsInto((float)number(info, 0), x.data, x.length, out.data, out.length);
  return finish(info, kernels);
}

Napi::Value MulAccumulate(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView x, y, out;
  if (!readFloats(info, 0, x) || !readFloats(info, 1, y) || !readFloats(info, 2, out)) return info.Env().Undefined();
  if (y.length == 0 || x.length % y.length != 0 || out.length < x.length) return fail(info.Env(), "mulAccumulate: bad lengths"), info.Env().Undefined();
  kernels.mulAccumulate(x.data, x.length, y.data, y.length, out.data);
  return finish(info, kernels);
}

Napi::Value MulSumRowsInto(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView x, y, out;
  if (!readFloats(info, 0, x) || !readFloats(info, 1, y) || !readFloats(info, 2, out)) return info.Env().Undefined();
  if (out.length == 0 || x.length % out.length != 0 || y.length < x.length) return fail(info.Env(), "mulSumRowsInto: bad lengths"), info.Env().Undefined();
  kernels.mulSumRowsInto(x.data, y.data, x.length, out.data, out.length);
  return finish(info, kernels);
}

// Unary kernels (x, out) of equal length.
template <decltype(&swirl::expForward) swirl::KernelTable::*Kernel>
Napi::Value Unary(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView x, out;
  if (!readFloats(info, 0, x) || !readFloats(info, 1, out)) return info.Env().Undefined();
  if (out.length < x.length) return fail(info.Env(), "unary kernel: output shorter than input"), info.Env().Undefined();
  (kernels.*Kernel)(x.data, x.length, out.data);
  return finish(info, kernels);
}

Napi::Value Sum(const Napi::CallbackInfo& info) {
  FloatView x;
  if (!readFloats(info, 0, x)) return info.Env().Undefined();
  const swirl::KernelTable& kernels = kernelsOf(info);
  const double total = kernels.sum(x.data, x.length);
  if (const char* error = kernels.takeError()) return fail(info.Env(), error), info.Env().Undefined();
  return Napi::Number::New(info.Env(), total);
}

Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  FloatView x;
  if (!readFloats(info, 0, x)) return info.Env().Undefined();
  const swirl::KernelTable& kernels = kernelsOf(info);
  const double total = kernels.sumSquares(x.data, x.length);
  if (const char* error = kernels.takeError()) return fail(info.Env(), error), info.Env().Undefined();
  return Napi::Number::New(info.Env(), total);
}

Napi::Value ScaleInPlace(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView x;
  if (!readFloats(info, 0, x)) return info.Env().Undefined();
  kernels.scaleInPlace(x.data, x.length, (float)number(info, 1));
  return finish(info, kernels);
}

Napi::Value EmbeddingForward(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView weight, out;
  const int32_t* ids;
  size_t count;
  if (!readFloats(info, 0, weight) || !readInts(info, 1, ids, count) || !readFloats(info, 3, out)) return info.Env().Undefined();
  const size_t dim = (size_t)integer(info, 2);
  const size_t rows = dim ? weight.length / dim : 0;
  for (size_t t = 0; t < count; ++t)
    if (ids[t] < 0 || (size_t)ids[t] >= rows) return fail(info.Env(), "embedding: token id outside the vocabulary"), info.Env().Undefined();
  if (out.length < count * dim) return fail(info.Env(), "embedding: output too short"), info.Env().Undefined();
  kernels.embeddingForward(weight.data, ids, count, dim, out.data);
  return finish(info, kernels);
}

Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView gradOut, gradWeight;
  const int32_t* ids;
  size_t count;
  if (!readInts(info, 0, ids, count) || !readFloats(info, 1, gradOut) || !readFloats(info, 3, gradWeight)) return info.Env().Undefined();
  const size_t dim = (size_t)integer(info, 2);
  const size_t rows = dim ? gradWeight.length / dim : 0;
  for (size_t t = 0; t < count; ++t)
    if (ids[t] < 0 || (size_t)ids[t] >= rows) return fail(info.Env(), "embedding: token id outside the vocabulary"), info.Env().Undefined();
  if (gradOut.length < count * dim) return fail(info.Env(), "embedding: gradient too short"), info.Env().Undefined();
  kernels.embeddingBackward(ids, count, gradOut.data, dim, gradWeight.data);
  return finish(info, kernels);
}

Napi::Value SiluBackward(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView x, gradOut, gradX;
  if (!readFloats(info, 0, x) || !readFloats(info, 1, gradOut) || !readFloats(info, 2, gradX)) return info.Env().Undefined();
  if (gradOut.length < x.length || gradX.length < x.length) return fail(info.Env(), "siluBackward: bad lengths"), info.Env().Undefined();
  kernels.siluBackward(x.data, gradOut.data, x.length, gradX.data);
  return finish(info, kernels);
}

Napi::Value SwigluForward(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView gate, up, out;
  if (!readFloats(info, 0, gate) || !readFloats(info, 1, up) || !readFloats(info, 2, out)) return info.Env().Undefined();
  if (up.length < gate.length || out.length < gate.length) return fail(info.Env(), "swigluForward: bad lengths"), info.Env().Undefined();
  kernels.swigluForward(gate.data, up.data, gate.length, out.data);
  return finish(info, kernels);
}

Napi::Value SwigluBackward(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView gate, up, gradOut, gradGate, gradUp;
  if (!readFloats(info, 0, gate) || !readFloats(info, 1, up) || !readFloats(info, 2, gradOut) || !readFloats(info, 3, gradGate, true) ||
      !readFloats(info, 4, gradUp, true))
    return info.Env().Undefined();
  const size_t n = gate.length;
  if (up.length < n || gradOut.length < n || (gradGate.data && gradGate.length < n) || (gradUp.data && gradUp.length < n))
    return fail(info.Env(), "swigluBackward: bad lengths"), info.Env().Undefined();
  kernels.swigluBackward(gate.data, up.data, gradOut.data, n, gradGate.data, gradUp.data);
  return finish(info, kernels);
}

Napi::Value Adamw(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView param, grad, m, v;
  if (!readFloats(info, 0, param) || !readFloats(info, 1, grad) || !readFloats(info, 2, m) || !readFloats(info, 3, v)) return info.Env().Undefined();
  const size_t n = param.length;
  if (grad.length < n || m.length < n || v.length < n) return fail(info.Env(), "adamw: state shorter than parameter"), info.Env().Undefined();
  kernels.adamw(param.data, grad.data, m.data, v.data, n, (float)number(info, 4), (float)number(info, 5), (float)number(info, 6),
               (float)number(info, 7), (float)number(info, 8), (float)number(info, 9), (float)number(info, 10));
  return finish(info, kernels);
}

Napi::Value RmsNormForward(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView x, weight, out, inverseRms;
  if (!readFloats(info, 0, x) || !readFloats(info, 1, weight) || !readFloats(info, 4, out) || !readFloats(info, 5, inverseRms)) return info.Env().Undefined();
  const size_t dim = (size_t)integer(info, 2);
  const size_t rows = dim ? x.length / dim : 0;
  if (dim == 0 || weight.length < dim || out.length < x.length || inverseRms.length < rows) return fail(info.Env(), "rmsNormForward: bad lengths"), info.Env().Undefined();
  kernels.rmsNormForward(x.data, weight.data, rows, dim, (float)number(info, 3), out.data, inverseRms.data);
  return finish(info, kernels);
}

Napi::Value RmsNormBackward(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView x, weight, inverseRms, gradOut, gradX, gradWeight;
  if (!readFloats(info, 0, x) || !readFloats(info, 1, weight) || !readFloats(info, 2, inverseRms) || !readFloats(info, 3, gradOut) ||
      !readFloats(info, 5, gradX) || !readFloats(info, 6, gradWeight, true))
    return info.Env().Undefined();
  const size_t dim = (size_t)integer(info, 4);
  const size_t rows = dim ? x.length / dim : 0;
  if (dim == 0 || weight.length < dim || inverseRms.length < rows || gradOut.length < x.length || gradX.length < x.length ||
      (gradWeight.data && gradWeight.length < dim))
    return fail(info.Env(), "rmsNormBackward: bad lengths"), info.Env().Undefined();
  kernels.rmsNormBackward(x.data, weight.data, inverseRms.data, gradOut.data, rows, dim, gradX.data, gradWeight.data);
  return finish(info, kernels);
}

Napi::Value Rope(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView x, out;
  const int32_t* positions;
  size_t positionCount;
  if (!readFloats(info, 0, x) || !readFloats(info, 1, out) || !readInts(info, 7, positions, positionCount)) return info.Env().Undefined();
  const int64_t batch = integer(info, 2), sequenceLength = integer(info, 3), heads = integer(info, 4), headDim = integer(info, 5);
  if ((size_t)(batch * sequenceLength * heads * headDim) != x.length || out.length < x.length ||
      (positionCount != (size_t)sequenceLength && positionCount != (size_t)(batch * sequenceLength)))
    return fail(info.Env(), "rope: bad lengths"), info.Env().Undefined();
  kernels.rope(x.data, out.data, batch, sequenceLength, heads, headDim, number(info, 6), positions, positionCount, (int)integer(info, 8),
              boolean(info, 9));
  return finish(info, kernels);
}

Napi::Value LogSoftmaxGatherForward(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView logits, logProbs, logSumExp;
  const int32_t* targets;
  size_t rows;
  if (!readFloats(info, 0, logits) || !readInts(info, 1, targets, rows) || !readFloats(info, 3, logProbs) || !readFloats(info, 4, logSumExp))
    return info.Env().Undefined();
  const size_t vocab = (size_t)integer(info, 2);
  if (vocab == 0 || logits.length < rows * vocab || logProbs.length < rows || logSumExp.length < rows) return fail(info.Env(), "logSoftmaxGather: bad lengths"), info.Env().Undefined();
  for (size_t r = 0; r < rows; ++r)
    if (targets[r] >= (int32_t)vocab) return fail(info.Env(), "logSoftmaxGather: target outside the vocabulary"), info.Env().Undefined();
  kernels.logSoftmaxGatherForward(logits.data, targets, rows, vocab, logProbs.data, logSumExp.data);
  return finish(info, kernels);
}

Napi::Value LogSoftmaxGatherBackward(const Napi::CallbackInfo& info) {
  const swirl::KernelTable& kernels = kernelsOf(info);
  FloatView logits, logSumExp, gradLogProbs, gradLogits;
  const int32_t* targets;
  size_t rows;
  if (!readFloats(info, 0, logits) || !readInts(info, 1, targets, rows) || !readFloats(info, 2, logSumExp) || !readFloats(info, 3, gradLogProbs) ||
      !readFloats(info, 5, gradLogits))
    return info.Env().Undefined();
  const size_t vocab = (size_t)integer(info, 4);
  if (vocab == 0 || logits.length < rows * vocab || gradLogits.length < rows * vocab || logSumExp.length < rows || gradLogProbs.length < rows)
    return fail(info.Env(), "logSoftmaxGather backward: bad lengths"), info.Env().Undefined();
  for (size_t r = 0; r < rows; ++r)
    if (targets[r] >= (int32_t)vocab) return fail(info.Env(), "logSoftmaxGather: target outside the vocabulary"), info.Env().Undefined();
  kernels.logSoftmaxGatherBackward(logits.data, targets, logSumExp.data, gradLogProbs.data, rows, vocab, gradLogits.data);
  return finish(info, kernels);
}

// Every kernel binding, each carrying the table it dispatches to as its function data.
void registerKernels(Napi::Env env, Napi::Object target, const swirl::KernelTable& table) {
  void* data = const_cast<swirl::KernelTable*>(&table);
  const auto add = [&](const char* name, Napi::Function::Callback callback) { target.Set(name, Napi::Function::New(env, callback, name, data)); };
  add("gemm", Gemm);
  add("addBroadcast", Broadcast<&swirl::KernelTable::addBroadcast>);
  add("mulBroadcast", Broadcast<&swirl::KernelTable::mulBroadcast>);
  add("axpy", Axpy);
  add("sumRowsInto", SumRowsInto);
  add("mulAccumulate", MulAccumulate);
  add("mulSumRowsInto", MulSumRowsInto);
  add("exp", Unary<&swirl::KernelTable::expForward>);
  add("sum", Sum);
  add("sumSquares", SumSquares);
  add("scaleInPlace", ScaleInPlace);
  add("embeddingForward", EmbeddingForward);
  add("embeddingBackward", EmbeddingBackward);
  add("siluForward", Unary<&swirl::KernelTable::siluForward>);
  add("siluBackward", SiluBackward);
  add("swigluForward", SwigluForward);
  add("swigluBackward", SwigluBackward);
  add("adamw", Adamw);
  add("rmsNormForward", RmsNormForward);
  add("rmsNormBackward", RmsNormBackward);
  add("rope", Rope);
  add("attentionForward", AttentionForward);
  add("attentionBackward", AttentionBackward);
  add("logSoftmaxGatherForward", LogSoftmaxGatherForward);
  add("logSoftmaxGatherBackward", LogSoftmaxGatherBackward);
  // The CPU GEMM choice is process-wide; the CUDA table's GEMMs use it where the addon has no cuBLAS.
  add("gemmInfo", GemmInfo);
  add("selectGemm", SelectGemm);
}

// Why the CUDA kernels cannot be used here, or "" when they can.
std::string cudaUnavailableReason() {
#ifdef SWIRL_WITH_CUDA
  return swirl::device::unavailableReason();
#else
  return "the addon was built without CUDA kernels (no CUDA toolkit at install time, or SWIRL_SKIP_CUDA=1)";
#endif
}

Napi::Value CudaDevice(const Napi::CallbackInfo& info) {
#ifdef SWIRL_WITH_CUDA
  return Napi::String::New(info.Env(), swirl::device::deviceName());
#else
  return Napi::String::New(info.Env(), "");
#endif
}

Napi::Value CudaStatus(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), cudaUnavailableReason()); }
Napi::Value CudaAvailable(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), cudaUnavailableReason().empty()); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  registerKernels(env, exports, swirl::hostKernels());
#ifdef SWIRL_WITH_CUDA
  // The same bindings over the CUDA table; its calls fail with the probe's reason where no device can be used.
  Napi::Object cuda = Napi::Object::New(env);
  registerKernels(env, cuda, swirl::device::deviceKernels());
  exports.Set("cuda", cuda);
#endif
  registerResidentTable(env, exports);
  exports.Set("cudaAvailable", Napi::Function::New(env, CudaAvailable));
  exports.Set("cudaStatus", Napi::Function::New(env, CudaStatus));
  exports.Set("cudaDevice", Napi::Function::New(env, CudaDevice));
  return exports;
}

}  // namespace

NODE_API_MODULE(swirl_tensor, Init)
