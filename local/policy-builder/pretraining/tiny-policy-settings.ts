// Settings of the embedded demo's base policy: its demonstrations, tokenizer, shape and pretraining schedule.
import type { QueryStyle } from '../../../core/tasks/demonstrations/plan-hop-demonstration';
import { COMPACT_SYSTEM_PROMPT, DEFAULT_USER_PROMPT } from '../../../core/prompts/default-prompts';

/** The prompts the tiny policy is trained with; a run of it must use the same (the demo config does). */
export const TINY_POLICY_PROMPTS = { system: COMPACT_SYSTEM_PROMPT, user: DEFAULT_USER_PROMPT } as const;

export interface TinyPolicySettings {
  /** Seeds the demonstrations, the initialization and the data order. */
  seed: number;
  /** Generated train questions per family (hop and arith). */
  questionsPerFamily: number;
  /** Chance of a mistake at an ordinary decision in the demonstrations. */
  mistakeRate: number;
  recoveryRate: number;
  /** Situations per family where the demonstrations are usually wrong (see createMistakeProfile). */
  blindSpots: number;
  blindSpotRate: number;
  vocabularySize: number;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  keyValueHeads: number;
  maxPositions: number;
  /** Loss weight of the question and tool-result tokens (0: replies only); teaches copying names and numbers from context. */
  contextWeight: number;
  /** Stage 1: optimizer steps on copy drills alone, before any episode (see createCopyDrills); the most it runs when drillTargetLoss is set. */
  drillSteps: number;
  /**
   * Stage 1 ends early once the mean drill loss of the last LOSS_TARGET_WINDOW steps falls to this (null: always drillSteps).
   * The copy circuit forms abruptly and at a step that varies with the kernels' rounding, so a fixed step count can stop before it has.
   */
  drillTargetLoss: number | null;
  /** Copy-drill sequences of stage 1. */
  drillSequences: number;
  /** Copy-drill sequences mixed into the episodes of stage 2, so the copying circuit keeps being exercised. */
  mixedDrills: number;
  /** Hop demonstrations open with a plan line and chain each note to it (see planNote). */
  planNotes: boolean;
  /** How hop demonstrations write their searches: `name`, `subquestion` or `keywords` (see QUERY_STYLES). */
  queryStyle: QueryStyle;
  /** Opening-drill sequences (see createOpeningDrills) mixed into the episodes of stage 2: hop questions answered by an episode's first reply. */
  openingDrills: number;
  /** Continuation-drill sequences (see createContinuationDrills) mixed into stage 2: hop tool turns answered by the reply that carries the chain on. */
  continuationDrills: number;
  /** Decision-drill sequences (hop states answered by the relation chosen; see createDecisionDrills) mixed into stage 2. */
  decisionDrills: number;
  /** Stage 2: optimizer steps on demonstrations (plus mixed drills). */
  steps: number;
  batchSize: number;
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
  /** Save the model directory every N steps while training (0: only at the end). */
  snapshotEvery: number;
  /** Start from this model directory's weights and tokenizer instead of a fresh initialization and a newly trained tokenizer. */
  initFrom: string | null;
  /** Stored weight type: bf16 halves the file. */
  dtype: 'BF16' | 'F32';
}

export const DEFAULT_TINY_POLICY_SETTINGS: TinyPolicySettings = {
  seed: 1,
  questionsPerFamily: 1500,
  mistakeRate: 0.15,
  recoveryRate: 0.3,
  blindSpots: 1,
  blindSpotRate: 0.6,
  vocabularySize: 1024,
  hiddenSize: 128,
  intermediateSize: 384,
  layers: 4,
  heads: 4,
  keyValueHeads: 2,
  maxPositions: 1024,
  contextWeight: 0.5,
  drillSteps: 12000,
  drillTargetLoss: 0.2,
  drillSequences: 6000,
  mixedDrills: 2000,
  planNotes: false,
  queryStyle: 'keywords',
  openingDrills: 2000,
  continuationDrills: 0,
  decisionDrills: 2000,
  steps: 2000,
  batchSize: 8,
  learningRate: 3e-3,
  warmupSteps: 20,
  weightDecay: 0.01,
  snapshotEvery: 50,
  initFrom: null,
  dtype: 'BF16',
};
