// Turns a synthesized template back into a runnable ASL definition, with placeholder ARNs mapped to the resources behind them.
import { ENTRY_METADATA_KEY, STAGE_METADATA_KEY } from './constructs/pipeline-functions';
import { TRAINER_ENTRY } from './constructs/trainer-batch';
import { PLACEHOLDER_ENVIRONMENT } from './feature-flags';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface TemplateResource { Type: string; Properties?: Record<string, Json>; Metadata?: Record<string, Json> }
export interface CloudFormationTemplate { Resources: Record<string, TemplateResource> }

export interface ExtractOptions {
  account?: string;
  region?: string;
  partition?: string;
  /** Name every bucket reference resolves to (the local engine's bucket). Default: the bucket's logical id, lowercased. */
  bucketName?: string;
}

export interface LambdaResource {
  kind: 'lambda';
  logicalId: string;
  arn: string;
  functionName: string;
  /** Pipeline stage, e.g. "rollout" (from the function's metadata). */
  stage: string | null;
  /** Handler source relative to the project root, e.g. "functions/rollout/handler.ts"; it exports `handler`. */
  entry: string | null;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMiB: number;
}

export interface BatchJobDefinitionResource {
  kind: 'batch-job-definition';
  logicalId: string;
  arn: string;
  /** Script run by the image's entrypoint (`node --import tsx <entry>`), relative to the project root. */
  entry: string;
  /** Container command; "Ref::name" tokens are filled from the job's parameters. */
  command: string[];
  environment: Record<string, string>;
  parameters: Record<string, string>;
  attemptTimeoutSeconds: number | null;
  attempts: number;
  /** The job definition's `RetryStrategy.EvaluateOnExit` entries, as in the template. */
  evaluateOnExit: unknown[];
}

export interface OtherResource { kind: 'other'; logicalId: string; type: string; arn: string }
export type ReferencedResource = LambdaResource | BatchJobDefinitionResource | OtherResource;

export interface ExtractedDefinition {
  logicalId: string;
  definition: Record<string, unknown>;
  definitionString: string;
  /** Every ARN or name the definition mentions, mapped to what it stands for. */
  resources: Record<string, ReferencedResource>;
}

const PSEUDO: Record<string, (options: Required<Omit<ExtractOptions, 'bucketName'>>) => string> = {
  'AWS::Partition': (o) => o.partition,
  'AWS::Region': (o) => o.region,
  'AWS::AccountId': (o) => o.account,
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': () => 'Swirl',
  'AWS::NoValue': () => '',
};

/** Resolves CloudFormation intrinsics to placeholder values, remembering which resources were referenced. */
export class TemplateResolver {
  readonly referenced = new Map<string, string>();
  private readonly settings: Required<Omit<ExtractOptions, 'bucketName'>>;

  constructor(readonly template: CloudFormationTemplate, private readonly options: ExtractOptions = {}) {
    this.settings = {
      account: options.account ?? PLACEHOLDER_ENVIRONMENT.account,
      region: options.region ?? PLACEHOLDER_ENVIRONMENT.region,
      partition: options.partition ?? 'aws',
    };
  }

  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Ref') return this.resolveRef(value.Ref as string);
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const [logicalId, attribute] = value['Fn::GetAtt'] as [string, string];
      return this.resolveAttribute(logicalId, attribute);
    }
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [separator, parts] = value['Fn::Join'] as [string, Json[]];
      return parts.map((part) => String(this.resolve(part))).join(separator);
    }
    if (keys.length === 1 && keys[0] === 'Fn::Select') {
      const [index, list] = value['Fn::Select'] as [number, Json];
      return (this.resolve(list) as Json[])[Number(index)];
    }
    if (keys.length === 1 && keys[0] === 'Fn::Split') {
      const [separator, text] = value['Fn::Split'] as [string, Json];
      return String(this.resolve(text)).split(separator);
    }
    if (keys.length === 1 && keys[0] === 'Fn::Sub' && typeof value['Fn::Sub'] === 'string') {
      return (value['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
        const [id, attribute] = name.split('.');
        return String(attribute ? this.resolveAttribute(id, attribute) : this.resolveRef(id));
      });
    }
    if (keys.some((key) => key.startsWith('Fn::'))) throw new Error(`template intrinsic ${keys[0]} is not supported by the definition extractor`);
    return Object.fromEntries(keys.map((key) => [key, this.resolve(value[key])]));
  }

  resourceArn(logicalId: string): string {
    const resource = this.resourceOf(logicalId);
    const { partition, region, account } = this.settings;
    switch (resource.Type) {
      case 'AWS::Lambda::Function': return `arn:${partition}:lambda:${region}:${account}:function:${logicalId}`;
      case 'AWS::Batch::JobQueue': return `arn:${partition}:batch:${region}:${account}:job-queue/${logicalId}`;
      case 'AWS::Batch::JobDefinition': return `arn:${partition}:batch:${region}:${account}:job-definition/${logicalId}:1`;
      case 'AWS::StepFunctions::StateMachine': return `arn:${partition}:states:${region}:${account}:stateMachine:${logicalId}`;
      case 'AWS::S3::Bucket': return `arn:${partition}:s3:::${this.bucketName(logicalId)}`;
      case 'AWS::SNS::Topic': return `arn:${partition}:sns:${region}:${account}:${logicalId}`;
      default: return `arn:${partition}:${resource.Type.split('::')[1].toLowerCase()}:${region}:${account}:${logicalId}`;
    }
  }

  private bucketName(logicalId: string): string {
    return this.options.bucketName ?? logicalId.toLowerCase();
  }

  private resourceOf(logicalId: string): TemplateResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`template has no resource ${JSON.stringify(logicalId)}`);
    return resource;
  }

  private resolveRef(name: string): string {
    const pseudo = PSEUDO[name];
    if (pseudo) return pseudo(this.settings);
    const resource = this.resourceOf(name);
    let value: string;
    if (resource.Type === 'AWS::S3::Bucket') value = this.bucketName(name);
    else if (resource.Type === 'AWS::Lambda::Function') value = name;
    else if (['AWS::Batch::JobQueue', 'AWS::Batch::JobDefinition', 'AWS::StepFunctions::StateMachine', 'AWS::SNS::Topic'].includes(resource.Type)) value = this.resourceArn(name);
    else value = name;
    this.referenced.set(value, name);
    return value;
  }

  private resolveAttribute(logicalId: string, attribute: string): string {
    const resource = this.resourceOf(logicalId);
    let value: string;
    if (attribute === 'Arn') value = this.resourceArn(logicalId);
    else if (resource.Type === 'AWS::S3::Bucket' && attribute === 'DomainName') value = `${this.bucketName(logicalId)}.s3.amazonaws.com`;
    else value = `${logicalId}.${attribute}`;
    this.referenced.set(value, logicalId);
    return value;
  }
}

