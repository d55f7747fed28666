export * from './decompose-trajectory';
export * from './stage-events';
export * from './decompose-shard';
