// AWS Batch's EvaluateOnExit rules: after a failed attempt, the first matching rule says RETRY or EXIT.
export interface BatchRetryRule {
  action: 'RETRY' | 'EXIT';
  onExitCode?: string;
  onReason?: string;
  onStatusReason?: string;
}

export interface FailedAttempt {
  exitCode: number | null;
  /** Locally one text plays both the container reason and the job's status reason. */
  reason: string;
}

/** Batch patterns are literal text that may end in one `*`. */
function matchesPattern(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

/** Reads the CloudFormation `RetryStrategy.EvaluateOnExit` list, ignoring entries it cannot understand. */
export function readRetryRules(retryStrategy: unknown): BatchRetryRule[] {
  const entries = (retryStrategy as { EvaluateOnExit?: unknown } | undefined)?.EvaluateOnExit;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: Record<string, unknown>) => {
    const action = String(entry.Action ?? '').toUpperCase();
    if (action !== 'RETRY' && action !== 'EXIT') return [];
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return [{ action, onExitCode: text(entry.OnExitCode), onReason: text(entry.OnReason), onStatusReason: text(entry.OnStatusReason) }];
  });
}

/** As in AWS: the first rule whose every condition matches decides; with no match (or no rules) the job is retried. */
export function shouldRetryAttempt(rules: readonly BatchRetryRule[], attempt: FailedAttempt): boolean {
  const exitCode = attempt.exitCode === null ? '' : String(attempt.exitCode);
  const rule = rules.find((candidate) => matchesPattern(candidate.onExitCode, exitCode)
    && matchesPattern(candidate.onReason, attempt.reason)
    && matchesPattern(candidate.onStatusReason, attempt.reason));
  return rule === undefined || rule.action === 'RETRY';
}
