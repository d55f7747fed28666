export * from './parse-action';
export * from './build-prompt';
export * from './run-episode';
