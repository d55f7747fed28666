// Turns a training record (context messages + action) into token ids and per-token loss weights.
import type { Message } from '../../../../core/schemas/message';
import type { TextTokenizer } from '../tokenizer/load-tokenizer';

export interface EncodedSequence {
  tokens: number[];
  /** weights[i] is the loss weight of predicting tokens[i] (1 on action tokens, 0 on the prompt). */
  weights: number[];
  promptLength: number;
}

/** The context through the chat template, up to where the assistant's reply begins. */
export function encodeContext(tokenizer: TextTokenizer, context: readonly Message[]): number[] {
  return tokenizer.encode(tokenizer.template.renderPrompt(context));
}

/** The action and the turn end: what training predicts. */
export function encodeAction(tokenizer: TextTokenizer, action: string): number[] {
  return tokenizer.encode(action + tokenizer.template.turnEnd);
}

/** Prompt via the chat template, then the action and the turn end; keeps the end when too long. */
export function encodePromptAndAction(tokenizer: TextTokenizer, context: readonly Message[], action: string, maxLength: number): EncodedSequence {
  return combine(encodeContext(tokenizer, context), encodeAction(tokenizer, action), maxLength);
}

export function combine(prompt: number[], completion: number[], maxLength: number): EncodedSequence {
  // Keep the whole action when possible and cut the oldest context, since the action is what is learned.
  const keptCompletion = completion.slice(0, maxLength - 1);
  const keptPrompt = prompt.slice(Math.max(0, prompt.length - (maxLength - keptCompletion.length)));
  const tokens = [...keptPrompt, ...keptCompletion];
  const weights = tokens.map((_, index) => (index >= keptPrompt.length ? 1 : 0));
  return { tokens, weights, promptLength: keptPrompt.length };
}

export interface TokenBatch {
  batch: number;
  length: number;
  /** [batch·length] inputs, right-padded with padToken. */
  inputs: Int32Array;
  /** [batch·length] next-token targets; −1 where nothing is predicted. */
  targets: Int32Array;
  /** [batch·length] loss weight per target. */
  weights: Float32Array;
  /** Input positions holding real tokens (not padding). */
  tokenCount: number;
}

/** Shifts each sequence by one into (input, target) pairs and right-pads; causal attention never sees the padding. */
export function createTokenBatch(sequences: readonly EncodedSequence[], padToken: number): TokenBatch {
  const length = Math.max(1, ...sequences.map((sequence) => sequence.tokens.length - 1));
  const batch = sequences.length;
  const inputs = new Int32Array(batch * length).fill(padToken);
  const targets = new Int32Array(batch * length).fill(-1);
  const weights = new Float32Array(batch * length);
  let tokenCount = 0;
  sequences.forEach((sequence, row) => {
    tokenCount += Math.max(0, sequence.tokens.length - 1);
    for (let position = 0; position + 1 < sequence.tokens.length; position += 1) {
      inputs[row * length + position] = sequence.tokens[position];
      const weight = sequence.weights[position + 1];
      if (weight !== 0) {
        targets[row * length + position] = sequence.tokens[position + 1];
        weights[row * length + position] = weight;
      }
    }
  });
  return { batch, length, inputs, targets, weights, tokenCount };
}
