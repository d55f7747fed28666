export * from './shard-incomplete-error';
export * from './rollout-progress';
export * from './shard-budget';
export * from './roll-out-shard';
