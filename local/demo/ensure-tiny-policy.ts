// Makes sure the demo's base policy is on disk: models/tiny-policy is used as it is, or built once (from the shipped stage 1 when present) and cached there.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_PREFIX, resolveBuiltinModel, TINY_POLICY_STAGE_ONE_MODEL } from '../../containers/trainer/src/model/builtin-models';
import { buildTinyPolicy, DEFAULT_TINY_POLICY_SETTINGS, TinyPolicySettings } from '../policy-builder/pretraining';
import { DEMO_BASE_MODEL } from './demo-config';

/** Files a model directory needs before the trainer can load it. */
export const MODEL_FILES = ['config.json', 'model.safetensors', 'tokenizer.json'] as const;

export interface TinyPolicyStatus {
  directory: string;
  built: boolean;
  seconds: number;
}

export function findMissingModelFiles(directory: string): string[] {
  return MODEL_FILES.filter((file) => !existsSync(path.join(directory, file)));
}

/** The default build: stage 2 from the shipped stage 1 when it is on disk (as `npm run build:policy`), else both stages. */
export function chooseTinyPolicySettings(): TinyPolicySettings {
  const stageOne = resolveBuiltinModel(`${BUILTIN_PREFIX}${TINY_POLICY_STAGE_ONE_MODEL}`)!;
  return { ...DEFAULT_TINY_POLICY_SETTINGS, initFrom: findMissingModelFiles(stageOne).length === 0 ? stageOne : null };
}

/** Builds the policy only when a file is missing, with the same function as `npm run build:policy`. */
export async function ensureTinyPolicy(log: (line: string) => void, settings: TinyPolicySettings = chooseTinyPolicySettings()): Promise<TinyPolicyStatus> {
  const directory = resolveBuiltinModel(DEMO_BASE_MODEL);
  if (directory === null) throw new Error(`expected ${DEMO_BASE_MODEL} to name a built-in model`);
  const missing = findMissingModelFiles(directory);
  if (missing.length === 0) return { directory, built: false, seconds: 0 };
  const from = settings.initFrom ? `stage 2 from ${settings.initFrom}, about half an hour` : 'from scratch, about 1.5 hours';
  log(`${directory} lacks ${missing.join(', ')}: building the tiny policy (${from} on 2 cores; once, later runs reuse it)`);
  const build = await buildTinyPolicy(directory, settings, log);
  return { directory, built: true, seconds: build.seconds.total };
}
