// Assembly of filtered trajectories into SFT records, step-wise states and the validation split.
import { decomposeTrajectory } from '../../../core/decompose';
import { isValidationQuestion, summarizeTrajectory, TrainingSetBuilder, TrainManifestSchema } from '../../../core/assemble';
import { judgeOutcomeByRule, judgeStepByRule } from '../../../core/judges';
import { FILTER_STRATEGIES, FilterStrategy, RlStateSource, Trajectory, TrainingRecord, TrainingRecordSchema } from '../../../core/schemas';
import { makeTrajectory, mathQuestion, TurnSpec } from '../../support/trajectory-fixtures';

const files = { sft: 'runs/r/train/sft.jsonl', states: 'runs/r/train/states.jsonl', validation: 'runs/r/train/validation.jsonl' };

/** 40 questions × 4 samples: a gold path twice (duplicates), a path with a made-up number, and a wrong answer. */
function buildTrajectories(): Trajectory[] {
  const trajectories: Trajectory[] = [];
  for (let index = 0; index < 40; index += 1) {
    const a = 10 + index;
    const question = mathQuestion(`q${index}`, `Tom has ${a} apples and buys 5 more, then doubles them. How many apples?`, String((a + 5) * 2), [a + 5, (a + 5) * 2]);
    const gold: TurnSpec[] = [{ calc: `${a}+5`, result: String(a + 5) }, { calc: `${a + 5}*2`, result: String((a + 5) * 2) }, { answer: String((a + 5) * 2) }];
    trajectories.push(makeTrajectory(question, 0, gold));
    trajectories.push(makeTrajectory(question, 1, gold));
    trajectories.push(makeTrajectory(question, 2, [{ calc: `${a}+7`, result: String(a + 7) }, { answer: String(a + 7) }]));
    trajectories.push(makeTrajectory(question, 3, [{ calc: `${a}+5`, result: String(a + 5) }, { answer: String(a + 5) }]));
  }
  return trajectories;
}

function assemble(strategy: FilterStrategy, trajectories = buildTrajectories(), rlStates: RlStateSource = 'kept') {
  const builder = new TrainingSetBuilder({ runId: 'r', strategy, rlStates, validationFraction: 0.25, files });
  for (const trajectory of trajectories) {
    builder.addTrajectory(trajectory);
  }
  const steps = trajectories.flatMap(decomposeTrajectory);
  for (const step of steps) builder.addJudgment(judgeStepByRule(step, trajectories.find((t) => t.id === step.trajectoryId)!.question));
  for (const trajectory of trajectories) builder.addJudgment(judgeOutcomeByRule(trajectory));
  for (const step of steps) builder.addStep(step);
  return builder.finish();
}

