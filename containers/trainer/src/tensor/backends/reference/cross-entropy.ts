// Reference log-softmax gathered at target ids, with its backward; negative targets are ignored rows.

export function logSoftmaxGatherForward(logits: Float32Array, targets: Int32Array, vocab: number, logProbs: Float32Array, logSumExp: Float32Array): void {
  for (let r = 0; r < targets.length; r++) {
    const base = r * vocab;
    let maximum = -Infinity;
    for (let j = 0; j < vocab; j++) if (logits[base + j] > maximum) maximum = logits[base + j];
    let total = 0;
    for (let j = 0; j < vocab; j++) total += Math.exp(logits[base + j] - maximum);
    const rowLogSumExp = maximum + Math.log(total);
    logSumExp[r] = rowLogSumExp;
    const target = targets[r];
    if (target >= vocab) throw new Error(`target id ${target} at row ${r} is outside the vocabulary [0, ${vocab})`);
    logProbs[r] = target < 0 ? 0 : logits[base + target] - rowLogSumExp;
  }
}

export function logSoftmaxGatherBackward(logits: Float32Array, targets: Int32Array, logSumExp: Float32Array, gradLogProbs: Float32Array, vocab: number, gradLogits: Float32Array): void {
  for (let r = 0; r < targets.length; r++) {
    const target = targets[r];
    const gradient = gradLogProbs[r];
    if (target < 0 || gradient === 0) continue;
    const base = r * vocab;
    for (let j = 0; j < vocab; j++) gradLogits[base + j] -= gradient * Math.exp(logits[base + j] - logSumExp[r]);
    gradLogits[base + target] += gradient;
  }
}
