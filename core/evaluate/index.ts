export * from './wilson-interval';
export * from './evaluation-models';
export * from './evaluation-record';
export * from './compute-set-metrics';
export * from './evaluate-run';
