// The trainer's tensor engine: tensors, autograd, ops and kernel backends.
export { Tensor, zeros, ones, full, scalar, fromArray, randn, parameter, sizeOf, formatShape, type Shape } from './tensor';
export { backward, noGrad, isGradEnabled } from './autograd';
export { Rng, createRng, type RngState } from './random';
export { selectBackend, describeBackend, resolveBackend, getBackend, useBackend, withBackend, getReferenceBackend, type BackendChoice } from './backend';
export type { KernelBackend, GemmArgs, AttentionShape, RopeShape, AdamwArgs } from './kernels';
export { loadNativeBackend } from './backends/native-backend';
export * from './ops';
