// Builds a small base policy from scratch: demonstrations → byte-level BPE → Llama pretrained on whole episodes → model directory.
import { buildConversation } from '../../../core/decompose/decompose-trajectory';
import { renderTemplate } from '../../../core/prompts/default-prompts';
import { generateTaskDataset } from '../../../core/tasks/generate-task-dataset';
import { createMistakeProfile, generateDemonstrations, HOP_SITUATIONS, type Demonstration } from '../../../core/tasks/demonstrations';
import type { RelationName } from '../../../core/tasks/hop/knowledge-base';
import { initializeModel } from '../../../containers/trainer/src/model/initialize-model';
import { loadModelFromSource } from '../../../containers/trainer/src/model/load-model';
import { parseModelConfig, type DecoderConfig } from '../../../containers/trainer/src/model/model-config';
import { createLocalSource } from '../../../containers/trainer/src/model/model-source';
import { saveModel } from '../../../containers/trainer/src/model/save-model';
import type { EncodedSequence } from '../../../containers/trainer/src/objectives/encode-record';
import { BYTE_LEVEL_SPECIAL_TOKENS, END_OF_TEXT_TOKEN, TURN_END_TOKEN } from '../../../containers/trainer/src/tokenizer/byte-level-tokenizer';
import { getChatTemplate } from '../../../containers/trainer/src/tokenizer/chat-template';
import { createTextTokenizer } from '../../../containers/trainer/src/tokenizer/load-tokenizer';
import { createTokenizerConfig, createTokenizerJson } from '../tokenizer-training/write-tokenizer-json';
import { trainBytePairEncoding } from '../tokenizer-training/train-byte-pair-encoding';
import { runTrainLoop } from '../../../containers/trainer/src/train/train-loop';
import { ConversationObjective, groupByLength, type SequenceGroup } from './conversation-objective';
import { createCopyDrills, MIXED_DRILL_TOKENS, STAGE_ONE_DRILL_TOKENS } from './copy-drills';
import { encodeConversation } from './encode-conversation';
import { createLossTarget, LOSS_TARGET_WINDOW, type LossTarget } from './loss-target';
import { createDecisionDrills, DECISION_DRILL_TOKENS, listDecisionStates } from './decision-drills';
import { createContinuationDrills } from './continuation-drills';
import { createOpeningDrills } from './opening-drills';
import { saveModelSnapshot } from './save-model-snapshot';
import { TINY_POLICY_PROMPTS, type TinyPolicySettings } from './tiny-policy-settings';
import { writeTinyPolicyReadme } from './tiny-policy-readme';
import type { TinyPolicyBuild } from './tiny-policy-build';

function summarize(demonstrations: readonly Demonstration[]): TinyPolicyBuild['demonstrations'] {
  return {
    total: demonstrations.length,
    correct: demonstrations.filter((item) => item.correct).length,
    withMistakes: demonstrations.filter((item) => item.mistakes.length > 0).length,
  };
}

