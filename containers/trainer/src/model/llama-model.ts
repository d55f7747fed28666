// The shared decoder block (RMSNorm, rotate-half RoPE, grouped-query attention, gated MLP) over HF-named weights;
// each family's differences (biases, windows, Gemma 2's norms, caps and GeGLU) are traits of its DecoderConfig.
import type { LoraAdapter } from '../lora/lora-adapter';
import {
  add, causalAttention, concat, dropout, embedding, geglu, matmul, rmsNorm, rope, scale, scaledRope, softCap, swiglu, windowedAttention,
} from '../tensor/ops';
import { checkpoint } from '../tensor/checkpoint';
import type { Rng } from '../tensor/random';
import { deviceOf, kernelsOfBuffer, type Device } from '../tensor/device';
import { scalar, Tensor } from '../tensor/tensor';
import { embeddingBfloat16, matmulBfloat16 } from './bfloat16-ops';
import { Bfloat16Tensor } from './bfloat16-weight';
import type { KeyValueCache } from './key-value-cache';
import { attentionScaleOf, type DecoderConfig } from './decoder-config';
import { computeInverseFrequencies } from './rope-settings';
import { expectedWeightShapes } from './expected-weight-shapes';
import {
  ATTENTION_PROJECTIONS, EMBEDDING_WEIGHT, FINAL_NORM_WEIGHT, inputNormWeight, MLP_PROJECTIONS, OUTPUT_WEIGHT,
  postAttentionNormWeight, postFeedForwardNormWeight, preFeedForwardNormWeight, ProjectionName, projectionBias, projectionWeight,
} from './weight-names';


export interface ForwardOptions {
  /** Reuses and extends cached keys/values: inputs are the tokens after those already cached. */
  cache?: KeyValueCache;
  /** Random source for LoRA dropout; without it dropout is off (evaluation, sampling). */
  dropoutRng?: Rng;
}

export class LlamaModel {
  adapter: LoraAdapter | null = null;
  /**
   * Training forwards keep only each decoder layer's output and rerun the layer in the backward pass: activation
   * memory of one layer instead of all, for about a third more compute. Shared-prompt passes (forwardAfterPrefix) and
   * cached inference do not use it.
   */
  gradientCheckpointing = false;
  /** Scaled rotary frequencies (linear, llama3); null when the backend's plain-theta kernel applies. */
  private readonly inverseFrequencies: Float64Array | null;

  /** `weights` must hold exactly the tensors expectedWeightShapes lists (checked here). */
  constructor(readonly config: DecoderConfig, readonly weights: Map<string, Tensor>) {
    for (const [name, shape] of expectedWeightShapes(config)) {
      const tensor = weights.get(name);
      if (!tensor) throw new Error(`model weights: expected ${name} of shape [${shape}], but it is missing`);
      if (tensor.shape.join(',') !== shape.join(',')) throw new Error(`model weights: ${name}: expected shape [${shape}], received [${tensor.shape}]`);
    }
    this.inverseFrequencies = config.rope.type === 'default' ? null : computeInverseFrequencies(config.rope, config.headDimension);
  }

  private weight(name: string): Tensor {
    return this.weights.get(name)!;
  }

  /** Where the weights live (the final norm's weight is always float32, so it says for all of them). */
  get device(): Device {
    return deviceOf(this.weight(FINAL_NORM_WEIGHT).buffer);
  }

  /**
   * Moves every weight and the adapter to `device`, once: afterwards forward, backward and generation run there and
   * only ids, sampled tokens and scalars cross. Constants made for the old device are dropped.
   */
  toDevice(device: Device): this {
    for (const [name, tensor] of this.weights) this.weights.set(name, tensor.toDevice(device));
    this.adapter?.toDevice(device);
    this.constants.clear();
    return this;
  }

  private readonly constants = new Map<number, Tensor>();

  /** A one-element constant on the weights' device, made once (no upload per forward). */
  private constant(value: number): Tensor {
    let tensor = this.constants.get(value);
    if (!tensor) {
      tensor = scalar(value).toDevice(this.device);
      this.constants.set(value, tensor);
    }
    return tensor;
  }

