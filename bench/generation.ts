// Generation benchmark: 32 hop episodes through the trainer provider, one at a time and batched, greedy, on two models.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runEpisode } from '../core/agent/run-episode';
import { COMPACT_SYSTEM_PROMPT, DEFAULT_USER_PROMPT } from '../core/prompts/default-prompts';
import type { GenerateOptions, GenerateResult, ModelProvider } from '../core/providers/model-provider';
import { TrainerModelSchema, type Message, type Trajectory } from '../core/schemas';
import { createDemonstrationTools } from '../core/tasks/demonstrations';
import { generateTaskDataset } from '../core/tasks/generate-task-dataset';
import { generateReply, prepareReply } from '../containers/trainer/src/generate/generate-reply';
import { initializeModel } from '../containers/trainer/src/model/initialize-model';
import { loadModel } from '../containers/trainer/src/model/load-model';
import { parseModelConfig } from '../containers/trainer/src/model/model-config';
import { createLocalSource } from '../containers/trainer/src/model/model-source';
import { saveModel } from '../containers/trainer/src/model/save-model';
import { clearTrainerModelCache, TrainerProvider } from '../containers/trainer/src/serve/trainer-provider';
import { Rng, selectBackend } from '../containers/trainer/src/tensor';

const EPISODES = 32;
const MAX_TOKENS = 64;
const MAX_STEPS = 5;
const THREADS = 2;
const ROUNDS = 2;
const PROMPTS = { system: COMPACT_SYSTEM_PROMPT, user: DEFAULT_USER_PROMPT };
const TINY_POLICY = resolve(__dirname, '..', 'models', 'tiny-policy');
/** bench/trainer.ts's 10M shape. */
const SHAPE_10M = { model_type: 'llama', vocab_size: 2048, hidden_size: 384, intermediate_size: 1024, num_hidden_layers: 6, num_attention_heads: 6, num_key_value_heads: 2, max_position_embeddings: 512, tie_word_embeddings: true };

interface Call {
  episode: number;
  turn: number;
  messages: Message[];
  outputTokens: number;
}

/** Records each call's conversation, so the peer can decode the same prompts to the same lengths. */
class RecordingProvider implements ModelProvider {
  readonly calls: Call[] = [];

  constructor(private readonly inner: ModelProvider, private readonly episode: number, private turn = 0) {}

  get id(): string {
    return this.inner.id;
  }

  async generate(messages: Message[], options?: GenerateOptions): Promise<GenerateResult> {
    const call: Call = { episode: this.episode, turn: this.turn++, messages: [...messages], outputTokens: 0 };
    const result = await this.inner.generate(messages, options);
    call.outputTokens = result.usage.outputTokens;
    this.calls.push(call);
    return result;
  }
}

/** The decoding path before batching: each call alone, its prompt prefilled from scratch. */
class UnbatchedProvider implements ModelProvider {
  readonly id = 'unbatched';

  constructor(private readonly loaded: Awaited<ReturnType<typeof loadModel>>) {}

  generate(messages: Message[], options: GenerateOptions = {}): Promise<GenerateResult> {
    const reply = generateReply(this.loaded.model, this.loaded.tokenizer, messages, { temperature: options.temperature ?? 0, topP: options.topP ?? 1, maxTokens: options.maxTokens ?? MAX_TOKENS }, new Rng(options.seed ?? 0));
    return Promise.resolve({ text: reply.text, finishReason: reply.finishReason, usage: { inputTokens: reply.promptTokens.length, outputTokens: reply.tokens.length } });
  }
}

interface Measured {
  trajectories: Trajectory[];
  calls: Call[];
  seconds: number;
  tokens: number;
}

async function runEpisodes(provider: ModelProvider, batched: boolean, count = EPISODES): Promise<Measured> {
  const { rows, corpus } = generateTaskDataset('hop', 'test', { count, seed: 1 });
  const tools = createDemonstrationTools(corpus);
  const recorders = rows.map((_row, index) => new RecordingProvider(provider, index));
  const episode = (index: number): Promise<Trajectory> => runEpisode({
    runId: 'bench-generation', question: rows[index], sample: 0, provider: recorders[index], tools, prompts: PROMPTS, maxSteps: MAX_STEPS,
    generateOptions: { temperature: 0, topP: 1, maxTokens: MAX_TOKENS },
  });
  const started = performance.now();
  const trajectories: Trajectory[] = [];
  if (batched) trajectories.push(...(await Promise.all(rows.map((_row, index) => episode(index)))));
  else for (let index = 0; index < rows.length; index += 1) trajectories.push(await episode(index));
  const seconds = (performance.now() - started) / 1000;
  const failed = trajectories.find((trajectory) => trajectory.finishReason === 'model_error');
  if (failed) throw new Error(`episode ${failed.id}: ${failed.error}`);
  const tokens = trajectories.reduce((total, trajectory) => total + trajectory.usage.outputTokens, 0);
  return { trajectories, calls: recorders.flatMap((recorder) => recorder.calls), seconds, tokens };
}

