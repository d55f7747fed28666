// Swirl step benchmark: seconds per optimizer step with each state's prompt shared by its samples, beside full rows in the same run.
import { performance } from 'node:perf_hooks';
import { COMPACT_SYSTEM_PROMPT } from '../core/prompts/default-prompts';
import type { Message } from '../core/schemas/message';
import type { TrainingRecord } from '../core/schemas/training-record';
import { generateTaskDataset } from '../core/tasks/generate-task-dataset';
import { LoraAdapter } from '../containers/trainer/src/lora/lora-adapter';
import { loadModel } from '../containers/trainer/src/model/load-model';
import { BatchedRewardScorer, StepReward } from '../containers/trainer/src/objectives/step-reward';
import { createAdapterOffReference, SwirlObjective } from '../containers/trainer/src/objectives/swirl-objective';
import { selectBackend } from '../containers/trainer/src/tensor/backend';
import { Rng } from '../containers/trainer/src/tensor/random';

const args = process.argv.slice(2);
const steps = Number(args[args.indexOf('--steps') + 1] || 0) || 3;
const statesPerStep = 8;
const samplesPerState = 8;

/** States like the demo's: the question, then every hop of its gold chain searched and read back (the longest contexts). */
function createStates(count: number): TrainingRecord[] {
  const { rows, corpus } = generateTaskDataset('hop', 'train', { count, seed: 3 });
  const pages = new Map(corpus.map((document) => [document.title, document.text]));
  return rows.map((row, index) => {
    const context: Message[] = [{ role: 'system', content: COMPACT_SYSTEM_PROMPT }, { role: 'user', content: `Question: ${row.question}` }];
    for (const title of new Set(row.supportingFacts.map((fact) => fact.title))) {
      context.push({ role: 'assistant', content: `<search_query>${title}</search_query>` });
      context.push({ role: 'user', content: `${title} -> ${title}: ${pages.get(title) ?? ''}` });
    }
    return {
      id: `bench-${index}@0`, questionId: row.id, trajectoryId: `bench-${index}`, stepIndex: 0, task: row.task, context,
      action: `<answer>${row.answer}</answer>`, reward: 1, behaviourLogProb: null,
      reference: { answer: row.answer, aliases: [], goldValues: [], supportingTitles: [], supportingSentences: [] },
    };
  });
}

/** Half the samples rewarded (by a hash of the text), so every state is informative and every sample is trained on. */
const coinReward: StepReward = { id: 'coin', score: async (_record, action) => ([...action].reduce((total, character) => total + character.charCodeAt(0), 0) % 2) };

async function measure(sharePrompt: boolean, states: TrainingRecord[]): Promise<{ secondsPerStep: number; losses: number[]; tokens: number }> {
  const { model, tokenizer } = await loadModel('builtin:tiny-policy', null);
  model.setBaseTrainable(false);
  model.adapter = LoraAdapter.initialize(model.config, { rank: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] }, new Rng(1));
  const objective = new SwirlObjective({
    policy: model, tokenizer, scorer: new BatchedRewardScorer(coinReward, 8), referenceLogProbs: createAdapterOffReference(model),
    settings: { samplesPerState, klCoefficient: 0.05, clipRange: 0.2, temperature: 1, maxNewTokens: 32, maxSequenceLength: 1024, skipUniformGroups: false, sharePrompt },
  });
  const rng = new Rng(7);
  const losses: number[] = [];
  let tokens = 0;
  let seconds = 0;
  for (let step = 0; step < steps; step += 1) {
    const batch = states.slice(step * statesPerStep, (step + 1) * statesPerStep);
    const started = performance.now();
    const result = await objective.accumulate(batch, 1, rng);
    seconds += (performance.now() - started) / 1000;
    losses.push(result.loss);
    tokens += result.tokens;
    process.stdout.write(`${sharePrompt ? 'shared prompt' : 'full rows'}: step ${step + 1}/${steps} loss ${result.loss.toFixed(5)}\n`);
  }
  return { secondsPerStep: seconds / steps, losses, tokens };
}

async function main(): Promise<void> {
  const backend = selectBackend('auto');
  const states = createStates(steps * statesPerStep);
  const full = await measure(false, states);
  const shared = await measure(true, states);
  const largestLossGap = Math.max(...shared.losses.map((loss, index) => Math.abs(loss - full.losses[index])));
  console.log(`backend ${backend.name}; ${statesPerStep} states × ${samplesPerState} samples per step, ${steps} steps`);
  console.log(`full rows: ${full.secondsPerStep.toFixed(2)} s/step (${full.tokens} tokens through forward passes)`);
  console.log(`shared prompt: ${shared.secondsPerStep.toFixed(2)} s/step (${shared.tokens} tokens); largest loss difference ${largestLossGap.toExponential(2)}`);
  console.log(JSON.stringify({
    benchmark: 'swirl-step', backend: backend.name, statesPerStep, samplesPerState, steps,
    sharedSecondsPerStep: shared.secondsPerStep, reference: { fullRowsSecondsPerStep: full.secondsPerStep },
    speedup: full.secondsPerStep / shared.secondsPerStep, tokens: { shared: shared.tokens, fullRows: full.tokens }, largestLossGap,
  }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
