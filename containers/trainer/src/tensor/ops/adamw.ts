// AdamW with decoupled weight decay: one fused kernel call per parameter, its moments kept where the parameter lives.
import type { Tensor } from '../tensor';
import { deviceOf, kernelsOfBuffer, nameOfDevice, type Buffer } from '../device';
import { kernelsFor } from './kernels-for';

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
  m: Buffer[];
  v: Buffer[];
}

/** Zeroed moments on each parameter's device, persistent: they outlive every step's device scope. */
export function createAdamwState(params: Tensor[]): AdamwState {
  const moments = (): Buffer[] => params.map((param) => kernelsOfBuffer(param.buffer).allocate(param.size, 'persistent'));
  return { step: 0, m: moments(), v: moments() };
}

/** Applies one update to every parameter that has a gradient. */
export function adamwStep(params: Tensor[], state: AdamwState, options: AdamwOptions): void {
  if (state.m.length !== params.length) throw new Error(`adamwStep: optimizer state holds ${state.m.length} parameters, received ${params.length}`);
  state.step += 1;
  const biasCorrection1 = 1 - Math.pow(options.beta1, state.step);
  const biasCorrection2 = 1 - Math.pow(options.beta2, state.step);
  params.forEach((param, index) => {
    if (param.gradBuffer === null) return;
    if (state.m[index].length !== param.size) throw new Error(`adamwStep: state for parameter ${index} has ${state.m[index].length} entries, parameter has ${param.size}`);
    const stateDevice = deviceOf(state.m[index]);
    if (stateDevice !== param.device || deviceOf(state.v[index]) !== param.device) {
      throw new Error(`adamwStep: expected the state of parameter ${index} on ${nameOfDevice(param.device)} with the parameter, received it on ${nameOfDevice(stateDevice)}`);
    }
    const kernels = kernelsFor('adamwStep', param);
    kernels.adamw(param.buffer, param.gradBuffer, state.m[index], state.v[index], { ...options, biasCorrection1, biasCorrection2 });
  });
}

export function zeroGrad(params: Tensor[]): void {
  for (const param of params) param.zeroGrad();
}
