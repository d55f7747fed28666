// Acknowledges specific cdk-nag findings (not whole rules) by pattern, so any new wildcard still fails the build.
import { Aspects, CfnResource, IAspect, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { NagRuleCompliance, rules } from 'cdk-nag';

type NagRule = (node: CfnResource) => unknown;

const RULES: Record<'IAM4' | 'IAM5', NagRule> = {
  IAM4: rules.iam.IAMNoManagedPolicies as unknown as NagRule,
  IAM5: rules.iam.IAMNoWildcardPermissions as unknown as NagRule,
};

export interface FindingAcknowledgement {
  rule: keyof typeof RULES;
  /** Findings (e.g. "Resource::<Bucket.Arn>/runs/*") accepted under this reason; others stay errors. */
  allow: RegExp[];
  reason: string;
  /** Only resources whose construct path matches. Default: every resource under the scope. */
  pathMatches?: RegExp;
}

class FindingAcknowledger implements IAspect {
  constructor(private readonly acknowledgement: FindingAcknowledgement) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource)) return;
    const { rule, allow, reason, pathMatches } = this.acknowledgement;
    if (pathMatches && !pathMatches.test(node.node.path)) return;
    const result = RULES[rule](node);
    if (!Array.isArray(result)) return;
    for (const finding of result as string[]) {
      if (allow.some((pattern) => pattern.test(finding))) {
        Validations.of(node).acknowledge({ id: `AwsSolutions-${rule}[${finding}]`, reason });
      }
    }
  }
}

/** Registers an acknowledgement of the matching findings of one rule on every resource under `scope`. */
export function acknowledgeFindings(scope: IConstruct, acknowledgement: FindingAcknowledgement): void {
  Aspects.of(scope).add(new FindingAcknowledger(acknowledgement));
}

/** True when the rule finds nothing to report on the resource (used by tests). */
export function isCompliant(rule: keyof typeof RULES, node: CfnResource): boolean {
  return RULES[rule](node) === NagRuleCompliance.COMPLIANT;
}
