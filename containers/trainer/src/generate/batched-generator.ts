// Continuous batching: the generate calls of many callers decode together, one forward per step over every live sequence.
import { KeyValueCache } from '../model/key-value-cache';
import type { LlamaModel } from '../model/llama-model';
import { noGrad } from '../tensor/autograd';
import { withDeviceScope } from '../tensor/device';
import type { Rng } from '../tensor/random';
import { chooseNextTokens, DecodeSequence, GeneratedTokens, GenerationSettings, planCapacity } from './decode-sequence';
import { commonPrefixLength, PrefixPool } from './prefix-pool';

export interface BatchedGeneratorOptions {
  /** Sequences decoded together at most; later calls wait for a slot. Default 64. */
  maxBatch?: number;
  /** Prompt tokens admitted into one step at most (a longer prompt still runs, alone). Default 4096. */
  maxStepTokens?: number;
  /** Memory kept for the key-value caches of finished sequences, reused by calls that extend them. Default 256 MiB. */
  prefixPoolBytes?: number;
}

export interface GeneratorStatistics {
  steps: number;
  /** Tokens run through the model: prompts not found in the prefix pool, plus one per decoded token. */
  forwardTokens: number;
  /** Prompt tokens whose keys and values came from the prefix pool instead. */
  reusedTokens: number;
  /** Mean live sequences per step. */
  meanBatch: number;
}

interface Entry {
  sequence: DecodeSequence;
  cache: KeyValueCache | null;
  /** Tokens whose keys and values the cache holds. */
  fed: number[];
  /** Tokens to run at the next step. */
  feed: number[];
  resolve: (result: GeneratedTokens) => void;
  reject: (error: unknown) => void;
}

/** Tokens of prefill a call must be able to share with one admitted in the same step before it waits a step for it. */
const SHARED_PREFIX_WORTH_WAITING = 16;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Callers `await generate(...)` as if alone; the generator gathers every pending call, prefills new prompts and
 * decodes one token for each live sequence in a single forward, resolves a sequence's promise the moment it finishes
 * and lets a waiting call take its slot at the next step. Between steps it yields to the event loop, so a caller can
 * run its tools and come back with its next turn while the others keep decoding.
 */
export class BatchedGenerator {
  private readonly waiting: Entry[] = [];
  private readonly live: Entry[] = [];
  private readonly pool: PrefixPool;
  private readonly maxBatch: number;
  private readonly maxStepTokens: number;
  private running = false;
  private batchTotal = 0;
  readonly statistics: GeneratorStatistics = { steps: 0, forwardTokens: 0, reusedTokens: 0, meanBatch: 0 };

  constructor(readonly model: LlamaModel, options: BatchedGeneratorOptions = {}) {
    this.maxBatch = options.maxBatch ?? 64;
    this.maxStepTokens = options.maxStepTokens ?? 4096;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new Error(`batched generator: maxBatch must be a positive integer, received ${this.maxBatch}`);
    this.pool = new PrefixPool(options.prefixPoolBytes ?? 256 * 2 ** 20);
  }

  /** Generates after `prompt`, drawing from `rng` only; the result is the same whatever else decodes beside it. */
  generate(prompt: readonly number[], settings: GenerationSettings, rng: Rng): Promise<GeneratedTokens> {
    return new Promise((resolve, reject) => {
      const capacity = planCapacity(prompt.length, settings, this.model.config.maxPositions);
      this.waiting.push({ sequence: new DecodeSequence(prompt, settings, rng, capacity), cache: null, fed: [], feed: [], resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.run();
      }
    });
  }

  /** Drops the kept caches (call after the model's weights change). */
  clearPrefixPool(): void {
    this.pool.clear();
  }

  private async run(): Promise<void> {
    // Callers that start in the same tick join the first step.
    await yieldToEventLoop();
    for (;;) {
      try {
        this.admit();
        if (this.live.length === 0) break;
        this.step();
      } catch (error) {
        for (const entry of this.live.splice(0)) entry.reject(error);
      }
      await yieldToEventLoop();
    }
    this.running = false;
  }

  /** Moves waiting calls into free slots, each starting from the longest cached prefix of its prompt. */
  private admit(): void {
    let admittedTokens = 0;
    const admitted: Entry[] = [];
    for (let index = 0; index < this.waiting.length && this.live.length < this.maxBatch;) {
      const entry = this.waiting[index];
      const prompt = entry.sequence.prompt;
      // At least the prompt's last token runs, to give the logits of the first new token.
      const usable = prompt.length - 1;
      const donor = this.pool.findLongestPrefix(prompt, usable, this.live);
      const reused = donor?.length ?? 0;
      // A call sharing more of its prompt with one admitted this step waits a step and copies that one's prefill.
      const sibling = admitted.some((other) => commonPrefixLength(other.sequence.prompt, prompt, usable) > reused + SHARED_PREFIX_WORTH_WAITING);
      const cost = prompt.length - reused;
      if (sibling || (admitted.length > 0 && admittedTokens + cost > this.maxStepTokens)) {
        index += 1;
        continue;
      }
      this.waiting.splice(index, 1);
      try {
        entry.cache = this.pool.takeCache(donor, entry.sequence.capacity, this.model.config, this.model.device);
      } catch (error) {
        entry.reject(error);
        continue;
      }
      entry.fed = prompt.slice(0, reused);
      entry.feed = prompt.slice(reused);
      this.statistics.reusedTokens += reused;
      admittedTokens += cost;
      admitted.push(entry);
      this.live.push(entry);
    }
  }

  private step(): void {
    const ids = Int32Array.from(this.live.flatMap((entry) => entry.feed));
    const segments = this.live.map((entry) => ({ cache: entry.cache!, length: entry.feed.length }));
    // On a device the step's activations are released when it ends; the caches are persistent and stay.
    withDeviceScope(this.model.device, () => this.decodeStep(ids, segments));
  }

  private decodeStep(ids: Int32Array, segments: { cache: KeyValueCache; length: number }[]): void {
    const logits = noGrad(() => this.model.forwardSegments(ids, segments));
    // Tokens are chosen where the logits are: on a device only the ids come back.
    const chosen = chooseNextTokens(logits.buffer, this.model.config.vocabSize, this.live.map((entry) => entry.sequence));
    this.statistics.steps += 1;
    this.statistics.forwardTokens += ids.length;
    this.batchTotal += this.live.length;
    this.statistics.meanBatch = this.batchTotal / this.statistics.steps;
    const finished: Entry[] = [];
    this.live.forEach((entry, row) => {
      entry.fed.push(...entry.feed);
      const next = entry.sequence.acceptToken(chosen[row]);
      if (next === null) finished.push(entry);
      else entry.feed = [next];
    });
    for (const entry of finished) {
      this.live.splice(this.live.indexOf(entry), 1);
      this.pool.keep(entry.cache!, entry.fed);
      entry.resolve(entry.sequence.result());
    }
  }
}
