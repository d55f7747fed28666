// Tensor ops with autograd.
export { matmul, type MatmulOptions } from './matmul';
export { add, sub, mul, scale, neg } from './elementwise';
export { exp, silu, minimum, clamp } from './unary';
export { swiglu } from './swiglu';
export { embedding } from './embedding';
export { rmsNorm } from './rms-norm';
export { rope } from './rope';
export { causalAttention, type CausalAttentionOptions } from './causal-attention';
export { logSoftmaxGather, crossEntropy, type CrossEntropyOptions } from './cross-entropy';
export { sum, mean } from './reduce';
export { reshape, transpose, concat, narrow } from './shape';
export { dropout } from './dropout';
export { adamwStep, createAdamwState, zeroGrad, type AdamwOptions, type AdamwState } from './adamw';
export { clipGradNorm } from './clip-grad-norm';
export { scaledRope } from './scaled-rope';
export { softCap } from './soft-cap';
export { geglu } from './geglu';
export { windowedAttention, type WindowedAttentionOptions } from './windowed-attention';
