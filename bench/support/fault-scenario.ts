// One fault scenario's record: what was expected, what happened, and whether they agree; plus the counts the suite sums.

export interface ScenarioResult {
  name: string;
  expected: string;
  observed: string;
  passed: boolean;
  recordsLost: number;
  recordsDuplicated: number;
}

export interface ScenarioOutcome {
  observed: string;
  passed: boolean;
  recordsLost?: number;
  recordsDuplicated?: number;
}

/** Runs a scenario; an exception is a failed scenario with its message as what was observed. */
export async function runScenario(name: string, expected: string, body: () => Promise<ScenarioOutcome>): Promise<ScenarioResult> {
  const started = Date.now();
  let result: ScenarioResult;
  try {
    const outcome = await body();
    result = { name, expected, observed: outcome.observed, passed: outcome.passed, recordsLost: outcome.recordsLost ?? 0, recordsDuplicated: outcome.recordsDuplicated ?? 0 };
  } catch (error) {
    result = { name, expected, observed: `threw ${(error as Error).stack ?? String(error)}`, passed: false, recordsLost: 0, recordsDuplicated: 0 };
  }
  console.log(`${result.passed ? 'PASS' : 'FAIL'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s): ${result.observed}`);
  return result;
}

/** Ids seen more than once and ids of `expected` never seen. */
export function countRecords(expected: string[], seen: string[]): { lost: number; duplicated: number } {
  const counts = new Map<string, number>();
  for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  return {
    lost: expected.filter((id) => !counts.has(id)).length,
    duplicated: [...counts.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0),
  };
}
