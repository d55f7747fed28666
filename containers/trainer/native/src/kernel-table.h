// One table of kernel entry points per device: the N-API bindings call through it, so the CPU and CUDA builds share every check.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include "kernels.h"

namespace swirl {

struct KernelTable {
  decltype(&::swirl::gemm) gemm;
  decltype(&::swirl::addBroadcast) addBroadcast;
  decltype(&::swirl::mulBroadcast) mulBroadcast;
  decltype(&::swirl::axpy) axpy;
  decltype(&::swirl::sumRowsInto) sumRowsInto;
  decltype(&::swirl::mulAccumulate) mulAccumulate;
  decltype(&::swirl::mulSumRowsInto) mulSumRowsInto;
  decltype(&::swirl::expForward) expForward;
  decltype(&::swirl::sum) sum;
  decltype(&::swirl::sumSquares) sumSquares;
  decltype(&::swirl::scaleInPlace) scaleInPlace;
  decltype(&::swirl::embeddingForward) embeddingForward;
  decltype(&::swirl::embeddingBackward) embeddingBackward;
  decltype(&::swirl::siluForward) siluForward;
  decltype(&::swirl::siluBackward) siluBackward;
  decltype(&::swirl::swigluForward) swigluForward;
  decltype(&::swirl::swigluBackward) swigluBackward;
  decltype(&::swirl::adamw) adamw;
  decltype(&::swirl::rmsNormForward) rmsNormForward;
  decltype(&::swirl::rmsNormBackward) rmsNormBackward;
  decltype(&::swirl::rope) rope;
  decltype(&::swirl::attentionForward) attentionForward;
  decltype(&::swirl::attentionBackward) attentionBackward;
  decltype(&::swirl::logSoftmaxGatherForward) logSoftmaxGatherForward;
  decltype(&::swirl::logSoftmaxGatherBackward) logSoftmaxGatherBackward;
  /** The first failure since the last call (a CUDA error, say), cleared by reading; null when all went well. */
  const char* (*takeError)();
};

/** The OpenBLAS and OpenMP kernels of this addon. */
const KernelTable& hostKernels();

#ifdef SWIRL_WITH_CUDA
namespace device {
/** The CUDA kernels behind the same signatures: host buffers are copied to the GPU and back around each call. */
const KernelTable& deviceKernels();
/** Empty when a CUDA device can be used; otherwise why not (no driver, no device). Probes once. */
const char* unavailableReason();
/** The device's name ("NVIDIA H200"), empty where none can be used. */
std::string deviceName();
}  // namespace device
#endif

}  // namespace swirl
