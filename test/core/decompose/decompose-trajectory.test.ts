// Decomposition of trajectories into one step per action, by example and by property.
import fc from 'fast-check';
import { buildConversation, decomposeTrajectory } from '../../../core/decompose';
import { StepSchema } from '../../../core/schemas';
import { makeTrajectory, mathQuestion, trajectoryArbitrary } from '../../support/trajectory-fixtures';

describe('decomposeTrajectory', () => {
  it('turns a three-action trajectory into three steps with growing contexts', () => {
    const question = mathQuestion('q7', 'Natalia sold 48 clips in April and half as many in May. How many in total?', '72');
    const trajectory = makeTrajectory(question, 2, [{ calc: '48/2', result: '24' }, { calc: '48+24', result: '72' }, { answer: '72' }]);
    const steps = decomposeTrajectory(trajectory);
    expect(steps.map((step) => step.id)).toEqual(['q7#2@0', 'q7#2@1', 'q7#2@2']);
    expect(steps.map((step) => step.context.length)).toEqual([2, 4, 6]);
    expect(steps[1].context.slice(2)).toEqual([
      { role: 'assistant', content: 'Let me compute.\n<math_exp>48/2</math_exp>' },
      { role: 'user', content: '48/2 -> 24' },
    ]);
    expect(steps.map((step) => step.isFinal)).toEqual([false, false, true]);
    for (const step of steps) expect(StepSchema.safeParse(step).success).toBe(true);
  });

  it('adds no tool message after an invalid action and never marks it final', () => {
    const trajectory = makeTrajectory(mathQuestion('q8', 'Add 2 and 3', '5'), 0, [{ calc: '2+3', result: '5' }, { invalid: 'I think it is five' }]);
    const steps = decomposeTrajectory(trajectory);
    expect(steps).toHaveLength(2);
    expect(steps[1].action).toBe('I think it is five');
    expect(steps[1].isFinal).toBe(false);
    expect(decomposeTrajectory(makeTrajectory(mathQuestion('q9', 'x', '1'), 0, []))).toEqual([]);
  });

  it('holds the method\'s invariants for any trajectory', () => {
    fc.assert(fc.property(trajectoryArbitrary, (trajectory) => {
      const steps = decomposeTrajectory(trajectory);
      const conversation = buildConversation(trajectory);
      // k steps for k actions
      expect(steps).toHaveLength(trajectory.turns.length);
      steps.forEach((step, index) => {
        expect(step.stepIndex).toBe(index);
        expect(step.action).toBe(trajectory.turns[index].output);
        // context i followed by action i is a prefix of the whole conversation
        const prefix = [...step.context, { role: 'assistant', content: step.action }];
        expect(conversation.slice(0, prefix.length)).toEqual(prefix);
        // contexts grow monotonically, each extending the previous one
        if (index > 0) {
          expect(step.context.length).toBeGreaterThan(steps[index - 1].context.length);
          expect(step.context.slice(0, steps[index - 1].context.length)).toEqual(steps[index - 1].context);
        }
        expect(step.isFinal).toBe(index === steps.length - 1 && trajectory.finishReason === 'answered');
      });
      if (trajectory.finishReason === 'answered') {
        const last = steps[steps.length - 1];
        expect(last.parsedAction).toEqual({ type: 'answer', answer: trajectory.finalAnswer });
      }
    }), { numRuns: 300 });
  });
});
