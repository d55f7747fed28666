// Reads the run triggers back from a synthesized template: the config-upload rule and the retraining schedules.
import { CloudFormationTemplate, ExtractOptions, TemplateResolver } from './extract-definition';

type Json = Parameters<TemplateResolver['resolve']>[0];

export interface ExtractedRule {
  logicalId: string;
  /** EventBridge event pattern, with the bucket name resolved. */
  eventPattern: Record<string, unknown>;
  /** How the event becomes execution input: JSONPaths into the event, and the template that uses them as <name>. */
  inputPathsMap: Record<string, string>;
  inputTemplate: string;
}

export interface ExtractedSchedule {
  logicalId: string;
  expression: string;
  timeZone: string | null;
  state: string;
  /** Execution input with the Scheduler's context placeholders (e.g. <aws.scheduler.execution-id>) left in. */
  input: Record<string, unknown>;
}

function asTemplate(template: CloudFormationTemplate | { toJSON(): Record<string, unknown> }): CloudFormationTemplate {
  return ('toJSON' in template ? template.toJSON() : template) as unknown as CloudFormationTemplate;
}

/** The rules whose target is a state machine (the config-upload trigger), resolved. */
export function extractTriggerRules(template: CloudFormationTemplate | { toJSON(): Record<string, unknown> }, options: ExtractOptions = {}): ExtractedRule[] {
  const raw = asTemplate(template);
  const resolver = new TemplateResolver(raw, options);
  const rules: ExtractedRule[] = [];
  for (const [logicalId, resource] of Object.entries(raw.Resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const properties = resolver.resolve((resource.Properties ?? {}) as Json) as Record<string, unknown>;
    const targets = (properties.Targets ?? []) as Array<Record<string, unknown>>;
    const target = targets.find((candidate) => String(candidate.Arn).includes(':states:'));
    if (!target) continue;
    const transformer = (target.InputTransformer ?? {}) as { InputPathsMap?: Record<string, string>; InputTemplate?: string };
    rules.push({
      logicalId,
      eventPattern: properties.EventPattern as Record<string, unknown>,
      inputPathsMap: transformer.InputPathsMap ?? {},
      inputTemplate: transformer.InputTemplate ?? '<aws.events.event>',
    });
  }
  return rules;
}

export function extractSchedules(template: CloudFormationTemplate | { toJSON(): Record<string, unknown> }, options: ExtractOptions = {}): ExtractedSchedule[] {
  const raw = asTemplate(template);
  const resolver = new TemplateResolver(raw, options);
  return Object.entries(raw.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Scheduler::Schedule')
    .map(([logicalId, resource]) => {
      const properties = resolver.resolve((resource.Properties ?? {}) as Json) as Record<string, unknown>;
      const target = properties.Target as { Input?: string };
      return {
        logicalId,
        expression: String(properties.ScheduleExpression),
        timeZone: (properties.ScheduleExpressionTimezone as string | undefined) ?? null,
        state: String(properties.State ?? 'ENABLED'),
        input: JSON.parse(target.Input ?? '{}') as Record<string, unknown>,
      };
    });
}
