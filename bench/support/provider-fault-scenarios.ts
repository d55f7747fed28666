// Provider faults for the policy and the judge: the rollout and judge stages run against a scripted endpoint behind the fault proxy.
import { createStepId, decomposeShard } from '../../core/decompose';
import { judgeStoredShard } from '../../core/judges';
import { rollOutShard } from '../../core/rollout';
import { DatasetRowSchema, JudgmentSchema, RunConfigInput, RunConfigSchema, Trajectory, TrajectorySchema } from '../../core/schemas';
import { ObjectStore, RunStore } from '../../core/store';
import { countRecords, runScenario, ScenarioResult } from './fault-scenario';
import { Fault, FaultPlan, FaultProxy } from './fault-proxy';

const QUESTIONS = 3;
const SAMPLES = 2;
const TRAJECTORY_IDS = Array.from({ length: QUESTIONS }, (_, question) => Array.from({ length: SAMPLES }, (_, sample) => `fq${question}#${sample}`)).flat();

export interface ProviderFaultContext {
  objects: ObjectStore;
  proxy: FaultProxy;
  /** The proxy's base URL ending in /v1. */
  baseUrl: string;
}

function modelConfig(baseUrl: string, overrides: Record<string, unknown> = {}) {
  return { provider: 'openai-compatible', model: 'scripted', baseUrl, timeoutMs: 2_000, maxRetries: 3, pricing: { inputPer1k: 0.001, outputPer1k: 0.002 }, ...overrides };
}

async function writeRun(objects: ObjectStore, runId: string, config: Partial<RunConfigInput>): Promise<RunStore> {
  const store = new RunStore(objects, runId);
  await store.putJson('config.json', RunConfigSchema.parse({
    runId, dataset: { source: 'datasets/faults', format: 'arith' }, tools: { search: { enabled: false } }, samplesPerQuestion: SAMPLES, ...config,
  }));
  await store.putJson('shards/manifest.json', [{ runId, shard: 'shard-00000' }]);
  await store.putJsonLines('shards/shard-00000.jsonl', Array.from({ length: QUESTIONS }, (_, index) => DatasetRowSchema.parse({
    id: `fq${index}`, question: `What is 2 + 2 (${index})?`, answer: '4', task: 'math', source: 'arith',
  })));
  return store;
}

/** Rolls out the run's one shard through the proxy and reads back its trajectories. */
async function rollOut(context: ProviderFaultContext, runId: string, plan: FaultPlan, policy: Record<string, unknown> = {}, config: Partial<RunConfigInput> = {}) {
  const store = await writeRun(context.objects, runId, { policy: modelConfig(context.baseUrl, policy) as never, ...config });
  context.proxy.setPlan(plan);
  const result = await rollOutShard({ objects: context.objects, runId, shard: 'shard-00000', progress: { intervalMs: 60_000, maxQuestions: 100 } });
  const trajectories = await store.readAllJsonLines('trajectories/shard-00000.jsonl', TrajectorySchema);
  const records = countRecords(TRAJECTORY_IDS, trajectories.map((trajectory) => trajectory.id));
  return { result, trajectories, records };
}

function describeRollout(trajectories: Trajectory[], proxy: FaultProxy): string {
  const reasons: Record<string, number> = {};
  for (const trajectory of trajectories) reasons[trajectory.finishReason] = (reasons[trajectory.finishReason] ?? 0) + 1;
  const error = trajectories.find((trajectory) => trajectory.error)?.error;
  return `${trajectories.length} trajectories ${JSON.stringify(reasons)}, ${proxy.requests.length} requests through the proxy${error ? `, first error: ${error.slice(0, 160)}` : ''}`;
}

/** The first `count` requests get `fault`, the rest pass. */
function firstRequests(count: number, fault: Fault): FaultPlan {
  return ({ index }) => (index < count ? fault : { kind: 'pass' });
}

