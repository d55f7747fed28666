// Thrown when a rollout shard stopped before its time limit with questions left: retry it and it resumes where it stopped.

export class ShardIncompleteError extends Error {
  constructor(readonly shard: string, readonly completedQuestions: number, readonly totalQuestions: number) {
    super(`shard ${shard} is incomplete: ${completedQuestions} of ${totalQuestions} questions rolled out before the time limit; progress is saved and a retry resumes it`);
    this.name = 'ShardIncompleteError';
  }
}
