// One training job (pipeline stage 6): read the run's config and data, train the objective (and the sft baseline),
// and write runs/<run>/model/<objective>/ with the adapter (or full weights), metrics and checkpoints.
import { listTrainedObjectives } from '../../../../core/evaluate/evaluation-models';
import { createRunJudges } from '../../../../core/judges/create-judges';
import { S3JudgeCache } from '../../../../core/judges/judge-cache';
import { RunConfig, RunConfigSchema } from '../../../../core/schemas/run-config';
import { TrainingRecord, TrainingRecordSchema } from '../../../../core/schemas/training-record';
import type { ObjectStore } from '../../../../core/store/object-store';
import { createToolRegistry } from '../../../../core/tools/create-tool-registry';
import { RUN_FILES, runKey } from '../../../../core/store/run-keys';
import { LoraAdapter } from '../lora/lora-adapter';
import { mergeAdapter } from '../lora/merge-adapter';
import { saveAdapter } from '../lora/save-adapter';
import { LlamaModel } from '../model/llama-model';
import { loadModel, LoadedModel } from '../model/load-model';
import { createS3Source, ModelSink, ModelSource, readJsonFile } from '../model/model-source';
import { saveModel } from '../model/save-model';
import { createJudgeReward } from '../objectives/judge-reward';
import { loadOrScreenStates, Screening } from '../objectives/screen-states';
import { SftObjective } from '../objectives/sft-objective';
import { BatchedRewardScorer, StepReward } from '../objectives/step-reward';
import { createAdapterOffReference, createFrozenReference, SwirlObjective } from '../objectives/swirl-objective';
import { describeBackend, selectBackend } from '../tensor/backend';
import { nameOfDevice } from '../tensor/device';
import { selectJobDevice } from '../tensor/devices/select-device';
import { Rng } from '../tensor/random';
import { Tensor } from '../tensor/tensor';
import { LoopSettings, runTrainLoop, TrainingObjective } from './train-loop';
import { computeValidationLoss } from './validation-loss';

export const SUMMARY_FILE = 'summary.json';
export const MERGED_DIRECTORY = 'merged';

export interface TrainingJobOptions {
  runId: string;
  store: ObjectStore;
  /** True once SIGTERM arrived: checkpoint and stop. */
  shouldStop?: () => boolean;
  /** Also write merged full weights under model/<objective>/merged/. */
  exportMerged?: boolean;
  /** Replaces the reward built from the run's judge (tests, custom rewards). */
  reward?: StepReward;
  log?: (line: string) => void;
}

export interface ObjectiveOutcome {
  objective: 'sft' | 'swirl';
  completedSteps: number;
  interrupted: boolean;
  finalLoss: number | null;
  validationLoss: number | null;
  outputPrefix: string;
  /** Swirl with screenStates: how many states were screened and how many were trained on. */
  screening: { screened: number; informative: number } | null;
}

async function readRecords(store: ObjectStore, key: string, required: boolean): Promise<TrainingRecord[]> {
  if (!(await store.exists(key))) {
    if (required) throw new Error(`${key} does not exist: expected the assemble stage to have written it`);
    return [];
  }
  return store.readAllJsonLines(key, TrainingRecordSchema);
}

async function copyTokenizerFiles(source: ModelSource): Promise<{ tokenizerJson: object; tokenizerConfig: object }> {
  const tokenizerJson = (await readJsonFile(source, 'tokenizer.json')) as object;
  const configBytes = await source.readFile('tokenizer_config.json');
  return { tokenizerJson, tokenizerConfig: configBytes ? (JSON.parse(configBytes.toString('utf8')) as object) : {} };
}

async function createStepReward(config: RunConfig, store: ObjectStore): Promise<StepReward> {
  const { stepJudge } = createRunJudges(config, { cache: new S3JudgeCache(store) });
  const tools = await createToolRegistry(config, store);
  return createJudgeReward({ id: config.judge.provider === 'rule' ? 'rule' : `${config.judge.provider}:${config.judge.model}`, judge: stepJudge, tools });
}

