// The error a run config fails with; its name is what the state machine's Catch matches.
export class ConfigValidationError extends Error {
  readonly problems: string[];
  /** The run the config belongs to, when it could be recovered from the event, the config or its key. */
  readonly runId: string | undefined;

  constructor(label: string, problems: string[], runId?: string) {
    super(`${label} is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigValidationError';
    this.problems = problems;
    this.runId = runId;
  }
}
