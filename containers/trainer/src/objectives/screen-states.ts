// State screening before swirl training: sample each recorded state once and keep those whose actions the reward tells apart.
import { z } from 'zod';
import type { TrainingRecord } from '../../../../core/schemas/training-record';
import type { ModelSink, ModelSource } from '../model/model-source';
import { Rng } from '../tensor/random';
import { shuffledOrder } from '../train/data-order';
import { ProgressBar } from '../train/progress-bar';
import type { SampledGroups } from './swirl-objective';

export const SCREENING_FILE = 'screening.json';

export const ScreeningSchema = z.strictObject({
  /** Indices into the state records, in the order they were screened. */
  kept: z.array(z.number().int().nonnegative()),
  /** Ids of the kept records, so a resume against other data fails instead of training on the wrong states. */
  keptIds: z.array(z.string()),
  screened: z.number().int().nonnegative(),
  recordCount: z.number().int().nonnegative(),
  /** Groups whose samples all scored high (the policy already acts well there) or all low (no sample found a good action). */
  uniformHigh: z.number().int().nonnegative(),
  uniformLow: z.number().int().nonnegative(),
});
export type Screening = z.infer<typeof ScreeningSchema>;

export interface GroupSampler {
  readonly samplesPerState: number;
  sampleGroups(records: readonly TrainingRecord[], rng: Rng): Promise<SampledGroups>;
}

export interface ScreenOptions {
  /** At most this many states are screened, drawn in a seeded shuffle (all when there are fewer). */
  maxStates: number;
  batchSize: number;
  seed: number;
  label?: string;
}

/**
 * Samples the states with the starting policy and keeps those whose groups have reward spread. A state where every
 * sample is equally good or equally bad gives the policy gradient nothing but the KL term; when such states are most
 * of the data, a step's batch holds on average less than one state that can teach anything, and the few that can are
 * visited about once. Screening once up front lets every step spend its batch on states that separate actions.
 */
export async function screenStates(sampler: GroupSampler, records: readonly TrainingRecord[], options: ScreenOptions): Promise<Screening> {
  const order = shuffledOrder(records.length, options.seed, 0).slice(0, Math.min(options.maxStates, records.length));
  const rng = new Rng((options.seed ^ 0x5c4ee7) >>> 0);
  const screening: Screening = { kept: [], keptIds: [], screened: 0, recordCount: records.length, uniformHigh: 0, uniformLow: 0 };
  const progress = new ProgressBar(order.length, options.label ?? 'screen');
  for (let start = 0; start < order.length; start += options.batchSize) {
    const indices = order.slice(start, start + options.batchSize);
    const { rewards } = await sampler.sampleGroups(indices.map((index) => records[index]), rng);
    indices.forEach((recordIndex, group) => {
      const groupRewards = rewards.slice(group * sampler.samplesPerState, (group + 1) * sampler.samplesPerState);
      const low = Math.min(...groupRewards);
      const high = Math.max(...groupRewards);
      if (high - low > 1e-9) {
        screening.kept.push(recordIndex);
        screening.keptIds.push(records[recordIndex].id);
      } else if (low >= 0.5) screening.uniformHigh += 1;
      else screening.uniformLow += 1;
    });
    screening.screened += indices.length;
    progress.update(screening.screened, `${screening.kept.length} informative`);
  }
  progress.finish();
  return screening;
}

/** The saved screening of an earlier (interrupted) attempt when it matches these records, else a fresh one, saved. */
export async function loadOrScreenStates(
  output: (ModelSource & ModelSink) | null, sampler: GroupSampler, records: readonly TrainingRecord[], options: ScreenOptions,
): Promise<{ screening: Screening; reused: boolean }> {
  const saved = output ? await output.readFile(SCREENING_FILE) : null;
  if (saved) {
    const parsed = ScreeningSchema.safeParse(JSON.parse(saved.toString('utf8')));
    if (!parsed.success) throw new Error(`${output!.description}/${SCREENING_FILE}: not a screening file (${parsed.error.issues[0]?.message}); delete it to screen again`);
    const screening = parsed.data;
    const matches = screening.recordCount === records.length && screening.kept.every((index, position) => records[index]?.id === screening.keptIds[position]);
    if (!matches) throw new Error(`${output!.description}/${SCREENING_FILE} was written for other state records (${screening.recordCount} records, now ${records.length}); delete it and checkpoints/ to start over`);
    return { screening, reused: true };
  }
  const screening = await screenStates(sampler, records, options);
  if (output) await output.writeFile(SCREENING_FILE, `${JSON.stringify(screening)}\n`);
  return { screening, reused: false };
}
