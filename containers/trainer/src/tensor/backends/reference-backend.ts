// The reference backend: plain TypeScript kernels, small and obviously correct, and the fallback where the addon cannot load.
import type { KernelBackend } from '../kernels';
import { gemm } from './reference/gemm';
import * as elementwise from './reference/elementwise';
import { rmsNormForward, rmsNormBackward, rope } from './reference/normalization';
import { attentionForward, attentionBackward } from './reference/attention';
import { logSoftmaxGatherForward, logSoftmaxGatherBackward } from './reference/cross-entropy';
import { hostBufferKernels } from './host-buffer-kernels';
import { hostFamilyKernels } from './host-family-kernels';

export function createReferenceBackend(): KernelBackend {
  return {
    ...hostBufferKernels,
    ...hostFamilyKernels,
    name: 'reference',
    gemm,
    ...elementwise,
    rmsNormForward,
    rmsNormBackward,
    rope,
    attentionForward,
    attentionBackward,
    logSoftmaxGatherForward,
    logSoftmaxGatherBackward,
  };
}
