// Encodes a whole conversation for training: every assistant turn carries loss, prompts and tool results do not.
import type { Message } from '../../../../core/schemas/message';
import type { EncodedSequence } from '../objectives/encode-record';
import type { TextTokenizer } from '../tokenizer/load-tokenizer';

/**
 * The text is exactly what the model sees at each step — the chat template's prompt of the context so far, then
 * the reply and the turn end — so one sequence teaches every step of an episode at the cost of one forward pass.
 * Pieces meet at chat markers, where the tokenizer splits anyway, so encoding them apart equals encoding the whole.
 */
export function encodeConversation(tokenizer: TextTokenizer, messages: readonly Message[], maxLength: number): EncodedSequence {
  const tokens: number[] = [];
  const weights: number[] = [];
  const append = (text: string, weight: number) => {
    for (const token of tokenizer.encode(text)) {
      tokens.push(token);
      weights.push(weight);
    }
  };
  let written = '';
  messages.forEach((message, index) => {
    if (message.role !== 'assistant') return;
    const prompt = tokenizer.template.renderPrompt(messages.slice(0, index));
    if (!prompt.startsWith(written)) {
      throw new Error(`chat template ${tokenizer.template.name} does not extend earlier turns verbatim; a conversation cannot be encoded as one sequence`);
    }
    append(prompt.slice(written.length), 0);
    const reply = message.content + tokenizer.template.turnEnd;
    append(reply, 1);
    written = prompt + reply;
  });
  if (tokens.length > maxLength) {
    throw new Error(`conversation of ${tokens.length} tokens exceeds the ${maxLength}-token limit; raise the model's positions or shorten the episodes`);
  }
  return { tokens, weights, promptLength: weights.indexOf(1) };
}