export async function runTrainingJob(options: TrainingJobOptions): Promise<ObjectiveOutcome[]> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { store, runId } = options;
  const config = await store.getJson(runKey(runId, RUN_FILES.config), RunConfigSchema);
  if (!config) throw new Error(`${runKey(runId, RUN_FILES.config)} does not exist: expected the prepare stage to have written it`);
  const trainer = config.trainer;
  const backend = selectBackend(trainer.backend);
  log(`trainer: run ${runId}, objective ${trainer.objective}, baseline ${trainer.baseline}, backend ${describeBackend(backend)}`);
  const sftRecords = await readRecords(store, runKey(runId, RUN_FILES.sft), true);
  const validation = await readRecords(store, runKey(runId, RUN_FILES.validation), false);
  const objectives = listTrainedObjectives(trainer);
  const settings: LoopSettings = {
    maxSteps: trainer.maxSteps, batchSize: trainer.batchSize, gradientAccumulation: trainer.gradientAccumulation,
    gradientClip: trainer.gradientClip, learningRate: trainer.learningRate, warmupSteps: trainer.warmupSteps,
    weightDecay: trainer.weightDecay, seed: trainer.seed, checkpointEvery: trainer.checkpointEvery,
  };
  const outcomes: ObjectiveOutcome[] = [];
  for (const objectiveName of objectives) {
    const loaded = await loadModel(trainer.baseModel, store);
    const { model, tokenizer } = loaded;
    const outputPrefix = runKey(runId, RUN_FILES.model, objectiveName);
    const output = createS3Source(store, outputPrefix);
    let parameters = attachTrainableWeights(model, trainer.lora, trainer.seed);
    model.gradientCheckpointing = trainer.gradientCheckpointing;
    const device = selectJobDevice(trainer.backend);
    if (device !== 'cpu') {
      // Moved once, before the optimizer exists: its moments are made where the parameters are.
      model.toDevice(device);
      parameters = model.adapter ? model.adapter.namedParameters() : model.weights;
      log(`trainer: model on ${nameOfDevice(device)}`);
    }
    let objective: TrainingObjective<TrainingRecord>;
    let records: TrainingRecord[];
    let screening: ObjectiveOutcome['screening'] = null;
    if (objectiveName === 'sft') {
      records = sftRecords;
      objective = new SftObjective(model, tokenizer, trainer.maxSequenceLength);
    } else {
      records = await readRecords(store, runKey(runId, RUN_FILES.states), true);
      const reference = model.adapter ? createAdapterOffReference(model) : createFrozenReference(frozenCopy(model));
      const swirl = new SwirlObjective({
        policy: model, tokenizer, referenceLogProbs: reference,
        scorer: new BatchedRewardScorer(options.reward ?? (await createStepReward(config, store)), config.concurrency.judge),
        settings: { ...trainer.swirl, maxSequenceLength: trainer.maxSequenceLength },
      });
      objective = swirl;
      if (trainer.swirl.screenStates > 0 && records.length > 0) {
        const screened = await selectScreenedStates(swirl, records, output, trainer, log);
        screening = { screened: screened.screening.screened, informative: screened.screening.kept.length };
        records = screened.records;
      }
    }
    if (records.length === 0) throw new Error(`objective ${objectiveName}: no training records in ${runKey(runId, objectiveName === 'sft' ? RUN_FILES.sft : RUN_FILES.states)}`);
    log(`trainer: ${objectiveName} on ${records.length} records, ${parameterTotal(parameters)} trainable parameters of ${model.parameterCount()}`);
    const objectiveSettings = objectiveName === 'swirl' ? { ...settings, batchSize: trainer.swirl.batchSize ?? trainer.batchSize } : settings;
    const result = await runTrainLoop({ records, objective, parameters, settings: objectiveSettings, output, shouldStop: options.shouldStop, label: objectiveName });
    const outcome: ObjectiveOutcome = {
      objective: objectiveName, completedSteps: result.completedSteps, interrupted: result.interrupted,
      finalLoss: result.metrics.at(-1)?.loss ?? null, validationLoss: null, outputPrefix, screening,
    };
    outcomes.push(outcome);
    if (result.interrupted) {
      log(`trainer: ${objectiveName} interrupted at step ${result.completedSteps}; checkpoint saved`);
      return outcomes;
    }
    outcome.validationLoss = computeValidationLoss(model, tokenizer, validation.slice(0, 64), trainer.maxSequenceLength);
    await writeTrainedModel(loaded, output, trainer.baseModel, options.exportMerged ?? false);
    await output.writeFile('summary.json', `${JSON.stringify({ ...outcome, baseModel: trainer.baseModel, lora: trainer.lora, backend: backend.name }, null, 2)}\n`);
    log(`trainer: ${objectiveName} done: ${result.completedSteps} steps, final loss ${outcome.finalLoss?.toFixed(4)}, validation loss ${outcome.validationLoss?.toFixed(4) ?? 'n/a'}`);
  }
  return outcomes;
}

