// One pass over a run's steps: decides which output file each step's record goes to and counts the funnel, holding only hashes.
import { hashJson } from '../judges/content-hash';
import { Verdict } from '../schemas/judgment';
import { Step } from '../schemas/step';
import { TrainingRecord } from '../schemas/training-record';
import { TrainManifest, VerdictCounts } from './train-manifest';
import { buildTrainingRecord, isValidationQuestion, type TrajectorySummary } from './training-record';

export const TRAINING_OUTPUTS = ['sft', 'states', 'validation'] as const;
export type TrainingOutput = (typeof TRAINING_OUTPUTS)[number];

/** What a selector reads of the judged run: small per-trajectory metadata and the verdict maps. */
export interface SelectionSource {
  validationFraction: number;
  trajectory(trajectoryId: string): TrajectorySummary | undefined;
  verdict(stepId: string): Verdict | undefined;
  isKept(trajectoryId: string): boolean;
  /** Whether the step's context is an RL state (given whether its trajectory was kept). */
  isState(step: Step, kept: boolean): boolean;
}

/** The manifest counts one full pass over the steps yields; every pass over the same parts yields the same tally. */
export interface RecordTally {
  steps: number;
  verdicts: TrainManifest['verdicts'];
  candidateSteps: number;
  stateSteps: number;
  duplicatesRemoved: number;
  sft: number;
  states: number;
  validation: number;
  questions: TrainManifest['questions'];
}

/** Where a step's record goes; record is null exactly when outputs is empty. */
export interface Selection {
  outputs: readonly TrainingOutput[];
  record: TrainingRecord | null;
}

const NOTHING_SELECTED: Selection = { outputs: [], record: null };

function emptyVerdictCounts(): VerdictCounts {
  return { GOOD: 0, BAD: 0, unknown: 0, missing: 0 };
}

/**
 * SFT and validation records drop repeats of the same context and action; RL states drop repeats of the same
 * context, since a state is explored afresh and one behaviour action per state suffices. Steps must come in the
 * same order on every pass, which fixes which of two twins is kept.
 */
export class RecordSelector {
  private readonly seenRecords = new Set<string>();
  private readonly seenStates = new Set<string>();
  private readonly trainQuestions = new Set<string>();
  private readonly validationQuestions = new Set<string>();
  private readonly verdicts = { tool_call: emptyVerdictCounts(), answer: emptyVerdictCounts(), invalid: emptyVerdictCounts() };
  private readonly counts = { steps: 0, candidateSteps: 0, stateSteps: 0, duplicatesRemoved: 0, sft: 0, states: 0, validation: 0 };

  constructor(private readonly source: SelectionSource) {}

  /**
   * Counts the step and returns the outputs its record belongs to (none when its trajectory was filtered out or it
   * repeats) with that record, built from the one lookup of its trajectory and verdict.
   */
  select(step: Step): Selection {
    const summary = this.source.trajectory(step.trajectoryId);
    if (!summary) throw new Error(`step ${step.id}: expected its trajectory ${JSON.stringify(step.trajectoryId)} among the run's trajectories, received none with that id`);
    const verdict = this.source.verdict(step.id);
    this.counts.steps += 1;
    this.verdicts[step.parsedAction.type][verdict ?? 'missing'] += 1;
    const kept = this.source.isKept(step.trajectoryId);
    const state = this.source.isState(step, kept);
    if (!kept && !state) return NOTHING_SELECTED;
    const validation = isValidationQuestion(step.questionId, this.source.validationFraction);
    const outputs: TrainingOutput[] = [];
    const contextHash = hashJson(step.context);
    if (kept) {
      this.counts.candidateSteps += 1;
      (validation ? this.validationQuestions : this.trainQuestions).add(step.questionId);
      // Repeats are removed within a split, so a record never disappears from training because its twin went to validation.
      const recordHash = hashJson([validation ? 'validation' : 'train', contextHash, step.action]);
      if (this.seenRecords.has(recordHash)) {
        this.counts.duplicatesRemoved += 1;
      } else {
        this.seenRecords.add(recordHash);
        outputs.push(validation ? 'validation' : 'sft');
      }
    }
    if (state && !validation) this.counts.stateSteps += 1;
    if (state && !validation && !this.seenStates.has(contextHash)) {
      this.seenStates.add(contextHash);
      outputs.push('states');
    }
    for (const output of outputs) this.counts[output] += 1;
    return outputs.length === 0 ? NOTHING_SELECTED : { outputs, record: buildTrainingRecord(step, summary, verdict) };
  }

  tally(): RecordTally {
    return {
      ...this.counts,
      verdicts: structuredClone(this.verdicts),
      questions: { train: this.trainQuestions.size, validation: this.validationQuestions.size },
    };
  }
}

/**
 * Yields every (output, record) pair of one pass as the steps arrive, pulling the next step only when the consumer
 * asks; each step is selected and its record built once (splitByKey then feeds one upload per output).
 */
export async function* routeRecords(selector: RecordSelector, steps: AsyncIterable<Step>): AsyncGenerator<readonly [TrainingOutput, TrainingRecord]> {
  for await (const step of steps) {
    const { outputs, record } = selector.select(step);
    for (const output of outputs) yield [output, record!] as const;
  }
}
