// Mean action-token NLL of a model on held-out records (no gradients), reported beside the training curve.
import type { Message } from '../../../../core/schemas/message';
import type { LlamaModel } from '../model/llama-model';
import { createTokenBatch, encodePromptAndAction } from '../objectives/encode-record';
import { noGrad } from '../tensor/autograd';
import { withDeviceScope } from '../tensor/device';
import { logSoftmaxGather } from '../tensor/ops';
import type { TextTokenizer } from '../tokenizer/load-tokenizer';

export function computeValidationLoss(model: LlamaModel, tokenizer: TextTokenizer, records: readonly { context: readonly Message[]; action: string }[], maxLength: number, batchSize = 8): number | null {
  if (records.length === 0) return null;
  let total = 0;
  let tokens = 0;
  for (let start = 0; start < records.length; start += batchSize) {
    const batch = createTokenBatch(records.slice(start, start + batchSize).map((record) => encodePromptAndAction(tokenizer, record.context, record.action, Math.min(maxLength, model.config.maxPositions + 1))), 0);
    // On a device each batch's activations go back to the allocator as soon as its log-probs are read.
    const logProbs = withDeviceScope(model.device, () => noGrad(() => logSoftmaxGather(model.forward(batch.inputs, batch.batch, batch.length), batch.targets)).toHost());
    for (let index = 0; index < logProbs.length; index += 1) {
      total -= batch.weights[index] * logProbs[index];
      tokens += batch.weights[index];
    }
  }
  return tokens > 0 ? total / tokens : null;
}