  private project(x: Tensor, layer: number, projection: ProjectionName, dropoutRng: Rng | undefined): Tensor {
    let output = multiplyByTransposed(x, this.weight(projectionWeight(layer, projection)));
    const bias = this.weights.get(projectionBias(layer, projection));
    if (bias) output = add(output, bias);
    const pair = this.adapter?.get(layer, projection);
    if (pair && this.adapter) {
      const probability = this.adapter.settings.dropout;
      const input = dropoutRng && probability > 0 ? dropout(x, probability, dropoutRng) : x;
      const low = matmul(matmul(input, pair.a, { transposeB: true }), pair.b, { transposeB: true });
      output = add(output, scale(low, this.adapter.scaling));
    }
    return output;
  }

  /** Logits [batch, length, vocab] for input ids [batch·length] (row-major). */
  forward(ids: Int32Array, batch: number, length: number, options: ForwardOptions = {}): Tensor {
    const { config } = this;
    const cache = options.cache;
    const offset = cache ? cache.length : 0;
    if (offset + length > config.maxPositions) {
      throw new Error(`sequence of ${offset + length} tokens exceeds max_position_embeddings ${config.maxPositions}`);
    }
    const positions = createPositions(offset, length);
    let hidden = this.embed(ids, [batch, length]);
    for (let layer = 0; layer < config.layerCount; layer += 1) {
      if (this.gradientCheckpointing && !cache) {
        hidden = checkpoint((input, rng) => this.runLayer(input, layer, positions, rng), hidden, options.dropoutRng);
        continue;
      }
      const projected = this.projectAttentionInputs(hidden, layer, positions, options.dropoutRng);
      let { key, value } = projected;
      if (cache) ({ key, value } = cache.append(layer, key, value));
      const attended = this.attend(layer, projected.query, key, value, offset);
      hidden = this.finishBlock(hidden, attended, layer, options.dropoutRng);
    }
    if (cache) cache.advance(length);
    return this.projectLogits(hidden);
  }

  /**
   * Inference over several sequences at once, each extending its own one-row cache: `ids` holds each segment's new
   * tokens one after another. Projections and the MLP run over all of them as one matrix, attention runs per
   * sequence over its own keys and values, so every row computes what `forward` with that sequence's cache alone
   * computes. Returns the logits [segments, vocab] of each segment's last token. Untracked by autograd.
   */
  forwardSegments(ids: Int32Array, segments: readonly { cache: KeyValueCache; length: number }[]): Tensor {
    const { config } = this;
    const positions = new Int32Array(ids.length);
    const starts: number[] = [];
    let total = 0;
    for (const { cache, length } of segments) {
      if (length < 1 || cache.batch !== 1 || cache.length + length > config.maxPositions) {
        throw new Error(`forwardSegments: expected 1 to ${config.maxPositions - cache.length} new tokens on a one-row cache, received ${length} on ${cache.batch} rows`);
      }
      starts.push(total);
      for (let index = 0; index < length; index += 1) positions[total + index] = cache.length + index;
      total += length;
    }
    if (total !== ids.length) throw new Error(`forwardSegments: the segments cover ${total} tokens; ids holds ${ids.length}`);
    const rows = (tensor: Tensor, start: number, length: number): Tensor => {
      const width = tensor.shape[2];
      return new Tensor(kernelsOfBuffer(tensor.buffer).view(tensor.buffer, start * width, length * width), [1, length, width]);
    };
    const copyInto = (target: Tensor, targetStart: number, source: Tensor, sourceStart: number, values: number): void => {
      kernelsOfBuffer(target.buffer).copyBlocks({ source: source.buffer, sourceOffset: sourceStart, sourceStride: 0, target: target.buffer, targetOffset: targetStart, targetStride: 0, blockLength: values, blocks: 1, accumulate: false });
    };
    let hidden = this.embed(ids, [1, total]);
    for (let layer = 0; layer < config.layerCount; layer += 1) {
      const { query, key, value } = this.projectAttentionInputs(hidden, layer, positions, undefined);
      const attended = new Tensor(kernelsOfBuffer(query.buffer).allocate(query.size), query.shape);
      segments.forEach(({ cache, length }, segment) => {
        const start = starts[segment];
        const cached = cache.append(layer, rows(key, start, length), rows(value, start, length));
        const output = this.attend(layer, rows(query, start, length), cached.key, cached.value, cache.length);
        copyInto(attended, start * query.shape[2], output, 0, output.size);
      });
      hidden = this.finishBlock(hidden, attended, layer, undefined);
    }
    const last = new Tensor(kernelsOfBuffer(hidden.buffer).allocate(segments.length * config.hiddenSize), [1, segments.length, config.hiddenSize]);
    segments.forEach(({ cache, length }, segment) => {
      cache.advance(length);
      const end = starts[segment] + length;
      copyInto(last, segment * config.hiddenSize, hidden, (end - 1) * config.hiddenSize, config.hiddenSize);
    });
    return this.projectLogits(last);
  }

