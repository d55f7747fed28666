// Writes a checkpoint with random bf16 weights in a model's full shape (sharded safetensors plus index), streamed
// tensor by tensor, so memory and speed can be measured at real sizes without downloading weights.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expectedWeightShapes, parseModelConfig, toHuggingFaceConfig } from '../../containers/trainer/src/model';
import { float32ToBfloat16 } from '../../containers/trainer/src/safetensors';
import { Rng } from '../../containers/trainer/src/tensor';

/** Qwen2.5-0.5B's published config.json (4.x layout), the shape the memory and LoRA measurements use. */
export const QWEN25_HALF_BILLION_CONFIG = {
  architectures: ['Qwen2ForCausalLM'], attention_dropout: 0.0, bos_token_id: 151643, eos_token_id: 151643, hidden_act: 'silu',
  hidden_size: 896, initializer_range: 0.02, intermediate_size: 4864, max_position_embeddings: 32768, max_window_layers: 24,
  model_type: 'qwen2', num_attention_heads: 14, num_hidden_layers: 24, num_key_value_heads: 2, rms_norm_eps: 1e-6, rope_theta: 1000000.0,
  sliding_window: 32768, tie_word_embeddings: true, torch_dtype: 'bfloat16', transformers_version: '4.40.1', use_cache: true,
  use_sliding_window: false, vocab_size: 151936,
};

const POOL_SIZE = 1 << 20;

/** Writes config.json, model-0000N-of-0000M.safetensors and the index; returns the bf16 weight bytes. */
export async function writeRandomCheckpoint(directory: string, configJson: Record<string, unknown>, shardCount: number, seed: number): Promise<number> {
  const config = parseModelConfig(configJson);
  await fs.mkdir(directory, { recursive: true });
  await fs.writeFile(path.join(directory, 'config.json'), JSON.stringify(toHuggingFaceConfig(config), null, 2));
  // Normal(0, 0.02) values drawn once and read at random offsets: far faster than one draw per weight.
  const rng = new Rng(seed);
  const pool = new Uint16Array(POOL_SIZE);
  for (let index = 0; index < POOL_SIZE; index += 1) pool[index] = float32ToBfloat16(rng.nextNormal() * 0.02);
  const shapes = [...expectedWeightShapes(config)];
  const totalElements = shapes.reduce((total, [, shape]) => total + shape.reduce((product, size) => product * size, 1), 0);
  const shards: Array<Array<[string, number[]]>> = Array.from({ length: shardCount }, () => []);
  let filled = 0;
  for (const entry of shapes) {
    const elements = entry[1].reduce((product, size) => product * size, 1);
    shards[Math.min(shardCount - 1, Math.floor((filled / totalElements) * shardCount))].push(entry);
    filled += elements;
  }
  const weightMap: Record<string, string> = {};
  for (const [shardIndex, entries] of shards.entries()) {
    const file = `model-${String(shardIndex + 1).padStart(5, '0')}-of-${String(shardCount).padStart(5, '0')}.safetensors`;
    const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
    let offset = 0;
    for (const [name, shape] of entries) {
      const bytes = shape.reduce((product, size) => product * size, 1) * 2;
      header[name] = { dtype: 'BF16', shape, data_offsets: [offset, offset + bytes] };
      offset += bytes;
      weightMap[name] = file;
    }
    let headerText = JSON.stringify(header);
    headerText += ' '.repeat((8 - ((8 + Buffer.byteLength(headerText)) % 8)) % 8);
    const handle = await fs.open(path.join(directory, file), 'w');
    try {
      const prefix = Buffer.alloc(8);
      prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(headerText)));
      await handle.write(prefix);
      await handle.write(Buffer.from(headerText, 'utf8'));
      for (const [name, shape] of entries) {
        const values = new Uint16Array(shape.reduce((product, size) => product * size, 1));
        if (name.endsWith('norm.weight')) values.fill(float32ToBfloat16(1));
        else if (!name.endsWith('.bias')) {
          for (let start = 0; start < values.length; start += POOL_SIZE) {
            const shift = Math.floor(rng.nextFloat() * POOL_SIZE);
            const count = Math.min(POOL_SIZE, values.length - start);
            for (let index = 0; index < count; index += 1) values[start + index] = pool[(index + shift) % POOL_SIZE];
          }
        }
        await handle.write(new Uint8Array(values.buffer));
      }
    } finally {
      await handle.close();
    }
  }
  await fs.writeFile(path.join(directory, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: totalElements * 2 }, weight_map: weightMap }, null, 2));
  return totalElements * 2;
}