/** The states that screening found informative; every state when it found none (the loop then only skips). */
async function selectScreenedStates(
  swirl: SwirlObjective, records: TrainingRecord[], output: ModelSource & ModelSink, trainer: RunConfig['trainer'], log: (line: string) => void,
): Promise<{ records: TrainingRecord[]; screening: Screening }> {
  const startedAt = Date.now();
  const { screening, reused } = await loadOrScreenStates(output, swirl, records, {
    maxStates: trainer.swirl.screenStates, batchSize: trainer.swirl.batchSize ?? trainer.batchSize, seed: trainer.seed, label: 'swirl screen',
  });
  log(`trainer: swirl screening${reused ? ' (saved)' : ''}: ${screening.kept.length} of ${screening.screened} states informative, ${screening.uniformHigh} all good, ${screening.uniformLow} all bad${reused ? '' : ` (${((Date.now() - startedAt) / 1000).toFixed(0)} s)`}`);
  if (screening.kept.length === 0) {
    log('trainer: no screened state separates its sampled actions; training on every state');
    return { records, screening };
  }
  return { records: screening.kept.map((index) => records[index]), screening };
}

/** LoRA: a fresh adapter over a frozen base. Full fine-tuning (lora null): every base weight. */
export function attachTrainableWeights(model: LlamaModel, lora: { rank: number; alpha: number; dropout: number; targets: LoraAdapter['settings']['targets'] } | null, seed: number): Map<string, Tensor> {
  if (!lora) {
    model.setBaseTrainable(true);
    return model.weights;
  }
  model.setBaseTrainable(false);
  model.adapter = LoraAdapter.initialize(model.config, { ...lora, targets: [...lora.targets] }, new Rng(seed ^ 0x5eed));
  return model.adapter.namedParameters();
}

function frozenCopy(model: LlamaModel): LlamaModel {
  const weights = new Map<string, Tensor>();
  for (const [name, tensor] of model.weights) weights.set(name, new Tensor(tensor.toHost().slice(), tensor.shape, { name }));
  // The reference sits beside the policy: on a device, its forward passes stay there too.
  return new LlamaModel(model.config, weights).toDevice(model.device);
}

function parameterTotal(parameters: Map<string, Tensor>): number {
  let total = 0;
  for (const tensor of parameters.values()) total += tensor.size;
  return total;
}

async function writeTrainedModel(loaded: LoadedModel, output: ModelSink, baseModel: string, exportMerged: boolean): Promise<void> {
  const { model } = loaded;
  if (model.adapter) {
    await saveAdapter(model.adapter, output, baseModel);
    if (exportMerged) {
      const sink: ModelSink = { description: `${output.description}/${MERGED_DIRECTORY}`, writeFile: (name, body) => output.writeFile(`${MERGED_DIRECTORY}/${name}`, body) };
      await saveModel(mergeAdapter(model, model.adapter), sink, await copyTokenizerFiles(loaded.source));
    }
    return;
  }
  await saveModel(model, output, await copyTokenizerFiles(loaded.source));
}