  /**
   * Logits [batch, length, vocab] of `batch` continuations of one shared prefix: the prefix runs once (batch 1)
   * and every row attends to its keys and values, instead of each row recomputing them. Gradients flow through
   * the shared keys and values into the prefix, so training sees exactly what `forward` on each full row would.
   * Only the rows' logits are computed.
   */
  forwardAfterPrefix(prefixIds: Int32Array, ids: Int32Array, batch: number, length: number, options: Pick<ForwardOptions, 'dropoutRng'> = {}): Tensor {
    const { config } = this;
    const prefixLength = prefixIds.length;
    if (prefixLength === 0) return this.forward(ids, batch, length, options);
    if (prefixLength + length > config.maxPositions) {
      throw new Error(`sequence of ${prefixLength + length} tokens exceeds max_position_embeddings ${config.maxPositions}`);
    }
    const prefixPositions = createPositions(0, prefixLength);
    const rowPositions = createPositions(prefixLength, length);
    let prefixHidden = this.embed(prefixIds, [1, prefixLength]);
    let hidden = this.embed(ids, [batch, length]);
    for (let layer = 0; layer < config.layerCount; layer += 1) {
      const prefix = this.projectAttentionInputs(prefixHidden, layer, prefixPositions, options.dropoutRng);
      const rows = this.projectAttentionInputs(hidden, layer, rowPositions, options.dropoutRng);
      const key = concat([repeatRows(prefix.key, batch), rows.key], 1);
      const value = concat([repeatRows(prefix.value, batch), rows.value], 1);
      hidden = this.finishBlock(hidden, this.attend(layer, rows.query, key, value, prefixLength), layer, options.dropoutRng);
      // The last layer's prefix output feeds nothing: only its keys and values were needed.
      if (layer + 1 < config.layerCount) {
        prefixHidden = this.finishBlock(prefixHidden, this.attend(layer, prefix.query, prefix.key, prefix.value, 0), layer, options.dropoutRng);
      }
    }
    return this.projectLogits(hidden);
  }

  /** One decoder layer without a cache (the unit gradient checkpointing reruns). */
  private runLayer(hidden: Tensor, layer: number, positions: Int32Array, dropoutRng: Rng | undefined): Tensor {
    const { query, key, value } = this.projectAttentionInputs(hidden, layer, positions, dropoutRng);
    return this.finishBlock(hidden, this.attend(layer, query, key, value, 0), layer, dropoutRng);
  }

  /** Token embeddings, times the family's multiplier (Gemma scales them by sqrt(hidden size)). */
  private embed(ids: Int32Array, shape: number[]): Tensor {
    const table = this.weight(EMBEDDING_WEIGHT);
    const embedded = table instanceof Bfloat16Tensor ? embeddingBfloat16(table, ids, shape) : embedding(table, ids, shape);
    return this.config.embeddingMultiplier === 1 ? embedded : scale(embedded, this.config.embeddingMultiplier);
  }

  /** RMSNorm by the named weight, plus the family's offset (Gemma multiplies by 1 + weight). */
  private norm(x: Tensor, name: string): Tensor {
    const weight = this.weight(name);
    return rmsNorm(x, this.config.normWeightOffset === 0 ? weight : add(weight, this.constant(this.config.normWeightOffset)), this.config.rmsNormEpsilon);
  }

  private rotate(x: Tensor, positions: Int32Array): Tensor {
    const { config } = this;
    if (this.inverseFrequencies) return scaledRope(x, positions, this.inverseFrequencies, config.headDimension);
    return rope(x, positions, config.rope.theta, config.headDimension);
  }

