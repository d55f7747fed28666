// A shard's share of the run's budgets: shards run in parallel without talking, so each gets a fixed slice.
import { RunConfig } from '../schemas/run-config';
import { BudgetLimits } from '../providers/run-budget';

/** Trajectories split exactly (earlier shards take the remainder); tokens and dollars split evenly. */
export function computeShardBudget(budgets: RunConfig['budgets'], shardPosition: number, shardCount: number): BudgetLimits {
  const count = Math.max(1, shardCount);
  const position = Math.min(Math.max(0, shardPosition), count - 1);
  const limits: BudgetLimits = {};
  if (budgets.maxTrajectories !== undefined) {
    limits.maxTrajectories = Math.floor(budgets.maxTrajectories / count) + (position < budgets.maxTrajectories % count ? 1 : 0);
  }
  if (budgets.maxTokens !== undefined) limits.maxTokens = budgets.maxTokens / count;
  if (budgets.maxCostUsd !== undefined) limits.maxCostUsd = budgets.maxCostUsd / count;
  return limits;
}
