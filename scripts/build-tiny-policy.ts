// Builds models/tiny-policy (the embedded demo's base policy) from scratch on CPU: `npm run build:policy [-- --help]`;
// `-- --evaluate 100` then measures its held-out accuracy through the agent loop.
import path from 'node:path';
import { Command, Option } from 'commander';
import { QUERY_STYLES, type QueryStyle } from '../core/tasks/demonstrations/plan-hop-demonstration';
import { BUILTIN_MODELS_DIRECTORY, TINY_POLICY_MODEL, TINY_POLICY_STAGE_ONE_MODEL } from '../containers/trainer/src/model/builtin-models';
import {
  appendEvaluationToReadme,
  buildTinyPolicy,
  DEFAULT_TINY_POLICY_SETTINGS,
  evaluateTinyPolicy,
  type PolicyEvaluation,
  type TinyPolicySettings,
} from '../local/policy-builder/pretraining';
import { selectBackend } from '../containers/trainer/src/tensor/backend';

function toNumber(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number)) throw new Error(`--${name}: expected a number, received ${JSON.stringify(value)}`);
    return number;
  };
}

const defaults = DEFAULT_TINY_POLICY_SETTINGS;
const program = new Command()
  .name('build-tiny-policy')
  .description('Generate demonstrations and train the tiny Llama policy (stage 2 from the shipped stage 1 by default; --from-scratch also trains its tokenizer and stage 1), and write the model directory.')
  .option('--out <directory>', 'output model directory', path.join(BUILTIN_MODELS_DIRECTORY, TINY_POLICY_MODEL))
  .option('--backend <backend>', 'kernel backend: auto | native | reference', 'auto')
  .option('--evaluate <count>', 'afterwards, measure accuracy on this many held-out hop and arith questions (0: skip)', toNumber('evaluate'), 0)
  .option('--init-from <directory>', 'continue training from this model directory: its weights, shape and tokenizer (stage 1 is skipped)', path.join(BUILTIN_MODELS_DIRECTORY, TINY_POLICY_STAGE_ONE_MODEL))
  .option('--from-scratch', 'train stage 1 too (a new tokenizer and copy drills), instead of starting from --init-from')
  .option('--evaluate-only', 'skip building; evaluate the model already in --out')
  .option('--plan-notes', 'hop demonstrations open with a plan line (relations innermost first) and chain each note to it')
  .addOption(new Option('--query-style <style>', 'how hop demonstrations write searches: the entity\'s name ("Mirel Records"), the rest of the question about it ("the birthplace of the founder of Mirel Records") or keywords, the name then all the question\'s relations ("Mirel Records publisher founder birthplace")').choices(QUERY_STYLES))
  .option('--temperatures <list>', 'decoding temperatures to evaluate, comma-separated', '0,1');
const numericOptions: [keyof TinyPolicySettings, string][] = [
  ['seed', 'seed of demonstrations, initialization and data order'],
  ['questionsPerFamily', 'train questions per task family'],
  ['mistakeRate', 'mistake chance at an ordinary decision in the demonstrations'],
  ['recoveryRate', 'chance a mistake is followed by a correction'],
  ['blindSpots', 'situations per family where demonstrations are usually wrong'],
  ['blindSpotRate', 'wrong-step chance in a blind spot'],
  ['vocabularySize', 'tokenizer vocabulary size'],
  ['hiddenSize', 'model width'],
  ['intermediateSize', 'MLP width'],
  ['layers', 'decoder layers'],
  ['heads', 'attention heads'],
  ['keyValueHeads', 'key/value heads'],
  ['maxPositions', 'context length'],
  ['contextWeight', 'loss weight of question and tool-result tokens (0: replies only)'],
  ['drillSteps', 'stage 1: optimizer steps on copy drills, at most when --drill-target-loss is set (skipped with --init-from)'],
  ['drillTargetLoss', 'stage 1 ends once the mean drill loss of the last 100 steps falls to this (null: runs every --drill-steps step)'],
  ['drillSequences', 'copy-drill sequences of stage 1'],
  ['mixedDrills', 'copy-drill sequences mixed into the episodes of stage 2'],
  ['openingDrills', 'opening-drill sequences (hop questions answered by the first reply of an episode, in the demonstrations\' format) mixed into stage 2'],
  ['continuationDrills', 'continuation-drill sequences (hop tool turns over random chains answered by the reply that carries the chain on; plain notes only) mixed into stage 2'],
  ['decisionDrills', 'decision-drill sequences (hop states answered by the relation the demonstration chose) mixed into stage 2'],
  ['steps', 'stage 2: optimizer steps on demonstrations'],
  ['batchSize', 'episodes per step'],
  ['learningRate', 'peak learning rate'],
  ['warmupSteps', 'warmup steps'],
  ['snapshotEvery', 'save the model directory every N steps while training'],
];
for (const [key, description] of numericOptions) {
  const flag = key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  program.option(`--${flag} <number>`, `${description} (default ${defaults[key]})`, toNumber(flag));
}

async function main(): Promise<void> {
  program.parse();
  const options = program.opts<Record<string, unknown>>();
  const settings: TinyPolicySettings = { ...defaults };
  for (const [key] of numericOptions) if (typeof options[key] === 'number') (settings as unknown as Record<string, number>)[key] = options[key] as number;
  if (typeof options.initFrom === 'string' && options.fromScratch !== true) settings.initFrom = path.resolve(options.initFrom);
  if (options.planNotes === true) settings.planNotes = true;
  if (typeof options.queryStyle === 'string') settings.queryStyle = options.queryStyle as QueryStyle;
  const backend = selectBackend(options.backend as 'auto' | 'native' | 'reference');
  console.log(`backend: ${backend.name}`);
  const directory = path.resolve(options.out as string);
  const build = options.evaluateOnly ? null : await buildTinyPolicy(directory, settings, (line) => console.log(line));
  if (build) console.log(`wrote ${build.directory} in ${build.seconds.total.toFixed(0)} s`);
  const evaluations: PolicyEvaluation[] = [];
  const count = options.evaluate as number;
  if (count > 0) {
    for (const temperature of String(options.temperatures).split(',').map(Number)) {
      for (const family of ['hop', 'arith'] as const) {
        const evaluation = await evaluateTinyPolicy(directory, { family, split: 'test', count, seed: settings.seed, temperature });
        console.log(`${family} test, temperature ${temperature}: accuracy ${evaluation.accuracy.toFixed(3)} (${evaluation.correct}/${evaluation.questions}), mean steps ${evaluation.meanSteps.toFixed(2)}, ${JSON.stringify(evaluation.finishReasons)}`);
        evaluations.push(evaluation);
      }
    }
  }
  await appendEvaluationToReadme(directory, evaluations, `npm run build:policy -- ${process.argv.slice(2).join(' ')}`.trim());
  console.log(JSON.stringify({ build, settings, evaluations }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
