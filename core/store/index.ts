export * from './s3-settings';
export * from './run-keys';
export * from './object-store';
export * from './run-store';
export * from './shard-timing';