export async function runProviderFaultScenarios(context: ProviderFaultContext, options: { quick?: boolean } = {}): Promise<ScenarioResult[]> {
  const { proxy } = context;
  const results: ScenarioResult[] = [];
  const policyFault = (name: string, expected: string, runId: string, plan: FaultPlan, check: (trajectories: Trajectory[]) => boolean, policy: Record<string, unknown> = {}) =>
    runScenario(name, expected, async () => {
      const { trajectories, records } = await rollOut(context, runId, plan, policy);
      return { observed: describeRollout(trajectories, proxy), passed: records.lost === 0 && records.duplicated === 0 && check(trajectories), recordsLost: records.lost, recordsDuplicated: records.duplicated };
    });
  const answered = (trajectories: Trajectory[]) => trajectories.every((trajectory) => trajectory.finishReason === 'answered' && trajectory.finalAnswer === '4');

  results.push(await policyFault('policy: 429 with Retry-After', 'retried after the server\'s delay; every episode answers', 'fault-429',
    firstRequests(3, { kind: 'status', status: 429, headers: { 'retry-after': '0.2' } }), (t) => answered(t) && proxy.count('status') === 3));
  results.push(await policyFault('policy: 503 storm', 'every call fails past the retry budget: each episode is recorded as a model error with the reason, the stage completes', 'fault-503-storm',
    () => ({ kind: 'status', status: 503 }), (t) => t.every((trajectory) => trajectory.finishReason === 'model_error' && /HTTP 503/.test(trajectory.error ?? '')) && proxy.requests.length === TRAJECTORY_IDS.length * 4));
  results.push(await policyFault('policy: malformed JSON reply', 'not retried (the same request gets the same reply): recorded as a model error, the stage completes', 'fault-malformed',
    firstRequests(1, { kind: 'malformed' }), (t) => t.filter((trajectory) => trajectory.finishReason === 'model_error').length === 1 && t.filter((trajectory) => trajectory.finishReason === 'answered').length === TRAJECTORY_IDS.length - 1));
  results.push(await policyFault('policy: 10 MB reply', 'refused past 4 MiB without reading it whole: a model error with the reason, no 10 MB turn stored', 'fault-huge',
    firstRequests(1, { kind: 'huge', bytes: 10 * 1024 * 1024 }), (t) => t.some((trajectory) => /reply larger than/.test(trajectory.error ?? '')) && JSON.stringify(t).length < 1_000_000));
  if (!options.quick) {
    results.push(await policyFault('policy: 500', 'retried; every episode answers', 'fault-500',
      firstRequests(2, { kind: 'status', status: 500 }), (t) => answered(t) && proxy.count('status') === 2));
    results.push(await policyFault('policy: hang past the timeout', 'the call is abandoned at its timeout and retried; every episode answers', 'fault-hang',
      firstRequests(2, { kind: 'hang' }), (t) => answered(t) && proxy.count('hang') === 2, { timeoutMs: 500 }));
    results.push(await policyFault('policy: empty content', 'recorded: the empty step is an invalid action in the trajectory, the stage completes', 'fault-empty',
      firstRequests(1, { kind: 'empty-content' }), (t) => t.length === TRAJECTORY_IDS.length && t.some((trajectory) => trajectory.turns.some((turn) => turn.output === ''))));
    results.push(await policyFault('policy: connection reset', 'retried; every episode answers', 'fault-reset',
      firstRequests(2, { kind: 'reset' }), (t) => answered(t) && proxy.count('reset') === 2));
    results.push(await runScenario('policy: token budget under a 429 storm', 'retries spend no budget; the shard stops starting episodes at the token budget and records the rest as budget_exhausted', async () => {
      const { trajectories, records } = await rollOut(context, 'fault-budget', ({ index }) => (index % 2 === 0 ? { kind: 'status', status: 429, headers: { 'retry-after': '0' } } : { kind: 'pass' }), {},
        { budgets: { maxTokens: 500 }, concurrency: { rollout: 1 } as never });
      const tokens = trajectories.reduce((sum, trajectory) => sum + trajectory.usage.inputTokens + trajectory.usage.outputTokens, 0);
      const exhausted = trajectories.filter((trajectory) => trajectory.finishReason === 'budget_exhausted').length;
      // A call in flight when the budget runs out still completes, so the overshoot is at most one call (110 tokens).
      return { observed: `${describeRollout(trajectories, proxy)}, ${tokens} tokens spent`, passed: records.lost === 0 && records.duplicated === 0 && exhausted > 0 && tokens <= 500 + 110, recordsLost: records.lost, recordsDuplicated: records.duplicated };
    }));
  }
  const judgeFault = (name: string, expected: string, runId: string, plan: FaultPlan, check: (unknown: number, good: number, rationale: string) => boolean) =>
    runScenario(name, expected, async () => {
      const judge = modelConfig(context.baseUrl);
      const store = await writeRun(context.objects, runId, { policy: modelConfig(context.baseUrl) as never, judge: judge as never, judgeRetries: 1 });
      proxy.setPlan(() => ({ kind: 'pass' }));
      await rollOutShard({ objects: context.objects, runId, shard: 'shard-00000' });
      await decomposeShard(context.objects, { runId, shard: 'shard-00000' });
      proxy.setPlan(plan);
      const result = await judgeStoredShard(context.objects, { runId, shard: 'shard-00000' });
      const judgments = await store.readAllJsonLines('judged/shard-00000.jsonl', JudgmentSchema);
      const process = judgments.filter((judgment) => judgment.type === 'process');
      const records = countRecords(TRAJECTORY_IDS.flatMap((id) => [createStepId(id, 0), createStepId(id, 1)]), process.map((judgment) => (judgment as { stepId: string }).stepId));
      const rationale = (process.find((judgment) => judgment.verdict === 'unknown') as { rationale?: string } | undefined)?.rationale ?? '';
      return {
        observed: `${process.length} step judgments (good ${result.counts.good}, unknown ${result.counts.unknown}), ${proxy.requests.length} judge requests${rationale ? `, reason: ${rationale.slice(0, 160)}` : ''}`,
        passed: records.lost === 0 && records.duplicated === 0 && check(result.counts.unknown, result.counts.good, rationale),
        recordsLost: records.lost, recordsDuplicated: records.duplicated,
      };
    });
  results.push(await judgeFault('judge: 503 storm', 'each step judged "unknown" with the model error as its reason; the judge stage completes', 'fault-judge-503',
    () => ({ kind: 'status', status: 503 }), (unknown, good, rationale) => unknown === 12 && good === 0 && /503/.test(rationale)));
  if (!options.quick) {
    results.push(await judgeFault('judge: malformed JSON, then answers', 'the failed attempt is retried and every step gets its verdict', 'fault-judge-malformed',
      firstRequests(2, { kind: 'malformed' }), (unknown, good) => unknown === 0 && good === 12));
  }
  return results;
}