describe('TrainingSetBuilder', () => {
  it('writes a funnel that adds up for every strategy', () => {
    const { manifest } = assemble('process');
    expect(TrainManifestSchema.parse(manifest)).toEqual(manifest);
    expect(manifest.trajectories).toBe(160);
    expect(manifest.steps).toBe(40 * (3 + 3 + 2 + 2));
    for (const strategy of FILTER_STRATEGIES) {
      expect(Object.values(manifest.strategies[strategy]).reduce((sum, count) => sum + count, 0)).toBe(160);
    }
    // The made-up "+7" step is BAD; sample 3 answers an intermediate value before the gold chain is complete (premature: BAD, and wrong).
    expect(manifest.strategies.process).toMatchObject({ kept: 80, droppedBadStep: 80 });
    expect(manifest.strategies.outcome).toMatchObject({ kept: 80, droppedIncorrect: 80 });
    expect(manifest.strategies['process+outcome']).toMatchObject({ kept: 80, droppedBadStep: 80, droppedIncorrect: 0 });
    expect(manifest.verdicts.tool_call).toEqual({ GOOD: 200, BAD: 40, unknown: 0, missing: 0 });
    expect(manifest.verdicts.answer.GOOD + manifest.verdicts.answer.BAD).toBe(160);
    expect(manifest.outcomes).toEqual({ correct: 80, incorrect: 80, missing: 0 });
  });

  it('removes repeated context+action pairs and splits by question with no question on both sides', () => {
    const { sft, states, validation, manifest } = assemble('process');
    // Kept: samples 0 and 1 (identical) per question: 3 + 3 steps, of which sample 1's 3 repeat.
    expect(manifest.records.candidateSteps).toBe(40 * 6);
    expect(manifest.records.duplicatesRemoved).toBe(40 * 3);
    expect(sft.length + validation.length).toBe(40 * 3);
    const trainQuestions = new Set(sft.map((record) => record.questionId));
    const validationQuestions = new Set(validation.map((record) => record.questionId));
    expect([...trainQuestions].filter((id) => validationQuestions.has(id))).toEqual([]);
    expect(validationQuestions.size).toBeGreaterThan(0);
    expect(manifest.questions).toEqual({ train: trainQuestions.size, validation: validationQuestions.size });
    for (const id of validationQuestions) expect(isValidationQuestion(id, 0.25)).toBe(true);
    const keys = sft.map((record) => JSON.stringify([record.context, record.action]));
    expect(new Set(keys).size).toBe(keys.length);
    // Per question 3 distinct (context, action) pairs in 3 distinct contexts.
    expect(sft.length).toBe(3 * trainQuestions.size);
    expect(states.length).toBe(3 * trainQuestions.size);
    for (const record of [...sft, ...states, ...validation]) expect(TrainingRecordSchema.safeParse(record).success).toBe(true);
  });

  it('rewards GOOD steps with 1 and BAD with 0 and carries what a rule reward needs', () => {
    const { sft } = assemble('none');
    const bad = sft.find((record) => record.action.includes('+7'));
    expect(bad?.reward).toBe(0);
    const good = sft.find((record) => record.stepIndex === 0 && record.reward === 1)!;
    expect(good.reference.goldValues.length).toBe(2);
    expect(good.reference.answer).toMatch(/^\d+$/);
    expect(good.task).toBe('math');
  });

  it('keeps one reference per question, not a question row per trajectory', () => {
    // Each trajectory parsed from storage carries its own copy of the question row.
    const trajectories = buildTrajectories().map((trajectory) => structuredClone(trajectory));
    const summary = summarizeTrajectory(trajectories[0]);
    expect(Object.keys(summary).sort()).toEqual(['id', 'questionId', 'reference', 'stepCount', 'task']);
    const { sft } = assemble('none', trajectories);
    const byQuestion = new Map<string, unknown>();
    let shared = 0;
    for (const record of sft) {
      const first = byQuestion.get(record.questionId);
      if (first === undefined) byQuestion.set(record.questionId, record.reference);
      else {
        expect(record.reference).toBe(first);
        shared += 1;
      }
    }
    expect(shared).toBeGreaterThan(byQuestion.size);
  });

  it('is deterministic: the same input gives the same records', () => {
    expect(assemble('process+outcome')).toEqual(assemble('process+outcome'));
  });

  it('takes RL states from every good history when asked, kept trajectory or not, and SFT records from kept ones only', () => {
    const trajectories = buildTrajectories();
    // A fifth sample per question: a good first step written differently, then a premature (BAD) answer.
    for (let index = 0; index < 40; index += 1) {
      const { question } = trajectories[index * 4];
      const a = 10 + index;
      trajectories.push(makeTrajectory(question, 4, [{ calc: `5+${a}`, result: String(a + 5) }, { answer: String(a + 5) }]));
    }
    const fromKept = assemble('process', trajectories, 'kept');
    const fromHistory = assemble('process', trajectories, 'good-history');
    const afterReorderedStep = (records: TrainingRecord[]) => records.filter((record) => record.context.some((message) => /<math_exp>5\+\d+<\/math_exp>/.test(message.content)));
    expect(afterReorderedStep(fromKept.states)).toEqual([]);
    const trainQuestions = new Set(fromKept.states.map((record) => record.questionId)).size;
    // One new state per train question: after the good "5+a", where the recorded (BAD) answer does not matter.
    expect(afterReorderedStep(fromHistory.states)).toHaveLength(trainQuestions);
    expect(afterReorderedStep(fromHistory.states).every((record) => record.reward === 0)).toBe(true);
    expect(fromHistory.states).toHaveLength(fromKept.states.length + trainQuestions);
    // Nothing after a BAD step: sample 2's made-up "+7" ends its good history.
    expect(fromHistory.states.some((record) => record.context.some((message) => /<math_exp>\d+\+7<\/math_exp>/.test(message.content)))).toBe(false);
    expect(fromHistory.sft).toEqual(fromKept.sft);
    expect(fromHistory.manifest).toMatchObject({ rlStates: 'good-history', records: { states: fromHistory.states.length } });
    expect(fromHistory.manifest.records.stateSteps).toBeGreaterThan(fromKept.manifest.records.stateSteps);
    expect(fromKept.manifest.rlStates).toBe('kept');
    // The outcome filter judges no steps, so every state counts as a good history, the one after "+7" too.
    const underOutcome = assemble('outcome', trajectories, 'good-history');
    expect(underOutcome.states.some((record) => record.context.some((message) => /<math_exp>\d+\+7<\/math_exp>/.test(message.content)))).toBe(true);
  });

  it('counts unjudged steps and refuses steps of unknown trajectories', () => {
    const trajectories = buildTrajectories().slice(0, 4);
    const builder = new TrainingSetBuilder({ runId: 'r', strategy: 'process', validationFraction: 0, files });
    for (const trajectory of trajectories) builder.addTrajectory(trajectory);
    for (const step of trajectories.flatMap(decomposeTrajectory)) builder.addStep(step);
    const { manifest, sft } = builder.finish();
    expect(manifest.strategies.process.droppedUnjudged).toBe(4);
    expect(manifest.verdicts.tool_call.missing).toBe(6);
    expect(sft).toEqual([]);
    expect(() => builder.addStep({ ...decomposeTrajectory(trajectories[0])[0], trajectoryId: 'nope#0' })).toThrow('expected its trajectory "nope#0"');
  });
});
