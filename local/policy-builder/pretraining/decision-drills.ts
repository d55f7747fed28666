// Decision drills: hop states cut from the demonstrations, each answered only by the relation the demonstration's next note names.
import type { Message } from '../../../core/schemas/message';
import { createSeededRandom } from '../../../core/tasks/seeded-random';
import type { EncodedSequence } from '../../../containers/trainer/src/objectives/encode-record';
import type { TextTokenizer } from '../../../containers/trainer/src/tokenizer/load-tokenizer';
import type { DrillOptions } from './pack-drill-turns';

/** Drill sequences hold several states; a hop state after two or three tool results is 150–350 tokens, so each sequence holds one to three. */
export const DECISION_DRILL_TOKENS = { minimumTokens: 200, maximumTokens: 500 } as const;

export interface DecisionState {
  /** The chat-template prompt of the conversation before the reply, without its system turns. */
  prompt: string;
  /** The reply's opening up to the note's last colon: the relation it chose ("employer", "plan: publisher"). */
  decision: string;
}

/** The note's label, the text before the last ": " ahead of the action; null for a reply without such a note. */
export function readDecision(reply: string): string | null {
  const action = reply.indexOf('<');
  const note = action < 0 ? reply : reply.slice(0, action);
  const colon = note.lastIndexOf(': ');
  return colon > 0 ? note.slice(0, colon) : null;
}

/**
 * Every reply that follows a tool result and opens with a labelled note is a decision state: the label names the
 * relation the demonstration chose there, mistakes included, so drills sharpen the demonstrations' own choices
 * and keep their blind spots. The first reply (the search for the question's entity) decides nothing.
 */
export function listDecisionStates(tokenizer: TextTokenizer, conversations: readonly (readonly Message[])[]): DecisionState[] {
  const states: DecisionState[] = [];
  for (const messages of conversations) {
    const opening = messages.findIndex((message) => message.role !== 'system');
    messages.forEach((message, index) => {
      if (message.role !== 'assistant' || index === 0 || messages[index - 1].role !== 'user' || index - 1 === opening) return;
      const decision = readDecision(message.content);
      if (decision !== null) states.push({ prompt: tokenizer.template.renderPrompt(messages.slice(opening, index)), decision });
    });
  }
  return states;
}

/**
 * Trained on whole episodes, a small model learned to follow each page's first relation whatever the question
 * asked: the choice is one or two tokens among hundreds, and the page alone predicts it half the time. To choose
 * from the question it has to find the entity just searched in the nested question and read the relation named
 * right before it (or before the relation just followed), a lookup that only forms under a dense signal. Drills
 * pack several states per sequence and weight only the choice; the rest of each state is unweighted context.
 */
export function createDecisionDrills(tokenizer: TextTokenizer, states: readonly DecisionState[], options: DrillOptions): EncodedSequence[] {
  if (options.count === 0) return [];
  const encoded = states
    .map((state) => ({ prompt: tokenizer.encode(state.prompt), decision: tokenizer.encode(state.decision) }))
    .filter((state) => state.prompt.length + state.decision.length <= options.maximumTokens);
  if (encoded.length === 0) {
    throw new Error(`decision drills: expected hop states of at most ${options.maximumTokens} tokens, received ${states.length} states and none that short`);
  }
  const random = createSeededRandom(`decision-drills:${options.seed}`);
  const sequences: EncodedSequence[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const tokens: number[] = [];
    const weights: number[] = [];
    const target = random.integer(options.minimumTokens, options.maximumTokens);
    while (tokens.length < target) {
      const state = random.pick(encoded);
      if (tokens.length > 0 && tokens.length + state.prompt.length + state.decision.length > options.maximumTokens) break;
      tokens.push(...state.prompt, ...state.decision);
      weights.push(...state.prompt.map(() => 0), ...state.decision.map(() => 1));
    }
    sequences.push({ tokens, weights, promptLength: 0 });
  }
  return sequences;
}