function outputsOf(measured: Measured): string[] {
  return measured.trajectories.map((trajectory) => JSON.stringify([trajectory.finishReason, trajectory.turns.map((turn) => turn.output)]));
}

function freshProvider(directory: string, maxBatch: number): TrainerProvider {
  // A fresh load: neither side starts with the other's cached prefixes.
  clearTrainerModelCache();
  return new TrainerProvider(TrainerModelSchema.parse({ provider: 'trainer', model: directory, temperature: 0, maxTokens: MAX_TOKENS }), { store: null, maxBatch });
}

interface PeerResult {
  model: string;
  tokensPerSec: number;
  /** Fraction of first-turn replies the peer decodes to the same text as ours (the same weights, greedy). */
  firstTurnAgreement: number;
}

interface ModelResult {
  model: string;
  sequential: Measured;
  batched: Measured;
  unbatched: Measured;
  identical: number;
  peer: PeerResult | null;
}

/** The batched run's calls grouped by turn, each group one peer batch of at most EPISODES prompts. */
function peerBatches(batched: Measured, loaded: Awaited<ReturnType<typeof loadModel>>): { prompts: number[][]; newTokens: number[] }[] {
  const byTurn = new Map<number, Call[]>();
  for (const call of batched.calls) byTurn.set(call.turn, [...(byTurn.get(call.turn) ?? []), call]);
  return [...byTurn.keys()].sort((left, right) => left - right).map((turn) => {
    const calls = byTurn.get(turn)!.sort((left, right) => left.episode - right.episode);
    return {
      prompts: calls.map((call) => prepareReply(loaded.model.config, loaded.tokenizer, call.messages, { temperature: 0, topP: 1, maxTokens: MAX_TOKENS }).promptTokens),
      newTokens: calls.map((call) => Math.max(1, call.outputTokens)),
    };
  });
}

/** One timed run of the peer on the batched run's prompts and reply lengths (after its own warm-up). */
async function runPeer(python: string, label: string, directory: string, batched: Measured): Promise<PeerResult> {
  const loaded = await loadModel(directory, null);
  const batches = peerBatches(batched, loaded);
  const request = { threads: THREADS, rounds: 1, models: [{ model: label, directory, stopTokenIds: [...loaded.tokenizer.stopTokenIds], batches }] };
  const run = spawnSync(python, [join(__dirname, 'support', 'generation-peer.py')], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`peer (${python}) failed: ${run.stderr.slice(-2000)}`);
  const lines = run.stdout.trim().split('\n');
  const [entry] = (JSON.parse(lines[lines.length - 1]) as { results: { seconds: number; firstBatch: number[][] }[] }).results;
  const first = batches[0];
  const ours = batched.calls.filter((call) => call.turn === 0).sort((left, right) => left.episode - right.episode);
  // Both sides decode the same converted weights greedily: their first replies, cut to our length, should agree.
  const agree = entry.firstBatch.filter((row, index) => batched.trajectories[ours[index].episode].turns[0].output === loaded.tokenizer.decode(row.slice(0, first.newTokens[index]), false)).length;
  console.log(`  peer: transformers batched greedy generate ${(batched.tokens / entry.seconds).toFixed(0)} tok/s (${entry.seconds.toFixed(2)} s, ${batches.length} batches by turn); first replies equal to ours: ${agree}/${first.prompts.length}`);
  return { model: label, tokensPerSec: Math.round(batched.tokens / entry.seconds), firstTurnAgreement: Number((agree / first.prompts.length).toFixed(3)) };
}

