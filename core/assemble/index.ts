export * from './train-manifest';
export * from './training-record';
export * from './record-selector';
export * from './training-set-builder';
export * from './assemble-run';
export * from './split-by-key';
