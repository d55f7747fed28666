// AdamW with decoupled weight decay: one fused kernel call per parameter; the state is plain arrays for checkpoints.
import type { Tensor } from '../tensor';
import { getBackend } from '../backend';

export interface AdamwOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** Step count and first/second moments, one pair per parameter in the order the parameters were given. */
export interface AdamwState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

export function createAdamwState(params: Tensor[]): AdamwState {
  return { step: 0, m: params.map((p) => new Float32Array(p.size)), v: params.map((p) => new Float32Array(p.size)) };
}

/** Applies one update to every parameter that has a gradient. */
export function adamwStep(params: Tensor[], state: AdamwState, options: AdamwOptions): void {
  if (state.m.length !== params.length) throw new Error(`adamwStep: optimizer state holds ${state.m.length} parameters, received ${params.length}`);
  state.step += 1;
  const biasCorrection1 = 1 - Math.pow(options.beta1, state.step);
  const biasCorrection2 = 1 - Math.pow(options.beta2, state.step);
  const backend = getBackend();
  params.forEach((param, index) => {
    if (param.grad === null) return;
    if (state.m[index].length !== param.size) throw new Error(`adamwStep: state for parameter ${index} has ${state.m[index].length} entries, parameter has ${param.size}`);
    backend.adamw(param.data, param.grad, state.m[index], state.v[index], { ...options, biasCorrection1, biasCorrection2 });
  });
}

export function zeroGrad(params: Tensor[]): void {
  for (const param of params) param.zeroGrad();
}
