// One sequence being decoded: its own sampling stream, the tokens it has produced, and when it stops.
import { kernelsOfBuffer, type Buffer } from '../tensor/device';
import type { Rng } from '../tensor/random';
import { chooseToken, SamplingSettings } from './sample-token';

export interface GenerationSettings extends SamplingSettings {
  maxTokens: number;
  /** Token ids that end the turn (not included in the output). */
  stopTokenIds: readonly number[];
  /** Text stop sequences, checked on the decoded output (needs `decode`). */
  stopStrings?: readonly string[];
  decode?: (ids: readonly number[]) => string;
}

export interface GeneratedTokens {
  tokens: number[];
  /** Decoded output cut before the first stop string (when decode is given). */
  text: string;
  finishReason: 'stop' | 'length';
  /** Logits of each generated position (only when keepLogits is set; for tests and checks). */
  logits?: Float32Array[];
}

function firstStop(text: string, stops: readonly string[]): number {
  let earliest = -1;
  for (const stop of stops) {
    const found = text.indexOf(stop);
    if (found >= 0 && (earliest < 0 || found < earliest)) earliest = found;
  }
  return earliest;
}

/** Checks a prompt against the model's window and returns how many positions the sequence may fill. */
export function planCapacity(promptLength: number, settings: Pick<GenerationSettings, 'maxTokens'>, maxPositions: number): number {
  if (promptLength === 0) throw new Error('generate: the prompt is empty; expected at least one token');
  const capacity = Math.min(promptLength + settings.maxTokens, maxPositions);
  if (promptLength >= capacity) throw new Error(`generate: the prompt has ${promptLength} tokens, leaving no room under max_position_embeddings ${maxPositions}`);
  return capacity;
}

/**
 * Draws one token per call from the logits after the sequence's last token. Only this sequence's stream is used, so
 * what it produces does not depend on which other sequences are decoded beside it.
 */
export class DecodeSequence {
  readonly tokens: number[] = [];
  private text = '';
  private finish: GeneratedTokens['finishReason'] | null = null;
  private cutByStopString = false;

  constructor(readonly prompt: readonly number[], readonly settings: GenerationSettings, private readonly rng: Rng, readonly capacity: number) {}

  get finished(): boolean {
    return this.finish !== null;
  }

  /** Samples the next token; returns it when it must be fed back, or null once the sequence has finished. */
  accept(logits: Float32Array): number | null {
    return this.acceptToken(chooseToken(logits, this.settings, this.nextDraw()));
  }

  /**
   * The uniform draw for the next token: one number from this sequence's stream, none when greedy. Whoever holds the
   * logits (host or device) turns it into the token with chooseToken's rule, then hands it to acceptToken.
   */
  nextDraw(): number {
    if (this.finish !== null) throw new Error('generate: the sequence has already finished');
    return this.settings.temperature > 0 ? this.rng.nextFloat() : 0;
  }

  /** Records a sampled token; returns it when it must be fed back, or null once the sequence has finished. */
  acceptToken(token: number): number | null {
    if (this.finish !== null) throw new Error('generate: the sequence has already finished');
    const { settings } = this;
    if (settings.stopTokenIds.includes(token)) {
      this.finish = 'stop';
      return null;
    }
    this.tokens.push(token);
    if (settings.decode && settings.stopStrings && settings.stopStrings.length > 0) {
      const text = settings.decode(this.tokens);
      const stopAt = firstStop(text, settings.stopStrings);
      if (stopAt >= 0) {
        this.finish = 'stop';
        this.text = text.slice(0, stopAt);
        this.cutByStopString = true;
        return null;
      }
    }
    // The fed positions are the prompt and every token but this newest one.
    if (this.tokens.length >= settings.maxTokens || this.prompt.length + this.tokens.length - 1 >= this.capacity) {
      this.finish = 'length';
      return null;
    }
    return token;
  }

  result(): GeneratedTokens {
    if (this.finish === null) throw new Error('generate: the sequence has not finished');
    const text = this.cutByStopString ? this.text : this.settings.decode ? this.settings.decode(this.tokens) : '';
    return { tokens: this.tokens, text, finishReason: this.finish };
  }
}

/**
 * The next token of each sequence from its row of `logits` ([sequences, vocab]), chosen where the logits live so
 * that only the ids cross to the host; each sequence draws from its own stream.
 */
export function chooseNextTokens(logits: Buffer, vocab: number, sequences: readonly DecodeSequence[]): Int32Array {
  const rows = sequences.length;
  const temperatures = new Float64Array(rows);
  const topPs = new Float64Array(rows);
  const draws = new Float64Array(rows);
  sequences.forEach((sequence, row) => {
    temperatures[row] = sequence.settings.temperature;
    topPs[row] = sequence.settings.topP;
    draws[row] = sequence.nextDraw();
  });
  return kernelsOfBuffer(logits).sampleTokens(logits, { rows, vocab, temperatures, topPs, draws });
}
