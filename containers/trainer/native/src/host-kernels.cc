// The CPU kernel table: the addon's OpenBLAS and OpenMP kernels, which never fail after their arguments were checked.
#include "kernel-table.h"

namespace swirl {

namespace {
const char* noError() { return nullptr; }
}  // namespace

const KernelTable& hostKernels() {
  static const KernelTable table{
      gemm, addBroadcast, mulBroadcast, axpy, sumRowsInto, mulAccumulate, mulSumRowsInto, expForward, sum, sumSquares,
      scaleInPlace, embeddingForward, embeddingBackward, siluForward, siluBackward, swigluForward, swigluBackward, adamw,
      rmsNormForward, rmsNormBackward, rope, attentionForward, attentionBackward, logSoftmaxGatherForward,
      logSoftmaxGatherBackward, noError,
  };
  return table;
}

}  // namespace swirl