  /**
   * Causal attention of one layer; a sliding window (when it hides any key) or soft-capped scores go through the
   * windowed kernel, everything else through the backend's.
   */
  private attend(layer: number, query: Tensor, key: Tensor, value: Tensor, queryOffset: number): Tensor {
    const { config } = this;
    const heads = { heads: config.headCount, kvHeads: config.keyValueHeadCount };
    const window = config.slidingLayers[layer] ? config.slidingWindow : null;
    const lastPosition = queryOffset + query.shape[1] - 1;
    const windowHides = window !== null && lastPosition >= window;
    if (!windowHides && config.attentionSoftCap === null && config.queryPreAttentionScalar === null) return causalAttention(query, key, value, { ...heads, queryOffset });
    return windowedAttention(query, key, value, { ...heads, queryOffset, scale: attentionScaleOf(config), window: windowHides ? window : null, softCap: config.attentionSoftCap });
  }

  private projectAttentionInputs(hidden: Tensor, layer: number, positions: Int32Array, dropoutRng: Rng | undefined): { query: Tensor; key: Tensor; value: Tensor } {
    const normed = this.norm(hidden, inputNormWeight(layer));
    return {
      query: this.rotate(this.project(normed, layer, 'q_proj', dropoutRng), positions),
      key: this.rotate(this.project(normed, layer, 'k_proj', dropoutRng), positions),
      value: this.project(normed, layer, 'v_proj', dropoutRng),
    };
  }

  /** The attention output projection and the MLP, each added to the residual stream (Gemma 2 norms each first). */
  private finishBlock(hidden: Tensor, attended: Tensor, layer: number, dropoutRng: Rng | undefined): Tensor {
    const { config } = this;
    let attentionOutput = this.project(attended, layer, 'o_proj', dropoutRng);
    if (config.feedForwardNorms) attentionOutput = this.norm(attentionOutput, postAttentionNormWeight(layer));
    const afterAttention = add(hidden, attentionOutput);
    const mlpInput = this.norm(afterAttention, config.feedForwardNorms ? preFeedForwardNormWeight(layer) : postAttentionNormWeight(layer));
    const gate = this.project(mlpInput, layer, 'gate_proj', dropoutRng);
    const up = this.project(mlpInput, layer, 'up_proj', dropoutRng);
    let mlpOutput = this.project(config.activation === 'silu' ? swiglu(gate, up) : geglu(gate, up), layer, 'down_proj', dropoutRng);
    if (config.feedForwardNorms) mlpOutput = this.norm(mlpOutput, postFeedForwardNormWeight(layer));
    return add(afterAttention, mlpOutput);
  }

  private projectLogits(hidden: Tensor): Tensor {
    const { config } = this;
    const final = this.norm(hidden, FINAL_NORM_WEIGHT);
    const output = config.tieEmbeddings ? this.weight(EMBEDDING_WEIGHT) : this.weight(OUTPUT_WEIGHT);
    const logits = multiplyByTransposed(final, output);
    return config.finalLogitSoftCap === null ? logits : softCap(logits, config.finalLogitSoftCap);
  }

  /** Marks every base weight trainable (full fine-tuning, training from scratch) or frozen (LoRA). */
  setBaseTrainable(trainable: boolean): void {
    for (const [name, tensor] of this.weights) {
      // A trained weight needs float32 storage for its updates: bf16 weights are expanded first.
      if (trainable && tensor instanceof Bfloat16Tensor) this.weights.set(name, tensor.toFloat32());
    }
    for (const tensor of this.weights.values()) tensor.requiresGrad = trainable;
  }

  parameterCount(): number {
    let count = 0;
    for (const tensor of this.weights.values()) count += tensor.size;
    return count;
  }
}

/** x · Wᵀ for a [out, in] weight, read block by block when it is held as bf16. */
function multiplyByTransposed(x: Tensor, weight: Tensor): Tensor {
  return weight instanceof Bfloat16Tensor ? matmulBfloat16(x, weight) : matmul(x, weight, { transposeB: true });
}

function createPositions(offset: number, length: number): Int32Array {
  const positions = new Int32Array(length);
  for (let index = 0; index < length; index += 1) positions[index] = offset + index;
  return positions;
}

/** [1, n, width] → [rows, n, width], each row a copy; gradients of the copies add up in the one source. */
function repeatRows(tensor: Tensor, rows: number): Tensor {
  return rows === 1 ? tensor : concat(Array.from({ length: rows }, () => tensor), 0);
}

export const ALL_PROJECTIONS: readonly ProjectionName[] = [...ATTENTION_PROJECTIONS, ...MLP_PROJECTIONS];