async function measureModel(label: string, directory: string, python: string | undefined): Promise<ModelResult> {
  await runEpisodes(freshProvider(directory, EPISODES), true, 4);
  // Rounds alternate the sides (one at a time, batched, peer) and the fastest of each counts: other load on the
  // machine only ever slows a run down.
  const rounds: { sequential: Measured; batched: Measured; peer: PeerResult | null }[] = [];
  const perSec = (measured: Measured): string => (measured.tokens / measured.seconds).toFixed(0);
  for (let round = 0; round < ROUNDS; round += 1) {
    const sequential = await runEpisodes(freshProvider(directory, EPISODES), false);
    const batched = await runEpisodes(freshProvider(directory, EPISODES), true);
    console.log(`${label} round ${round}: one at a time ${perSec(sequential)} tok/s (${sequential.seconds.toFixed(1)} s), batched ${perSec(batched)} tok/s (${batched.seconds.toFixed(1)} s)`);
    rounds.push({ sequential, batched, peer: python ? await runPeer(python, label, directory, batched) : null });
  }
  const fastest = (runs: Measured[]): Measured => runs.reduce((best, run) => (run.seconds < best.seconds ? run : best));
  const sequential = fastest(rounds.map((round) => round.sequential));
  const batched = fastest(rounds.map((round) => round.batched));
  const peers = rounds.flatMap((round) => (round.peer ? [round.peer] : []));
  const peer = peers.length > 0 ? peers.reduce((best, entry) => (entry.tokensPerSec > best.tokensPerSec ? entry : best)) : null;
  const unbatched = await runEpisodes(new UnbatchedProvider(await loadModel(directory, null)), false);
  const [one, many, before] = [outputsOf(sequential), outputsOf(batched), outputsOf(unbatched)];
  const identical = many.filter((output, index) => output === one[index] && output === before[index]).length;
  const rerun = rounds.every((round) => JSON.stringify(outputsOf(round.batched)) === JSON.stringify(many) && JSON.stringify(outputsOf(round.sequential)) === JSON.stringify(one));
  if (!rerun) console.log(`${label}: WARNING: a round's outputs differ from another round's`);
  console.log(`${label}: ${batched.tokens} tokens in ${batched.calls.length} calls; best one at a time ${perSec(sequential)} tok/s, batched ${perSec(batched)} tok/s, the unbatched path ${perSec(unbatched)} tok/s; ${identical}/${EPISODES} episodes identical in all three`);
  return { model: label, sequential, batched, unbatched, identical, peer };
}

async function main(): Promise<void> {
  const backend = selectBackend('auto');
  console.log(`backend ${backend.name}, ${EPISODES} hop episodes, greedy, up to ${MAX_TOKENS} tokens per call, ${MAX_STEPS} steps`);
  const scratch = mkdtempSync(join(tmpdir(), 'swirl-bench-generation-'));
  try {
    const tokenizerFiles = { tokenizerJson: JSON.parse(readFileSync(join(TINY_POLICY, 'tokenizer.json'), 'utf8')) as object, tokenizerConfig: JSON.parse(readFileSync(join(TINY_POLICY, 'tokenizer_config.json'), 'utf8')) as object };
    const model10m = initializeModel(parseModelConfig(SHAPE_10M, '10M shape'), 1);
    const directory10m = join(scratch, '10m');
    await saveModel(model10m, createLocalSource(directory10m), tokenizerFiles);
    const python = process.env.SWIRL_PEER_PYTHON;
    if (!python) console.log('NOTICE: SWIRL_PEER_PYTHON is unset; no transformers peer measured');
    const results = [await measureModel('tiny-policy', TINY_POLICY, python), await measureModel('10M', directory10m, python)];
    console.log(JSON.stringify({
      episodes: EPISODES,
      backend: backend.name,
      results: results.map((result) => {
        const sequentialTokensPerSec = result.sequential.tokens / result.sequential.seconds;
        const batchedTokensPerSec = result.batched.tokens / result.batched.seconds;
        const peerEntry = result.peer;
        return {
          model: result.model,
          tokens: result.batched.tokens,
          sequentialTokensPerSec: Math.round(sequentialTokensPerSec),
          batchedTokensPerSec: Math.round(batchedTokensPerSec),
          unbatchedTokensPerSec: Math.round(result.unbatched.tokens / result.unbatched.seconds),
          speedup: Number((batchedTokensPerSec / sequentialTokensPerSec).toFixed(2)),
          ratioToPeer: peerEntry ? Number((batchedTokensPerSec / peerEntry.tokensPerSec).toFixed(2)) : null,
          identicalEpisodes: result.identical,
        };
      }),
      identicalGreedy: results.every((result) => result.identical === EPISODES),
      peer: python ? { results: results.map((result) => result.peer) } : null,
    }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
