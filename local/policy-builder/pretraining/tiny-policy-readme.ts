// The README.md written beside the tiny policy's weights: what it is, how it was made, how to rebuild it.
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { STAGE_ONE_DRILL_TOKENS } from './copy-drills';
import { LOSS_TARGET_WINDOW } from './loss-target';
import type { TinyPolicyBuild } from './tiny-policy-build';
import type { PolicyEvaluation } from './evaluate-tiny-policy';
import type { TinyPolicySettings } from './tiny-policy-settings';

/** Appends measured held-out accuracy (from `npm run build:policy -- --evaluate N`) to the model's README. */
export async function appendEvaluationToReadme(directory: string, evaluations: readonly PolicyEvaluation[], command: string): Promise<void> {
  if (evaluations.length === 0) return;
  const lines = [
    '',
    '## Held-out accuracy',
    '',
    `Measured with \`${command}\` through the rollout agent loop, the real search and calculator tools and the rule outcome judge, on generated \`test\` questions (entities and templates never seen in training).`,
    '',
    '| set | decoding | questions | accuracy | mean steps | endings |',
    '|---|---|---|---|---|---|',
    ...evaluations.map((evaluation) => `| ${evaluation.family} test | ${evaluation.temperature === 0 ? 'greedy' : `temperature ${evaluation.temperature}`} | ${evaluation.questions} | ${evaluation.accuracy.toFixed(3)} | ${evaluation.meanSteps.toFixed(2)} | ${Object.entries(evaluation.finishReasons).map(([reason, count]) => `${reason} ${count}`).join(', ')} |`),
    '',
  ];
  await appendFile(path.join(directory, 'README.md'), lines.join('\n'));
}

export async function writeTinyPolicyReadme(directory: string, settings: TinyPolicySettings, build: TinyPolicyBuild): Promise<void> {
  const shape = build.config;
  const lines = [
    '# tiny-policy',
    '',
    'The base policy of the embedded demo: a Llama-architecture decoder trained from scratch, on CPU, by the',
    'project\'s own trainer, on generated demonstrations of the built-in `hop` and `arith` tasks. The demonstrations',
    'follow the action protocol of the rollout loop and contain deliberate mistakes (wrong hops, arithmetic slips,',
    'premature answers, some corrected), so the policy starts imperfect and step-wise training has room to help.',
    '',
    'Rebuild: `npm run build:policy` (deterministic on one machine; on another, the trained weights can differ with the floating-point order of its kernels).',
    '',
    '| | |',
    '|---|---|',
    `| parameters | ${build.parameterCount.toLocaleString('en-US')} |`,
    `| shape | ${shape.layerCount} layers, hidden ${shape.hiddenSize}, MLP ${shape.intermediateSize}, ${shape.headCount} heads (${shape.keyValueHeadCount} key/value)${shape.tieEmbeddings ? ', tied embeddings' : ''} |`,
    '| system prompt | `COMPACT_SYSTEM_PROMPT` (one line; the demo runs the policy with it) |',
    `| tokenizer | byte-level BPE, ${shape.vocabSize} tokens, spaces and each digit split off before merging, ChatML markers |`,
    `| weights | ${settings.dtype} safetensors |`,
    `| demonstrations | ${build.demonstrations.total} episodes (${settings.questionsPerFamily} per family, seed ${settings.seed}); ${build.demonstrations.correct} reach the gold answer; mistake rate ${settings.mistakeRate}, ${settings.blindSpots} blind spot(s) per family at ${settings.blindSpotRate}, recovery rate ${settings.recoveryRate}${settings.planNotes ? '; hop episodes open with a plan line' : ''}${settings.queryStyle === 'name' ? '' : `; hop searches in the ${settings.queryStyle} style`} |`,
    ...(build.drillLoss ? [`| stage 1: copy drills | ${build.drillLoss.steps} steps${settings.drillTargetLoss === null ? '' : ` (until the mean loss of ${LOSS_TARGET_WINDOW} steps reached ${settings.drillTargetLoss}, at most ${settings.drillSteps})`} × ${settings.batchSize} drill sequences (${settings.drillSequences} in all, ${STAGE_ONE_DRILL_TOKENS.minimumTokens}–${STAGE_ONE_DRILL_TOKENS.maximumTokens} tokens); loss ${build.drillLoss.first.toFixed(3)} → ${build.drillLoss.final.toFixed(3)} |`] : []),
    `| stage 2: episodes | ${settings.steps} steps × ${settings.batchSize} sequences (episodes, plus ${settings.mixedDrills} copy-drill, ${settings.openingDrills} opening-drill and ${settings.decisionDrills} decision-drill sequences mixed in), peak learning rate ${settings.learningRate}, context loss weight ${settings.contextWeight}; loss ${build.firstLoss.toFixed(3)} → ${build.finalLoss.toFixed(3)} |`,
    ...(settings.initFrom ? [`| started from | the weights and tokenizer of an earlier build (\`--init-from ${settings.initFrom}\`), not a fresh initialization |`] : []),
    `| build time | ${build.seconds.total.toFixed(0)} s (training ${build.seconds.training.toFixed(0)} s) |`,
    '',
  ];
  await writeFile(path.join(directory, 'README.md'), lines.join('\n'));
}
