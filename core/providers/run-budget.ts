// A run's spending limits (trajectories, tokens, dollars): checked before new work starts, so work stops cleanly.
import { TokenUsage } from '../schemas/message';

export interface BudgetLimits {
  maxTrajectories?: number;
  maxTokens?: number;
  maxCostUsd?: number;
}

export interface BudgetSpending {
  trajectories: number;
  tokens: number;
  costUsd: number;
}

export class RunBudget {
  private readonly spent: BudgetSpending;

  constructor(readonly limits: BudgetLimits = {}, alreadySpent: Partial<BudgetSpending> = {}) {
    this.spent = { trajectories: 0, tokens: 0, costUsd: 0, ...alreadySpent };
  }

  /** Reserves one trajectory; false once the trajectory limit is reached or tokens/cost are used up. */
  tryStartTrajectory(): boolean {
    if (this.isExhausted()) return false;
    if (this.limits.maxTrajectories !== undefined && this.spent.trajectories >= this.limits.maxTrajectories) return false;
    this.spent.trajectories += 1;
    return true;
  }

  /** True when no further model call may start. */
  isExhausted(): boolean {
    if (this.limits.maxTokens !== undefined && this.spent.tokens >= this.limits.maxTokens) return true;
    if (this.limits.maxCostUsd !== undefined && this.spent.costUsd >= this.limits.maxCostUsd) return true;
    return false;
  }

  record(usage: TokenUsage, costUsd = 0): void {
    this.spent.tokens += usage.inputTokens + usage.outputTokens;
    this.spent.costUsd += costUsd;
  }

  spending(): BudgetSpending {
    return { ...this.spent };
  }
}
