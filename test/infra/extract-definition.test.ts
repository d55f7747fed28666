// The state machine definition extracted from the synthesized stack, checked by asl-validator.
import validateAsl from 'asl-validator';
import { extractStateMachineDefinition, LambdaResource, BatchJobDefinitionResource } from '../../infra/extract-definition';
import { extractSchedules, extractTriggerRules } from '../../infra/extract-triggers';
import { LAMBDA_STAGES } from '../../infra/stack-props';
import { synthesizeSwirl } from './support/synthesize-swirl';

type State = Record<string, unknown> & { Type: string; Resource?: string; Parameters?: Record<string, unknown>; ItemProcessor?: { States: Record<string, State> }; Retry?: Array<{ ErrorEquals: string[] }> };

// cdk-nag runs in swirl-stack.test.ts; here only the template matters.
const { template } = synthesizeSwirl(undefined, { checks: false });
const extracted = extractStateMachineDefinition(template, { bucketName: 'swirl-local' });
const states = extracted.definition.States as Record<string, State>;

function allStates(machine: Record<string, State>): Array<[string, State]> {
  return Object.entries(machine).flatMap(([name, state]) => [[name, state] as [string, State], ...(state.ItemProcessor ? allStates(state.ItemProcessor.States) : [])]);
}

describe('extracted state machine definition', () => {
  it('passes asl-validator', () => {
    const result = validateAsl(structuredClone(extracted.definition));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('contains no unresolved intrinsics and uses only JSONPath features', () => {
    expect(extracted.definitionString).not.toMatch(/Fn::|"Ref"|\$\{Token/);
    expect(extracted.definitionString).not.toMatch(/"QueryLanguage"|"Assign"|"Arguments"|"Output"|\{%/);
  });

  it('maps every Lambda task to the stage handler the local engine should import', () => {
    const lambdaTasks = allStates(states).filter(([, state]) => state.Resource === 'arn:aws:states:::lambda:invoke');
    const stagesUsed = new Set<string>();
    for (const [, state] of lambdaTasks) {
      const resource = extracted.resources[String(state.Parameters!.FunctionName)] as LambdaResource;
      expect(resource.kind).toBe('lambda');
      expect(resource.entry).toBe(`functions/${resource.stage}/handler.ts`);
      expect(resource.environment.SWIRL_BUCKET).toBe('swirl-local');
      expect(state.TimeoutSeconds).toBe(resource.timeoutSeconds + 30);
      stagesUsed.add(resource.stage!);
    }
    expect([...stagesUsed].sort()).toEqual([...LAMBDA_STAGES].sort());
  });

  it('gives every task an explicit timeout and retries Lambda service errors with backoff', () => {
    for (const [name, state] of allStates(states).filter(([, candidate]) => candidate.Type === 'Task')) {
      expect([name, typeof state.TimeoutSeconds]).toEqual([name, 'number']);
      const retriedErrors = (state.Retry ?? []).flatMap((retry) => retry.ErrorEquals);
      if (String(state.Resource).includes('lambda')) expect(retriedErrors).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.SdkClientException']));
    }
    const rollout = states.Rollout.ItemProcessor!.States['Roll out shard'];
    expect(rollout.Retry).toEqual(expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['ShardIncompleteError'], BackoffRate: 2 })]));
  });

  it('maps both shard stages over the manifest from prepare, writing results to S3', () => {
    expect(states.Prepare.ResultPath).toBe('$.run');
    for (const name of ['Rollout', 'Decompose and judge']) {
      const map = states[name] as State & { ItemReader: Record<string, unknown>; ResultWriter: Record<string, unknown> };
      expect(map.ItemProcessor).toEqual(expect.objectContaining({ ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } }));
      expect(map.ItemReader).toEqual({ Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'swirl-local', 'Key.$': '$.run.manifestKey' } });
      expect(map.ResultWriter).toEqual(expect.objectContaining({ Parameters: { Bucket: 'swirl-local', Prefix: expect.stringMatching(/^map-results\//) } }));
      expect(map.ResultPath).toBeNull();
      expect(map.ToleratedFailurePercentage).toBe(10);
    }
    expect(states.Rollout.MaxConcurrency).toBe(7);
    expect(states['Decompose and judge'].MaxConcurrency).toBe(5);
    expect(Object.keys(states['Decompose and judge'].ItemProcessor!.States).sort()).toEqual(['Decompose shard', 'Judge shard']);
  });

  it('trains with a Batch .sync job that carries the run id, resolvable to the trainer entry', () => {
    const train = states.Train;
    expect(train.Resource).toBe('arn:aws:states:::batch:submitJob.sync');
    const parameters = train.Parameters as { JobDefinition: string; JobQueue: string; Parameters: Record<string, string>; ContainerOverrides: { Environment: Array<{ Name: string; 'Value.$': string }> } };
    expect(parameters.Parameters).toEqual({ 'runId.$': '$.run.runId' });
    // The job definition's per-attempt timeout stays in force; only the state has the overall one.
    expect(parameters).not.toHaveProperty('Timeout');
    expect(parameters.ContainerOverrides.Environment).toEqual([{ Name: 'SWIRL_RUN_ID', 'Value.$': '$.run.runId' }]);
    const job = extracted.resources[parameters.JobDefinition] as BatchJobDefinitionResource;
    expect(job.kind).toBe('batch-job-definition');
    expect(job.entry).toBe('containers/trainer/src/main.ts');
    expect(job.command).toEqual(['train', '--run', 'Ref::runId']);
    expect(job.environment.SWIRL_BUCKET).toBe('swirl-local');
    expect(job.attempts).toBe(4);
    expect(Number(train.TimeoutSeconds)).toBeGreaterThanOrEqual(job.attemptTimeoutSeconds! * job.attempts);
    expect(extracted.resources[parameters.JobQueue].kind).toBe('other');
  });

  it('rolls out and evaluates trainer-served models as Batch .sync jobs on the GPU queue, the others in Lambdas', () => {
    const batchTasks = allStates(states).filter(([, state]) => state.Resource === 'arn:aws:states:::batch:submitJob.sync');
    expect(batchTasks.map(([name]) => name).sort()).toEqual(['Evaluate pair on Batch', 'Roll out shard on Batch', 'Train']);
    const commandOf = (state: State) => (extracted.resources[String(state.Parameters!.JobDefinition)] as BatchJobDefinitionResource).command;
    expect(Object.fromEntries(batchTasks.map(([name, state]) => [name, commandOf(state)]))).toEqual({
      Train: ['train', '--run', 'Ref::runId'],
      'Roll out shard on Batch': ['rollout', '--run', 'Ref::runId', '--shard', 'Ref::shard'],
      'Evaluate pair on Batch': ['evaluate', '--run', 'Ref::runId', '--model', 'Ref::model', '--set', 'Ref::set'],
    });
    expect(new Set(batchTasks.map(([, state]) => state.Parameters!.JobQueue)).size).toBe(1);
    for (const [, state] of batchTasks) expect((extracted.resources[String(state.Parameters!.JobDefinition)] as BatchJobDefinitionResource).entry).toBe('containers/trainer/src/main.ts');

    const choice = states['Policy served by the trainer?'] as State & { Choices: Array<Record<string, string>>; Default: string };
    expect(states.Prepare.Next).toBe('Policy served by the trainer?');
    expect(choice.Choices).toEqual([{ Variable: '$.run.policyRunner', StringEquals: 'batch', Next: 'Rollout on Batch' }]);
    expect(choice.Default).toBe('Rollout');
    expect([states.Rollout.Next, states['Rollout on Batch'].Next]).toEqual(['Decompose and judge', 'Decompose and judge']);
    const onBatch = states['Rollout on Batch'] as State & { ItemReader: { Parameters: Record<string, string> } };
    expect(onBatch.ItemReader.Parameters['Key.$']).toBe('$.run.manifestKey');
    const shardJob = onBatch.ItemProcessor!.States['Roll out shard on Batch'];
    expect(shardJob.Parameters!.Parameters).toEqual({ 'runId.$': '$.runId', 'shard.$': '$.shard' });
    // A shard whose job died is submitted again; Train relies on its job definition's attempts and checkpoints.
    expect(shardJob.Retry!.flatMap((retry) => retry.ErrorEquals)).toEqual(expect.arrayContaining(['States.TaskFailed', 'Batch.ServerException']));
    expect(states.Train.Retry!.flatMap((retry) => retry.ErrorEquals)).not.toContain('States.TaskFailed');
  });

  it('evaluates one (model, eval set) pair per child of a map over the plan from prepare, each pair where its model is served', () => {
    const evaluate = states.Evaluate as State & { ItemReader: { Parameters: Record<string, string> }; ItemProcessor: { StartAt: string; States: Record<string, State> } };
    expect(evaluate.ItemReader.Parameters['Key.$']).toBe('$.run.evaluationPlanKey');
    expect(evaluate.MaxConcurrency).toBe(8);
    expect(states.Train.Next).toBe('Evaluate');
    expect(evaluate.Next).toBe('Report');
    const processor = evaluate.ItemProcessor.States;
    expect(evaluate.ItemProcessor.StartAt).toBe('Model served by the trainer?');
    expect(processor['Model served by the trainer?']).toMatchObject({ Choices: [{ Variable: '$.runner', StringEquals: 'batch', Next: 'Evaluate pair on Batch' }], Default: 'Evaluate pair' });
    const pair = { 'runId.$': '$.runId', 'model.$': '$.model', 'set.$': '$.set' };
    expect(processor['Evaluate pair on Batch'].Parameters!.Parameters).toEqual(pair);
    expect((processor['Evaluate pair'].Parameters as { Payload: unknown }).Payload).toEqual(pair);
    for (const name of ['Evaluate pair on Batch', 'Evaluate pair']) {
      expect(processor[name].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Pair failed' }]);
    }
    expect(processor['Pair failed']).toMatchObject({ Type: 'Pass', End: true });
  });

  it('names scheduled runs <prefix>-<uuid> before prepare, and leaves uploaded configs alone', () => {
    expect(extracted.definition.StartAt).toBe('Scheduled run?');
    const choice = states['Scheduled run?'] as State & { Choices: unknown[]; Default: string };
    expect(choice.Choices).toEqual([{ Variable: '$.runIdPrefix', IsPresent: true, Next: 'Name scheduled run' }]);
    expect(choice.Default).toBe('Name the claiming execution');
    expect(states['Name scheduled run'].Next).toBe('Name the claiming execution');
    expect(states['Name scheduled run'].Parameters).toEqual({ 'bucket.$': '$.bucket', 'key.$': '$.key', 'runId.$': "States.Format('{}-{}', $.runIdPrefix, States.UUID())" });
  });
});

describe('extracted triggers', () => {
  it('returns the config rule pattern and input transformer with the bucket resolved', () => {
    const [rule] = extractTriggerRules(template, { bucketName: 'swirl-local' });
    expect(rule.eventPattern).toEqual({
      source: ['aws.s3'], 'detail-type': ['Object Created'],
      detail: { bucket: { name: ['swirl-local'] }, object: { key: [{ wildcard: 'configs/*.json' }] } },
    });
    const filled = rule.inputTemplate.replace(/<([^>]+)>/g, (_match, name: string) => JSON.stringify({ '$.detail.bucket.name': 'swirl-local', '$.detail.object.key': 'configs/a.json' }[rule.inputPathsMap[name]]));
    expect(JSON.parse(filled)).toEqual({ bucket: 'swirl-local', key: 'configs/a.json' });
  });

  it('returns each schedule with its input', () => {
    const [schedule] = extractSchedules(template, { bucketName: 'swirl-local' });
    expect(schedule.expression).toBe('cron(0 3 * * ? *)');
    expect(schedule.input).toEqual({
      bucket: 'swirl-local', key: 'schedules/nightly.json', runIdPrefix: 'nightly', schedule: 'nightly',
      scheduledTime: '<aws.scheduler.scheduled-time>', executionId: '<aws.scheduler.execution-id>',
    });
  });
});
