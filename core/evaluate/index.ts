export * from './wilson-interval';
export * from './evaluation-models';
export * from './evaluation-record';
export * from './evaluation-plan';
export * from './compute-set-metrics';
export * from './evaluate-pair';
export * from './gather-evaluation';
