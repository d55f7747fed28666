// The part of a model provider a judge needs; any ModelProvider from core/providers satisfies it.
import { Message, TokenUsage } from '../schemas/message';

export interface JudgeGenerateOptions {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
}

export interface JudgeGenerateResult {
  text: string;
  finishReason: 'stop' | 'length' | 'error';
  usage: TokenUsage;
  costUsd?: number;
}

export interface JudgeModel {
  readonly id: string;
  generate(messages: Message[], options?: JudgeGenerateOptions): Promise<JudgeGenerateResult>;
}