interface TokenizerFiles {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

/** The token ids a build needs by name, read from a tokenizer.json the way createTokenizerJson writes it. */
function readVocabulary(tokenizerJson: Record<string, unknown>, directory: string): Map<string, number> {
  const model = tokenizerJson.model as { vocab?: Record<string, number> } | undefined;
  if (!model?.vocab) throw new Error(`${directory}/tokenizer.json: expected a BPE model with a vocab, received none`);
  return new Map(Object.entries(model.vocab));
}

/**
 * A continuation keeps its starting model's tokenizer: ids must keep meaning the text they were trained on. Byte-level
 * BPE encodes any text, so demonstrations in another format (plan notes, say) still encode, only less compactly.
 */
async function readStartingTokenizer(directory: string): Promise<TokenizerFiles> {
  const source = createLocalSource(directory);
  const tokenizerJson = await source.readFile('tokenizer.json');
  const tokenizerConfig = await source.readFile('tokenizer_config.json');
  if (!tokenizerJson || !tokenizerConfig) throw new Error(`${directory}: expected tokenizer.json and tokenizer_config.json to continue from, received ${tokenizerJson ? 'no tokenizer_config.json' : 'no tokenizer.json'}`);
  return { tokenizerJson: JSON.parse(tokenizerJson.toString('utf8')), tokenizerConfig: JSON.parse(tokenizerConfig.toString('utf8')) };
}

function trainTokenizer(texts: string[], vocabularySize: number): TokenizerFiles {
  const encoding = trainBytePairEncoding(texts, { vocabularySize, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
  return { tokenizerJson: createTokenizerJson(encoding), tokenizerConfig: createTokenizerConfig() };
}

/** A fresh model's shape, from the settings and the vocabulary it is trained with. */
function createFreshConfig(settings: TinyPolicySettings, vocabulary: ReadonlyMap<string, number>): DecoderConfig {
  return parseModelConfig({
    model_type: 'llama',
    vocab_size: vocabulary.size,
    hidden_size: settings.hiddenSize,
    intermediate_size: settings.intermediateSize,
    num_hidden_layers: settings.layers,
    num_attention_heads: settings.heads,
    num_key_value_heads: settings.keyValueHeads,
    max_position_embeddings: settings.maxPositions,
    tie_word_embeddings: true,
    rms_norm_eps: 1e-5,
    hidden_act: 'silu',
    eos_token_id: vocabulary.get(TURN_END_TOKEN),
    bos_token_id: null,
  });
}

function meanLoss(losses: readonly number[]): number {
  return losses.length === 0 ? Number.NaN : losses.reduce((sum, loss) => sum + loss, 0) / losses.length;
}

export async function buildTinyPolicy(directory: string, settings: TinyPolicySettings, log: (line: string) => void = () => {}): Promise<TinyPolicyBuild> {
  const started = Date.now();
  const demonstrationsOf = async (family: 'hop' | 'arith'): Promise<Demonstration[]> => {
    const { rows, corpus } = generateTaskDataset(family, 'train', { count: settings.questionsPerFamily, seed: settings.seed });
    return generateDemonstrations(rows, corpus, {
      seed: settings.seed,
      mistakeRate: settings.mistakeRate,
      recoveryRate: settings.recoveryRate,
      blindSpots: settings.blindSpots,
      blindSpotRate: settings.blindSpotRate,
      planNotes: settings.planNotes,
      queryStyle: settings.queryStyle,
      prompts: TINY_POLICY_PROMPTS,
    });
  };
  const hopDemonstrations = await demonstrationsOf('hop');
  const demonstrations = [...hopDemonstrations, ...(await demonstrationsOf('arith'))];
  const summary = summarize(demonstrations);
  log(`demonstrations: ${summary.total} episodes, ${summary.correct} reach the gold answer, ${summary.withMistakes} contain a mistake`);
  const demonstrationsDone = Date.now();

  const template = getChatTemplate('chatml');
  const conversations = demonstrations.map((item) => buildConversation(item.trajectory));
  const tokenizerFiles = settings.initFrom
    ? await readStartingTokenizer(settings.initFrom)
    : trainTokenizer(conversations.map((messages) => template.renderPrompt(messages)), settings.vocabularySize);
  const vocabulary = readVocabulary(tokenizerFiles.tokenizerJson, settings.initFrom ?? directory);
  const tokenizer = createTextTokenizer(tokenizerFiles.tokenizerJson, tokenizerFiles.tokenizerConfig, directory);
  const sequences: EncodedSequence[] = conversations.map((messages) => encodeConversation(tokenizer, messages, settings.maxPositions, settings.contextWeight));
  const trainingTokens = sequences.reduce((sum, sequence) => sum + sequence.tokens.length, 0);
  log(`tokenizer: ${vocabulary.size} tokens${settings.initFrom ? ` (from ${settings.initFrom})` : ''}; ${trainingTokens} training tokens (${(trainingTokens / sequences.length).toFixed(0)} per episode)`);
  const tokenizerDone = Date.now();

  const model = settings.initFrom
    ? (await loadModelFromSource(createLocalSource(settings.initFrom))).model
    : initializeModel(createFreshConfig(settings, vocabulary), settings.seed);
  model.setBaseTrainable(true);
  log(`model: ${model.parameterCount()} parameters (${model.config.layerCount} layers, hidden ${model.config.hiddenSize})`);
  const objective = new ConversationObjective(model, vocabulary.get(END_OF_TEXT_TOKEN)!);
  const trainStage = (label: string, records: SequenceGroup[], steps: number, seedOffset: number, target: LossTarget = createLossTarget(null)) => runTrainLoop({
    records,
    objective,
    parameters: model.weights,
    settings: {
      maxSteps: steps,
      batchSize: 1,
      gradientAccumulation: 1,
      gradientClip: 1,
      learningRate: settings.learningRate,
      warmupSteps: settings.warmupSteps,
      weightDecay: settings.weightDecay,
      seed: settings.seed + seedOffset,
      checkpointEvery: steps,
    },
    output: null,
    label,
    shouldStop: target.reached,
    onStep: (metrics) => {
      target.observe(metrics.loss);
      const windowMean = target.windowMean();
      if (metrics.step % 50 === 0 || metrics.step === steps || target.reached()) {
        log(`${label} step ${metrics.step}/${steps} loss ${metrics.loss.toFixed(4)}${windowMean === null ? '' : ` (mean of last ${LOSS_TARGET_WINDOW} ${windowMean.toFixed(4)})`} ${metrics.tokensPerSecond.toFixed(0)} tok/s`);
      }
      // Snapshots keep a usable model directory while a long CPU run is still going; each replaces the last whole.
      if (settings.snapshotEvery > 0 && metrics.step % settings.snapshotEvery === 0) saveModelSnapshot(model, directory, tokenizerFiles, settings.dtype);
    },
  });
  const drills = settings.initFrom || settings.drillSteps === 0
    ? null
    : await trainStage('drills', groupByLength(createCopyDrills(tokenizer, { seed: settings.seed, count: settings.drillSequences, ...STAGE_ONE_DRILL_TOKENS }), settings.batchSize), settings.drillSteps, 0, createLossTarget(settings.drillTargetLoss));
  // Mixed drills are as long as episodes, so length grouping puts them in their own batches between episode batches.
  const mixed = createCopyDrills(tokenizer, { seed: settings.seed + 1, count: settings.mixedDrills, ...MIXED_DRILL_TOKENS });
  const userPrompt = (question: string) => renderTemplate(TINY_POLICY_PROMPTS.user, { question });
  const openings = createOpeningDrills(tokenizer, userPrompt, { seed: settings.seed, count: settings.openingDrills, ...MIXED_DRILL_TOKENS }, { planNotes: settings.planNotes, queryStyle: settings.queryStyle });
  // Decision drills are cut from hop episodes alone: arith has no relation to choose.
  const hopConversations = conversations.slice(0, hopDemonstrations.length);
  const decisions = settings.decisionDrills === 0
    ? []
    : createDecisionDrills(tokenizer, listDecisionStates(tokenizer, hopConversations), { seed: settings.seed, count: settings.decisionDrills, ...DECISION_DRILL_TOKENS });
  if (settings.planNotes && settings.continuationDrills > 0) throw new Error('continuation drills write plain notes; expected --continuation-drills 0 with --plan-notes');
  // Continuation drills never follow a blind spot: the base policy is meant to keep those mistakes for training to fix.
  const blindSpots = createMistakeProfile(HOP_SITUATIONS, settings.seed, settings).blindSpots as RelationName[];
  const continuations = createContinuationDrills(tokenizer, { seed: settings.seed, count: settings.continuationDrills, ...MIXED_DRILL_TOKENS }, { queryStyle: settings.queryStyle }, blindSpots);
  const result = await trainStage('episodes', groupByLength([...sequences, ...mixed, ...openings, ...decisions, ...continuations], settings.batchSize), settings.steps, 1);
  const trainingDone = Date.now();
  model.setBaseTrainable(false);
  await saveModel(model, createLocalSource(directory), tokenizerFiles, settings.dtype);
  const losses = result.metrics.map((entry) => entry.loss);
  const drillLosses = drills ? drills.metrics.map((entry) => entry.loss) : [];
  const build: TinyPolicyBuild = {
    directory,
    parameterCount: model.parameterCount(),
    config: model.config,
    demonstrations: summary,
    trainingTokens,
    drillLoss: drills ? { first: meanLoss(drillLosses.slice(0, 10)), final: meanLoss(drillLosses.slice(-10)), steps: drills.completedSteps } : null,
    firstLoss: meanLoss(losses.slice(0, 10)),
    finalLoss: meanLoss(losses.slice(-10)),
    seconds: {
      demonstrations: (demonstrationsDone - started) / 1000,
      tokenizer: (tokenizerDone - demonstrationsDone) / 1000,
      training: (trainingDone - tokenizerDone) / 1000,
      total: (Date.now() - started) / 1000,
    },
  };
  await writeTinyPolicyReadme(directory, settings, build);
  return build;
}