function stringRecord(value: Json | undefined): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, String(item)]));
}

function describeResource(resolver: TemplateResolver, reference: string, logicalId: string): ReferencedResource {
  const resource = resolver.template.Resources[logicalId];
  const properties = (resource.Properties ?? {}) as Record<string, Json>;
  if (resource.Type === 'AWS::Lambda::Function') {
    const environment = resolver.resolve((properties.Environment as Record<string, Json> | undefined)?.Variables ?? {});
    return {
      kind: 'lambda', logicalId, arn: resolver.resourceArn(logicalId), functionName: logicalId,
      stage: (resource.Metadata?.[STAGE_METADATA_KEY] as string | undefined) ?? null,
      entry: (resource.Metadata?.[ENTRY_METADATA_KEY] as string | undefined) ?? null,
      environment: stringRecord(environment),
      timeoutSeconds: Number(properties.Timeout ?? 3),
      memoryMiB: Number(properties.MemorySize ?? 128),
    };
  }
  if (resource.Type === 'AWS::Batch::JobDefinition') {
    const container = resolver.resolve(properties.ContainerProperties ?? {}) as Record<string, Json>;
    const environment = Object.fromEntries(((container.Environment ?? []) as Array<{ Name: string; Value: string }>).map((entry) => [entry.Name, String(entry.Value)]));
    return {
      kind: 'batch-job-definition', logicalId, arn: resolver.resourceArn(logicalId), entry: TRAINER_ENTRY,
      command: ((container.Command ?? []) as Json[]).map(String),
      environment,
      parameters: stringRecord(properties.Parameters),
      attemptTimeoutSeconds: (properties.Timeout as { AttemptDurationSeconds?: number } | undefined)?.AttemptDurationSeconds ?? null,
      attempts: (properties.RetryStrategy as { Attempts?: number } | undefined)?.Attempts ?? 1,
      evaluateOnExit: (properties.RetryStrategy as { EvaluateOnExit?: unknown[] } | undefined)?.EvaluateOnExit ?? [],
    };
  }
  return { kind: 'other', logicalId, type: resource.Type, arn: reference };
}

/** Finds the stack's (only, or named) state machine and returns its definition with placeholders resolved. */
export function extractStateMachineDefinition(
  template: CloudFormationTemplate | { toJSON(): Record<string, unknown> },
  options: ExtractOptions & { logicalId?: string } = {},
): ExtractedDefinition {
  const raw = ('toJSON' in template ? template.toJSON() : template) as unknown as CloudFormationTemplate;
  const machines = Object.entries(raw.Resources).filter(([id, resource]) =>
    resource.Type === 'AWS::StepFunctions::StateMachine' && (!options.logicalId || id === options.logicalId));
  if (machines.length !== 1) throw new Error(`expected one state machine${options.logicalId ? ` named ${options.logicalId}` : ''} in the template, received ${machines.length}`);
  const [logicalId, machine] = machines[0];
  const resolver = new TemplateResolver(raw, options);
  const definitionString = resolver.resolve(machine.Properties?.DefinitionString ?? null);
  if (typeof definitionString !== 'string') throw new Error(`state machine ${logicalId} has no DefinitionString`);
  const resources: Record<string, ReferencedResource> = {};
  for (const [reference, id] of resolver.referenced) resources[reference] = describeResource(resolver, reference, id);
  return { logicalId, definition: JSON.parse(definitionString) as Record<string, unknown>, definitionString, resources };
}
