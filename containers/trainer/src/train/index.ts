// The training loop, its schedule, optimizer, checkpoints and metrics, and the job and scratch-training entry points.
export * from './learning-rate-schedule';
export * from './data-order';
export * from './adamw-optimizer';
export * from './checkpoint';
export * from './metrics-writer';
export * from './progress-bar';
export * from './train-loop';
export * from './validation-loss';
export * from './run-training-job';
export * from './train-from-scratch';
