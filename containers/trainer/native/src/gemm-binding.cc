// N-API bindings of the GEMM choice: which GEMM and instruction set run, and choosing them at run time.
#include "arguments.h"
#include "gemm.h"
#ifdef _OPENMP
#include <omp.h>
#endif

namespace swirl::binding {

Napi::Value GemmInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("gemm", swirl::gemmName());
  result.Set("isa", swirl::gemmIsa());
  result.Set("detectedIsa", swirl::detectedIsa());
  result.Set("openblas", swirl::hasOpenblas());
#ifdef _OPENMP
  result.Set("threads", omp_get_max_threads());
#else
  result.Set("threads", 1);
#endif
  return result;
}

/** selectGemm(gemm, isa): throws, naming what was expected, when the choice is unknown or unavailable here. */
Napi::Value SelectGemm(const Napi::CallbackInfo& info) {
  if (!info[0].IsString() || !info[1].IsString()) return fail(info.Env(), "selectGemm: expected two strings (gemm, isa)"), info.Env().Undefined();
  const std::string error = swirl::selectGemm(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::String>().Utf8Value());
  if (!error.empty()) Napi::Error::New(info.Env(), error).ThrowAsJavaScriptException();
  return GemmInfo(info);
}

}  // namespace swirl::binding
