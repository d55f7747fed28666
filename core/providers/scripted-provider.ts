// A provider that replays written outputs, for tests and demos: the n-th model turn of a conversation gets the n-th response.
import { z } from 'zod';
import { ScriptedModelSchema } from '../schemas/model-config';
import { Message } from '../schemas/message';
import { GenerateOptions, GenerateResult, ModelProvider } from './model-provider';
import { priceUsage } from './price-usage';

export type ScriptedModelConfig = z.infer<typeof ScriptedModelSchema>;

/** Roughly four characters per token, the usual rule of thumb, so budgets and costs behave as with a real model. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export class ScriptedProvider implements ModelProvider {
  readonly id: string;
  calls = 0;

  constructor(readonly config: Pick<ScriptedModelConfig, 'model' | 'responses'> & Partial<Pick<ScriptedModelConfig, 'pricing'>>) {
    this.id = `scripted:${config.model}`;
    if (config.responses.length === 0) throw new Error('scripted provider: expected at least one response, received none');
  }

  async generate(messages: Message[], _options?: GenerateOptions): Promise<GenerateResult> {
    // Counting earlier assistant turns makes the script per trajectory without any shared state between them.
    const turn = messages.filter((message) => message.role === 'assistant').length;
    const text = this.config.responses[Math.min(turn, this.config.responses.length - 1)];
    const usage = { inputTokens: estimateTokens(messages.map((message) => message.content).join('\n')), outputTokens: estimateTokens(text) };
    this.calls += 1;
    return { text, finishReason: 'stop', usage, costUsd: priceUsage(usage, this.config.pricing) };
  }
}
