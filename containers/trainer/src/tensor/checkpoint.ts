// Gradient checkpointing: a segment runs without keeping its activations and is run again during the backward pass.
import { enableGrad, isGradEnabled, noGrad, record, backward } from './autograd';
import { DeviceBuffer, kernelsOfBuffer, type Device } from './device';
import { Rng } from './random';
import { Tensor } from './tensor';

/** Runs compute in a scope of `device` whose result's buffer outlives it (everything else made inside is released). */
function runKeepingResult(device: Device, compute: () => Tensor): Tensor {
  if (device === 'cpu') return compute();
  return device.withScope(() => {
    const result = compute();
    if (result.buffer instanceof DeviceBuffer) device.promote(result.buffer);
    return result;
  });
}

/**
 * segment(input, rng) with only its output kept: memory for one segment's activations at a time instead of every
 * segment's, for one extra forward of each. The segment may use trainable tensors it closes over (a decoder layer's
 * LoRA matrices); their gradients accumulate when the backward pass reruns it. A random source (dropout) is replayed
 * from its state at the first run, so the rerun draws the same masks.
 */
export function checkpoint(segment: (input: Tensor, rng: Rng | undefined) => Tensor, input: Tensor, rng?: Rng): Tensor {
  if (!isGradEnabled()) return segment(input, rng);
  const replayState = rng?.getState();
  const device = input.device;
  const output = runKeepingResult(device, () => noGrad(() => segment(input, rng)));
  // The output is recorded whether or not the input requires grad: the segment's own parameters do.
  return record(output, [input], () => {
    const replay = replayState ? new Rng(0) : undefined;
    if (replay && replayState) replay.setState(replayState);
    // The input's gradient outlives the rerun (the rest of the backward pass reads it): made before its scope opens.
    const inputGrad = input.requiresGrad ? input.ensureGradBuffer() : null;
    const rerun = (): Tensor => {
      const detached = new Tensor(input.buffer, input.shape, { requiresGrad: input.requiresGrad, op: 'checkpoint-input' });
      // Allocated here, inside the rerun's scope, so the input copy's gradient is released with the activations.
      if (input.requiresGrad) detached.gradBuffer = kernelsOfBuffer(input.buffer).allocate(input.size);
      const recomputed = enableGrad(() => segment(detached, replay));
      backward(recomputed, output.gradBuffer!);
      if (inputGrad) kernelsOfBuffer(inputGrad).axpy(1, detached.gradBuffer!, inputGrad);
      return recomputed;
    };
    if (device === 'cpu') rerun();
    else device.withScope(rerun);
  });
}
