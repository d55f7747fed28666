// Step-wise decomposition: a trajectory with k actions becomes k steps, each the context up to one action plus that action.
import { Message } from '../schemas/message';
import { Step } from '../schemas/step';
import { Trajectory } from '../schemas/trajectory';

/** Deterministic step id, so a rerun writes the same records. */
export function createStepId(trajectoryId: string, stepIndex: number): string {
  return `${trajectoryId}@${stepIndex}`;
}

/**
 * Step i's context is the prompt, then for every earlier turn j the model output (assistant) followed by
 * its tool result (user) when there was one; step i's action is turn i's output verbatim.
 * Message objects are shared between the steps of one trajectory, so memory grows linearly, not quadratically.
 */
export function decomposeTrajectory(trajectory: Trajectory): Step[] {
  const steps: Step[] = [];
  let context: Message[] = [...trajectory.prompt];
  const lastIndex = trajectory.turns.length - 1;
  trajectory.turns.forEach((turn, position) => {
    const isFinal = position === lastIndex && turn.action.type === 'answer' && trajectory.finishReason === 'answered';
    steps.push({
      id: createStepId(trajectory.id, position),
      runId: trajectory.runId,
      trajectoryId: trajectory.id,
      questionId: trajectory.questionId,
      stepIndex: position,
      context,
      action: turn.output,
      parsedAction: turn.action,
      toolResult: turn.toolResult,
      isFinal,
    });
    const next: Message[] = [...context, { role: 'assistant', content: turn.output }];
    if (turn.toolResult !== null) next.push({ role: 'user', content: turn.toolResult });
    context = next;
  });
  return steps;
}

/** The whole conversation of a trajectory, as the policy saw and wrote it. */
export function buildConversation(trajectory: Trajectory): Message[] {
  const messages: Message[] = [...trajectory.prompt];
  for (const turn of trajectory.turns) {
    messages.push({ role: 'assistant', content: turn.output });
    if (turn.toolResult !== null) messages.push({ role: 'user', content: turn.toolResult });
  }
  return messages;
}
