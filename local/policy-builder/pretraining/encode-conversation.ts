// Encodes a whole conversation for training: every assistant turn carries loss; questions and tool results optionally some.
import type { Message } from '../../../core/schemas/message';
import type { EncodedSequence } from '../../../containers/trainer/src/objectives/encode-record';
import type { TextTokenizer } from '../../../containers/trainer/src/tokenizer/load-tokenizer';
import { WeightedTokenWriter } from './weighted-token-writer';

/** Where the leading system turns end: the text the prompt shares with a prompt of the system turns alone, cut at a chat marker. */
function systemPromptLength(tokenizer: TextTokenizer, messages: readonly Message[], prompt: string): number {
  const leading = messages.findIndex((message) => message.role !== 'system');
  if (leading <= 0) return 0;
  const alone = tokenizer.template.renderPrompt(messages.slice(0, leading));
  let shared = 0;
  while (shared < alone.length && shared < prompt.length && alone[shared] === prompt[shared]) shared += 1;
  const marker = prompt.lastIndexOf('<|', shared);
  return marker > 0 ? marker : 0;
}

/**
 * The text is exactly what the model sees at each step — the chat template's prompt of the context so far, then
 * the reply and the turn end — so one sequence teaches every step of an episode at the cost of one forward pass.
 * Pieces meet at chat markers, where the tokenizer splits anyway, so encoding them apart equals encoding the whole.
 * `contextWeight` > 0 also teaches the question and tool-result turns (never the fixed system prompt): their text
 * repeats entity names and numbers again and again, which is what a tiny model needs to learn to copy from context.
 */
export function encodeConversation(tokenizer: TextTokenizer, messages: readonly Message[], maxLength: number, contextWeight = 0): EncodedSequence {
  const writer = new WeightedTokenWriter(tokenizer);
  let written = '';
  let promptLength = -1;
  messages.forEach((message, index) => {
    if (message.role !== 'assistant') return;
    const prompt = tokenizer.template.renderPrompt(messages.slice(0, index));
    if (!prompt.startsWith(written)) {
      throw new Error(`chat template ${tokenizer.template.name} does not extend earlier turns verbatim; a conversation cannot be encoded as one sequence`);
    }
    const context = prompt.slice(written.length);
    const systemEnd = written === '' ? systemPromptLength(tokenizer, messages, prompt) : 0;
    writer.append(context.slice(0, systemEnd), 0);
    writer.append(context.slice(systemEnd), contextWeight);
    const reply = message.content + tokenizer.template.turnEnd;
    if (promptLength < 0) promptLength = writer.length;
    writer.append(reply, 1);
    written = prompt + reply;
  });
  if (writer.length > maxLength) {
    throw new Error(`conversation of ${writer.length} tokens exceeds the ${maxLength}-token limit; raise the model's positions or shorten the episodes`);
  }
  return writer.toSequence(promptLength);
}
